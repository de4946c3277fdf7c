"""Every catalogue is complete: extracting the messages afresh from the code and templates
finds no string without a translation in any language offered, none marked fuzzy, no
placeholder lost, and every plural entry with all the forms its language has."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def parse_po(text):
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, msgstr, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                line = line[6:]
            elif line.startswith("msgstr"):
                # Plural entries: the singular form stands for the entry (the others are checked by msgfmt).
                current = msgstr if not line.startswith("msgstr[") or line.startswith("msgstr[0]") else None
                line = line.split(" ", 1)[1]
            elif line.startswith(("msgid_plural", "#")):
                current = None  # a plural msgid's continuation lines are not the singular's
                continue
            if current is not None and line.startswith('"'):
                current.append(line[1:-1])
        if msgid and "".join(msgid):
            entries.append(("".join(msgid), "".join(msgstr), fuzzy))
    return entries


CATALOGUES = sorted(path.parts[-3] for path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogues as ``makemessages`` leaves them after extracting the messages afresh
    from a copy of the project (the project itself is not touched)."""
    tmp_path = tmp_path_factory.mktemp("locale")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "staticfiles", "test-artifacts", "*.sqlite3*", "__pycache__"
        ),
    )
    languages = [arg for code in CATALOGUES for arg in ("-l", code)]
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-location", "--ignore=tests", "-v0"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return copy


@pytest.mark.skipif(not shutil.which("msgmerge"), reason="gettext is installed by ./dev")
@pytest.mark.parametrize("language", CATALOGUES)
def test_every_catalogue_is_complete(extracted, language):
    entries = parse_po((extracted / f"locale/{language}/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    assert len(entries) > 300
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == [], f"{len(missing)} translations into {language} missing or fuzzy: {missing[:10]}"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext is installed by ./dev")
@pytest.mark.parametrize("language", CATALOGUES)
def test_every_plural_has_the_forms_of_its_language_and_placeholders_match(language):
    """msgfmt --check refuses a plural entry without all its forms and a placeholder that
    differs from the original's (python-format)."""
    path = ROOT / f"locale/{language}/LC_MESSAGES/django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[:2000]


@pytest.mark.parametrize("language", CATALOGUES)
def test_placeholders_survive_translation(language):
    """Each translation has exactly its original's placeholders. Plural entries are left
    to msgfmt (above): a first form may rightly name the count the English singular spells
    out ("once"), since in Latvian or Polish it also serves 21, 31..."""
    text = (ROOT / f"locale/{language}/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    plural = {block for block in text.split("\n\n") if "msgid_plural" in block}
    singular = "\n\n".join(block for block in text.split("\n\n") if block not in plural)
    entries = parse_po(singular)
    pattern = re.compile(r"%\(\w+\)s|%s|\{\w+\}")
    wrong = [
        msgid for msgid, msgstr, _f in entries if msgstr and sorted(pattern.findall(msgid)) != sorted(pattern.findall(msgstr))
    ]
    assert wrong == []


def test_the_languages_of_the_cities_are_offered():
    """The seeds' partners' languages (issue 24): French, Italian, Spanish, Dutch, German,
    Greek, Polish and Latvian, besides English."""
    assert {"fr", "it", "es", "nl", "de", "el", "pl", "lv"} <= set(CATALOGUES)


def test_the_languages_offered_are_english_and_each_catalogue():
    catalogues = sorted(path.parts[-3] for path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"))
    assert [code for code, _name in settings.LANGUAGES] == ["en", *catalogues]
    assert "fr" in catalogues


def test_dates_and_numbers_follow_the_language(personas):
    import datetime

    visit = personas.a.visits.get(order=1)
    visit.start_date = visit.end_date = datetime.date(2027, 3, 10)
    visit.save()
    client = personas.client("mentee")
    english = client.get("/programmes/test-programme/schemes/1/visits/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get("/programmes/test-programme/schemes/1/visits/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "10 Mar 2027" in english and "10 mars 2027" in french
    from django.utils import formats, translation

    with translation.override("fr"):
        assert formats.number_format(102275.5, 1, use_l10n=True, force_grouping=True) == "102\xa0275,5"
    with translation.override("en"):
        assert formats.number_format(102275.5, 1, use_l10n=True, force_grouping=True) == "102,275.5"


def test_a_help_text_joined_from_two_messages_is_translated_when_shown(personas):
    # Two lazy messages joined with "+" in a form's class become one English string, once,
    # at import: the programme's emblem said so to every reader until it was joined lazily.
    coordinator = personas.client("coordinator")
    coordinator.cookies["django_language"] = "fr"
    page = coordinator.get("/programmes/test-programme/edit/").content.decode()
    assert "Facultatif : l&#x27;emblème du financeur" in page or "Facultatif : l'emblème du financeur" in page
    assert "the funder&#x27;s emblem" not in page and "the funder's emblem" not in page


def test_a_history_reason_is_said_in_the_readers_language_not_the_writers(personas):
    from schemes.models import PoliticalCommitment

    scheme = "/programmes/test-programme/schemes/1/"
    writer = personas.client("mentee")
    writer.cookies["django_language"] = "fr"
    values = {"name": "Jane Mayor", "office": "Mayor", "party": "Green", "date": "2026-03-01", "scope": "both", "evidence": ""}
    assert writer.post(scheme + "commitments/new/", values).status_code == 302
    commitment = PoliticalCommitment.objects.get(name="Jane Mayor")
    history = f"{scheme}commitments/{commitment.pk}/history/"
    # Written by a French reader, read by an English and a French one.
    assert '<p class="mb-2">Recorded</p>' in personas.client("mentor").get(history).content.decode()
    assert '<p class="mb-2">Enregistré</p>' in writer.get(history).content.decode()
    # A reason written out in its writer's language before is shown as it was written.
    commitment.history.filter(history_type="+").update(history_change_reason="Registrato")
    assert '<p class="mb-2">Registrato</p>' in writer.get(history).content.decode()


def test_a_reason_of_any_length_is_kept_to_the_columns_hundred_characters(personas):
    scheme = personas.a
    scheme._change_reason = "A reason written out at length. " * 5
    scheme.save()
    assert scheme.history.first().history_change_reason == ("A reason written out at length. " * 5)[:100]
