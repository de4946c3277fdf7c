"""Numbers are read as the writer meant them, or asked about, never changed (issue 18).

Each input is typed by a reader of each language into the needs analysis ("The local
context": inhabitants, annual budget, share for integration) and into a city's profile;
the tables below say what is stored, what is asked, or why it is refused. Run with ``-s``
to print them as they came out."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils import translation

from mentoring.forms import latest_history_id
from mentoring.numbers import Ambiguous, read_number
from schemes.models import Answer, Organisation

from .test_questionnaires import BASE, answer, form_data

LANGUAGES = ["en", "fr", "it", "de", "es", "nl"]
NBSP = "\u00a0"  # Django groups thousands with it in French and Spanish

# A row: what is typed, in which question, and what happens for each reader (several
# languages separated by spaces share a cell; "*" is every other language).
# "ask A or B": nothing is stored, the form asks which was meant (thousands first).
# "no: ... (example)": refused, with an example written in the reader's language.
SECTION_TABLE = [
    ("11000", "inhabitants", {"*": "11000"}),
    ("11.000", "inhabitants", {"en": "ask 11000 or 11", "*": "11000"}),
    ("11,000", "inhabitants", {"en": "11000", "*": "ask 11000 or 11"}),
    ("11 000", "inhabitants", {"*": "11000"}),
    ("11\u202f000", "inhabitants", {"*": "11000"}),  # a narrow no-break space, as a phone types it
    ("11'000", "inhabitants", {"*": "11000"}),
    ("1.250", "inhabitants", {"*": "1250"}),  # 1.25 inhabitants is no reading
    ("1,250", "inhabitants", {"*": "1250"}),
    ("1.250.000", "inhabitants", {"*": "1250000"}),
    ("12,5", "inhabitants", {"*": "no: not a whole number"}),
    (
        "2,3 Mio",
        "inhabitants",
        {"en": "no: words (2,300,000)", "fr es": f"no: words (2{NBSP}300{NBSP}000)", "it de nl": "no: words (2.300.000)"},
    ),
    (
        "2.3 million",
        "inhabitants",
        {"en": "no: words (2,300,000)", "fr es": f"no: words (2{NBSP}300{NBSP}000)", "it de nl": "no: words (2.300.000)"},
    ),
    (
        "1.25.000",
        "inhabitants",
        {
            "en": "no: grouping (1,250,000)",
            "fr es": f"no: grouping (1{NBSP}250{NBSP}000)",
            "it de nl": "no: grouping (1.250.000)",
        },
    ),
    ("-5", "inhabitants", {"*": "no: negative"}),
    ("1.250", "annual-budget", {"en": "ask 1250 or 1.25", "*": "1250"}),
    ("1,250", "annual-budget", {"en": "1250", "*": "ask 1250 or 1.25"}),
    ("1.250,5", "annual-budget", {"*": "1250.5"}),
    ("1,250.5", "annual-budget", {"*": "1250.5"}),
    ("12,5", "annual-budget", {"*": "12.5"}),
    ("12.5", "annual-budget", {"*": "12.5"}),
    ("€ 1.250,50", "annual-budget", {"*": "1250.5"}),
    ("1 250 EUR", "annual-budget", {"*": "1250"}),
    (
        "1.250,555",
        "annual-budget",
        {"en": "no: decimals (1,250.50)", "fr es": f"no: decimals (1{NBSP}250,50)", "it de nl": "no: decimals (1.250,50)"},
    ),
    ("12,5 %", "integration-budget-share", {"*": "12.5"}),
    ("12.5", "integration-budget-share", {"*": "12.5"}),
    ("12.500", "integration-budget-share", {"*": "12.5"}),  # 12500 % is no share
    ("0,5", "integration-budget-share", {"*": "0.5"}),
    ("150", "integration-budget-share", {"*": "no: more than 100 %"}),
]

PROFILE_TABLE = [
    ("11.000", "population", {"en": "ask 11000 or 11", "*": "11000"}),
    ("11 000", "population", {"*": "11000"}),
    ("12,5", "population", {"*": "no: not a whole number"}),
    (
        "2,3 Mio",
        "annual_budget",
        {"en": "no: words (2,300,000)", "fr es": f"no: words (2{NBSP}300{NBSP}000)", "it de nl": "no: words (2.300.000)"},
    ),
    ("1.250", "annual_budget", {"en": "ask 1250 or 1.25", "*": "1250"}),
    ("1,250", "annual_budget", {"en": "1250", "*": "ask 1250 or 1.25"}),
    ("1.250,5", "annual_budget", {"*": "1250.5"}),
    ("-1.250,5", "annual_budget", {"*": "no: negative"}),
]

WHY = {
    "not_a_number": "words",
    "bad_grouping": "grouping",
    "not_whole": "not a whole number",
    "negative": "negative",
    "decimals": "decimals",
    "too_big": "more than 100 %",
}
EXAMPLE_GIVEN = {"not_a_number", "bad_grouping", "decimals"}


def names(client, url):
    """{question key: the name of its field} of a section."""
    return {question.key: f"q{question.pk}" for question in client.get(url).context["form"].questions}


def expected(cells, language):
    for languages, cell in cells.items():
        if language in languages.split():
            return cell
    return cells["*"]


def plain(number):
    return format(Decimal(number).normalize(), "f")


def outcome(response, name, stored):
    """What the reader met: the value stored, the question asked, or the refusal."""
    if response.status_code == 302:
        return plain(stored())
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()[name][0]
    if error.code == "ambiguous":
        readings = re.findall(rf'name="{name}_meant" value="([^"]+)"', response.content.decode())
        return "ask " + " or ".join(readings)
    why = WHY.get(error.code, error.code)
    examples = re.findall(r"\d[\d.,\u00a0]*\d", error.messages[0].split("”")[-1])  # after the value quoted
    return f"no: {why} ({examples[-1]})" if error.code in EXAMPLE_GIVEN and examples else f"no: {why}"


def print_table(title, rows):
    width = max(len(cell) for row in rows for cell in row[2]) + 2
    print(f"\n{title}")
    print(f"{'typed':16}{'question':26}" + "".join(f"{language:{width}}" for language in LANGUAGES))
    for typed, question, cells in rows:
        print(f"{typed!r:16}{question:26}" + "".join(f"{cell.replace(NBSP, ' '):{width}}" for cell in cells))


@pytest.fixture
def languages(settings):
    """The six languages offered, as issue 24 will offer them (messages stay English
    without a catalogue; numbers follow Django's formats for each language)."""
    settings.LANGUAGES = [(code, LANG_INFO[code]["name"]) for code in LANGUAGES]


def reader(personas, who, language):
    client = personas.client(who)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def base(personas):
    return BASE.format(city=personas.mentee_city.pk)


def test_numbers_typed_in_the_needs_analysis_by_readers_of_six_languages(personas, base, languages):
    url = base + "sections/local-context/"
    field = names(personas.client("mentee"), url)
    found = []
    for typed, key, _cells in SECTION_TABLE:
        row = []
        for language in LANGUAGES:
            mentee = reader(personas, "mentee", language)
            response = mentee.post(url, form_data(mentee, url, **{key: typed}))
            row.append(outcome(response, field[key], lambda key=key: answer(personas, key).number))
            if response.status_code != 302:
                assert answer(personas, key) is None  # never stored silently
                assert f'value="{typed}"' in response.content.decode()  # what was typed is kept
            Answer.objects.filter(response__scheme=personas.a).delete()
        found.append((typed, key, row))
    print_table("Needs analysis, section “The local context”: typed -> stored", found)
    assert [row for _t, _k, row in found] == [[expected(cells, lang) for lang in LANGUAGES] for _t, _k, cells in SECTION_TABLE]


def test_numbers_typed_in_a_citys_profile_by_readers_of_six_languages(personas, languages):
    city = personas.mentee_city
    url = f"/programmes/test-programme/organisations/{city.pk}/edit/"
    found = []
    for typed, name, _cells in PROFILE_TABLE:
        row = []
        for language in LANGUAGES:
            city.refresh_from_db()
            before = getattr(city, name)
            data = {"kind": "city", "name": city.name, "country": "BE", "seen_version": latest_history_id(city), name: typed}
            response = reader(personas, "coordinator", language).post(url, data)
            city.refresh_from_db()
            row.append(outcome(response, name, lambda name=name: getattr(city, name)))
            if response.status_code != 302:
                assert getattr(city, name) == before  # never stored silently
        found.append((typed, name, row))
    print_table("City profile: typed -> stored", found)
    assert [row for _t, _k, row in found] == [[expected(cells, lang) for lang in LANGUAGES] for _t, _k, cells in PROFILE_TABLE]


def test_a_number_that_reads_two_ways_is_asked_about_then_stored_as_chosen_without_javascript(personas, base):
    mentee = personas.client("mentee")
    url = base + "sections/local-context/"
    field = names(mentee, url)
    name = field["inhabitants"]
    data = form_data(mentee, url, inhabitants="11.000", **{"main-nationalities": "Tunisian"})
    asked = mentee.post(url, data)
    html = asked.content.decode()
    assert asked.status_code == 200 and answer(personas, "inhabitants") is None and answer(personas, "main-nationalities") is None
    assert "“11.000” can be read two ways: 11,000 inhabitants or 11 inhabitants." in html
    assert "Which number did you mean?" in html
    assert f'type="radio" name="{name}_meant" value="11000"' in html and "11,000 inhabitants, if “.” separates thousands" in html
    assert f'type="radio" name="{name}_meant" value="11"' in html and "11 inhabitants, if “.” separates decimals" in html
    assert f'name="{name}" value="11.000"' in html  # as typed, until the writer chooses

    # The choice is kept while something else on the page is corrected.
    data.update({f"{name}_meant": "11000", field["annual-budget"]: "2,3 Mio"})
    again = mentee.post(url, data)
    html = again.content.decode()
    assert again.status_code == 200 and answer(personas, "inhabitants") is None
    assert re.search(rf'name="{name}_meant" value="11000"[^>]*checked', html)
    assert "can be read two ways" not in html

    data[field["annual-budget"]] = ""
    assert mentee.post(url, data).status_code == 302
    assert answer(personas, "inhabitants").number == 11000 and answer(personas, "main-nationalities").text == "Tunisian"
    page = mentee.get(url).content.decode()
    assert f'name="{name}" value="11,000"' in page and "_meant" not in page
    assert "11,000 inhabitants" in mentee.get(base).content.decode()


def test_a_choice_that_no_longer_fits_what_is_typed_is_asked_again(personas, base):
    mentee = personas.client("mentee")
    url = base + "sections/local-context/"
    data = form_data(mentee, url, inhabitants="12.000")
    name = names(mentee, url)["inhabitants"]
    data[f"{name}_meant"] = "11000"  # chosen for "11.000", then the number was corrected
    response = mentee.post(url, data)
    assert response.status_code == 200 and "“12.000” can be read two ways" in response.content.decode()
    assert answer(personas, "inhabitants") is None


def test_the_profile_asks_too_and_stores_the_reading_chosen(personas, languages):
    city = personas.mentee_city
    url = f"/programmes/test-programme/organisations/{city.pk}/edit/"
    italian = reader(personas, "coordinator", "it")
    data = {"kind": "city", "name": city.name, "country": "BE", "seen_version": latest_history_id(city), "annual_budget": "1,250"}
    html = italian.post(url, data).content.decode()
    # In Italian: the reader's convention, and the question in their language.
    assert "“1,250” si può leggere in due modi: 1.250 EUR oppure 1,25 EUR." in html
    assert "1,25 EUR, se “,” separa i decimali" in html
    assert italian.post(url, {**data, "annual_budget_meant": "1.25"}).status_code == 302
    assert Organisation.objects.get(pk=city.pk).annual_budget == Decimal("1.25")
    assert 'name="annual_budget" value="1,25"' in italian.get(url).content.decode()
    # Cents are shown, as they were typed, on the city's page.
    english = reader(personas, "coordinator", "en")
    city.refresh_from_db()
    data.update(seen_version=latest_history_id(city), annual_budget="350,000,000.50")
    assert english.post(url, data).status_code == 302
    assert "350,000,000.50" in english.get(f"/programmes/test-programme/organisations/{city.pk}/").content.decode()


def test_how_a_number_was_read_is_shown_before_it_is_saved(personas, base, languages):
    url = base + "sections/local-context/"
    for language, typed, shown in (("en", "11000", "11,000"), ("it", "11000", "11.000"), ("fr", "11.000", f"11{NBSP}000")):
        mentee = reader(personas, "mentee", language)
        # The budget is refused, so nothing is saved and the page is shown again.
        response = mentee.post(url, form_data(mentee, url, inhabitants=typed, **{"annual-budget": "2,3 Mio"}))
        html = response.content.decode()
        with translation.override(language):
            expected = translation.gettext("Read as %(number)s.") % {"number": f"{shown} inhabitants"}
        assert response.status_code == 200 and expected in html, language
        assert answer(personas, "inhabitants") is None


def test_the_pdf_shows_the_number_in_the_readers_language(personas, base, languages):
    italian = reader(personas, "mentee", "it")
    url = base + "sections/local-context/"
    assert italian.post(url, form_data(italian, url, inhabitants="11.000")).status_code == 302
    assert answer(personas, "inhabitants").number == 11000  # not 11, as it used to be

    def pdf_text(language):
        pdf = reader(personas, "mentee", language).get(base + "document.pdf").content
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        return " ".join(text.replace(NBSP, " ").split())

    assert "11.000 inhabitants" in pdf_text("it")
    assert "11,000 inhabitants" in pdf_text("en")
    assert "11 000 inhabitants" in pdf_text("fr")
    assert "11 inhabitants" not in pdf_text("en")


@pytest.mark.parametrize(
    "language, typed, read",
    [
        # Issue 24's other languages, from Django's own formats: "," is their decimal separator.
        ("el", "11.000", "11000"),
        ("el", "1.250,5", "1250.5"),
        ("pl", "11 000,5", "11000.5"),
        ("pl", "11.000", "11000"),
        ("lv", "12,5", "12.5"),
        ("de-ch", "11'000.50", "11000.5"),
        ("pl", "1,250", "ask 1250 or 1.25"),
        ("el", "1,250", "ask 1250 or 1.25"),
    ],
)
def test_every_language_django_knows_reads_with_its_own_decimal_separator(language, typed, read):
    with translation.override(language):
        try:
            value = plain(read_number(typed, "money"))
        except Ambiguous as question:
            value = "ask " + " or ".join(plain(reading.value) for reading in question.readings)
    assert value == read


def test_nothing_is_rounded_or_guessed(personas):
    with translation.override("en"):
        for typed, kind in (
            ("1.255,555", "money"),
            ("12,345", "percent"),
            ("5k", "money"),
            ("12 5", "integer"),
            ("1..000", "integer"),
        ):
            with pytest.raises(ValidationError):
                read_number(typed, kind)
