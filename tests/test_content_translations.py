"""Templates and benchmarks that carry translations (issue 24): a reader sees the text in
their language where a translation exists, marked as a translation, with the original one
click away; the original stays the reference; a translation older than its original is
flagged; bad translations are refused with clear messages and nothing changes."""

import copy
import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from benchmarks.models import BenchmarkVersion, KeyFactor
from benchmarks.services import BenchmarkFormatError, benchmark_export, benchmark_import
from schemes.models import Question, QuestionnaireTemplate
from schemes.services.demo import FIXTURES
from schemes.services.questionnaires import TemplateFormatError, template_import

from .test_questionnaires import BASE

CHALLENGE_IT = "Quale sfida, problema o bisogno della Sua città vuole affrontare in questo progetto?"


def needs_question(key="challenge"):
    return Question.objects.get(section__template__slug="needs-analysis", section__template__programme=None, key=key)


def translate(obj, code, **values):
    obj.translation_set(code, values)
    obj.save(update_fields=["translations"])


def test_a_reader_sees_the_template_in_their_language_marked_with_the_original_one_click_away(personas, settings):
    question = needs_question()
    original = question.text
    translate(question, "fr", text="Quel défi votre ville veut-elle relever dans ce projet ?")
    url = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    mentee = personas.client("mentee")
    french = mentee.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Quel défi votre ville veut-elle relever dans ce projet ?" in french
    assert original not in french
    assert 'href="' + url + '?original=1"' in french
    # One click: the original, with a way back.
    back = mentee.get(url + "?original=1", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert original in back and "Quel défi votre ville" not in back
    # An English reader sees the original, and no notice.
    english = mentee.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert original in english and "?original=1" not in english
    # Nothing was saved over the original.
    assert needs_question().text == original


def test_an_edited_original_flags_its_translation_as_older(personas):
    question = needs_question()
    translate(question, "fr", text="Quel défi ?")
    assert not question.translation_outdated("fr")
    question.text = "Which challenge does your city want to address?"
    question.save()
    assert question.translation_outdated("fr")
    url = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    page = personas.client("mentee").get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Quel défi ?" in page


def test_choices_keep_their_values_and_show_translated_labels(db):
    question = Question.objects.get(
        section__template__slug="local-support-group", section__template__programme=None, key="stakeholder-type"
    )
    translate(question, "fr", choices={"ngo": "ONG ou organisme de la société civile"})
    question.show_in("fr")
    labels = {choice["value"]: choice["label"] for choice in question.choices}
    assert labels["ngo"] == "ONG ou organisme de la société civile"
    assert labels["business"] == "Business"  # not translated: the original


def template_data(name="needs-analysis"):
    return json.loads((FIXTURES / "templates" / f"{name}.json").read_text(encoding="utf-8"))


def with_translation(data, block):
    data = copy.deepcopy(data)
    data["slug"] = "needs-analysis-test"
    data["translations"] = block
    return data


def test_a_template_file_carries_its_translations_and_a_programme_copy_keeps_them(personas):
    from schemes.services.questionnaires import template_adapt

    block = {
        "it": {
            "unofficial": True,
            "title": "Analisi dei bisogni",
            "sections": {"mentee-needs": {"questions": {"challenge": {"text": CHALLENGE_IT}}}},
        }
    }
    template = template_import(data=with_translation(template_data(), block))
    question = Question.objects.get(section__template=template, key="challenge")
    assert question.translation("it") == {"text": CHALLENGE_IT} and not question.translation_outdated("it")
    assert template.translations["it"]["unofficial"] is True
    adapted = template_adapt(template=template, programme=personas.programme)
    assert adapted.translation("it") == {"title": "Analisi dei bisogni"}
    assert Question.objects.get(section__template=adapted, key="challenge").translation("it") == {"text": CHALLENGE_IT}


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"it": {"title": "<b>Analisi</b>"}}, "translations.it.title: contains HTML markup"),
        ({"xx": {"title": "Analisi"}}, "translations.xx: “xx” is not a language code this application knows"),
        ({"it": {"title": "تحليل الاحتياجات"}}, "translations.it.title: contains right-to-left text"),
        ({"it": {"title": "Analisi\u202edei bisogni"}}, "reverse the direction of the text"),
        ({"it": {"introduction": "x" * 20_000}}, "translations.it.introduction: is too long (20000 characters"),
        (
            {"it": {"sections": {"nowhere": {"title": "Altrove"}}}},
            "translations.it.sections.nowhere: names no section of this template",
        ),
        (
            {"it": {"sections": {"mentee-needs": {"questions": {"not-a-question": {"text": "?"}}}}}},
            "names no question of this section",
        ),
    ],
)
def test_a_bad_translation_in_a_template_file_is_refused_and_nothing_is_imported(db, block, message):
    before = QuestionnaireTemplate.objects.count()
    with pytest.raises(TemplateFormatError) as refused:
        template_import(data=with_translation(template_data(), block))
    assert message in str(refused.value)
    assert QuestionnaireTemplate.objects.count() == before


def test_a_right_to_left_language_may_be_written_right_to_left(db):
    template = template_import(data=with_translation(template_data(), {"ar": {"title": "تحليل الاحتياجات"}}))
    assert template.translation("ar") == {"title": "تحليل الاحتياجات"}


def benchmark_data():
    return json.loads((FIXTURES / "benchmarks" / "inclucities-general.json").read_text(encoding="utf-8"))


def test_a_benchmark_file_carries_translations_out_and_back_in(db):
    data = benchmark_data()
    first = next(kf for kf in data["key_factors"] if kf["guide_questions"])
    data["translations"] = {
        "it": {
            "unofficial": True,
            "title": "Benchmark generale",
            "key_factors": {first["number"]: {"title": "Impegno pubblico", "guide_questions": ["Domanda uno?"]}},
            "context_factors": [{"title": "Competenze"}],
        }
    }
    data["slug"] = "general-translated"
    version = benchmark_import(data=data)
    key_factor = version.key_factors.get(number=first["number"])
    assert key_factor.translation("it") == {"title": "Impegno pubblico"}
    assert key_factor.guide_questions.order_by("order").first().translation("it") == {"text": "Domanda uno?"}
    exported = benchmark_export(version=version)
    assert exported["translations"]["it"]["key_factors"][first["number"]]["title"] == "Impegno pubblico"
    assert exported["translations"]["it"]["unofficial"] is True
    # What goes out comes back in the same.
    again = benchmark_import(data={**exported, "slug": "general-translated-again"})
    assert benchmark_export(version=again)["translations"] == exported["translations"]


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        (
            {"it": {"key_factors": {"99": {"title": "Fattore di un altro benchmark"}}}},
            "translations.it.key_factors.99: names no key factor of this benchmark",
        ),
        ({"zz": {"title": "?"}}, "translations.zz: “zz” is not a language code this application knows"),
        ({"it": {"title": "<script>alert(1)</script>"}}, "translations.it.title: contains HTML markup"),
        ({"it": {"standard": "y" * 20_000}}, "translations.it.standard: is too long"),
        ({"it": {"title": "עברית"}}, "contains right-to-left text"),
    ],
)
def test_a_bad_translation_in_a_benchmark_file_is_refused_and_nothing_is_imported(db, translations, message):
    data = benchmark_data()
    data["slug"] = "general-bad"
    data["translations"] = translations
    before = BenchmarkVersion.objects.count(), KeyFactor.objects.count()
    with pytest.raises(BenchmarkFormatError) as refused:
        benchmark_import(data=data)
    assert any(message in error for error in refused.value.errors), refused.value.errors
    assert (BenchmarkVersion.objects.count(), KeyFactor.objects.count()) == before


def test_the_benchmark_page_and_booklet_read_in_the_readers_language(personas):
    from .test_plan_revisions import pdf_text

    version = BenchmarkVersion.objects.filter(benchmark__slug="inclucities-general").order_by("-number").first()
    key_factor = version.key_factors.order_by("order").first()
    original = escape(key_factor.title)
    translate(key_factor, "fr", title="Engagement public pour une ville inclusive")
    url = version.get_absolute_url()
    client = personas.client("mentee")
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Engagement public pour une ville inclusive" in french and original not in french
    assert "?original=1" in french
    assert original in client.get(url + "?original=1", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    booklet = client.get(
        reverse("benchmarks:booklet", kwargs={"slug": "inclucities-general", "number": version.number}), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Engagement public pour une ville" in pdf_text(booklet.content)


def test_the_self_assessment_shows_key_factors_and_guide_questions_translated(personas):
    scheme = personas.a
    if scheme.benchmark is None:
        pytest.skip("the test scheme has no benchmark")
    key_factor = scheme.benchmark.key_factors.order_by("order").first()
    translate(key_factor, "fr", title="Facteur clé traduit")
    url = f"/programmes/test-programme/schemes/1/self-assessment/{personas.mentee_city.pk}/"
    client = personas.client("mentee")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True).content.decode()
    assert "Facteur clé traduit" in page and "original=1" in page
    original = client.get(url + "?original=1", HTTP_ACCEPT_LANGUAGE="fr", follow=True).content.decode()
    assert "Facteur clé traduit" not in original and escape(key_factor.title) in original


# -- The editors -----------------------------------------------------------------------


@pytest.fixture
def own_template(personas):
    from schemes.services.questionnaires import template_adapt

    reference = QuestionnaireTemplate.objects.get(slug="needs-analysis", programme=None)
    return template_adapt(template=reference, programme=personas.programme)


def translations_url(template, language=""):
    base = f"/programmes/test-programme/templates/{template.pk}/translations/"
    return base + (f"{language}/" if language else "")


def edit_data(client, url, **values):
    form = client.get(url).context["form"]
    data = {"seen": form["seen"].value()}
    for _entry, name, _original, _outdated in form.rows:
        data[name] = form[name].value() or ""
    for key, value in values.items():
        data[next(name for _e, name, original, _o in form.rows if original == key)] = value
    return data


def test_a_coordinator_translates_the_programmes_template_and_readers_see_it(personas, own_template):
    from mentoring.models import LogEntry

    coordinator = personas.client("coordinator")
    overview = coordinator.get(translations_url(own_template)).content.decode()
    assert ">Français" in overview and 'href="fr/"' in overview
    url = translations_url(own_template, "pt")
    question = Question.objects.get(section__template=own_template, key="challenge")
    response = coordinator.post(url, edit_data(coordinator, url, **{question.text: CHALLENGE_IT}))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.translation("pt") == {"text": CHALLENGE_IT}
    assert question.history.first().history_change_reason == "Translation changed (Português)"
    assert LogEntry.objects.filter(action="translation.changed", programme=personas.programme).count() == 1
    # The original is untouched, and flagged once it changes.
    question.text = "A new wording of the question"
    question.save()
    page = coordinator.get(url).content.decode()
    assert "The original has changed since this was translated" in page
    assert "1 part changed since it was translated" in coordinator.get(translations_url(own_template)).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("<b>Quale sfida?</b>", "contains HTML markup"),
        ("x" * 20_000, "is too long (20000 characters"),
        ("Quale sfida \u202e?", "reverse the direction of the text"),
        ("מה האתגר?", "contains right-to-left text"),
    ],
)
def test_a_bad_translation_is_refused_with_a_clear_message_what_was_typed_is_kept_and_nothing_changes(
    personas, own_template, value, message
):
    coordinator = personas.client("coordinator")
    url = translations_url(own_template, "pt")
    question = Question.objects.get(section__template=own_template, key="challenge")
    history = question.history.count()
    response = coordinator.post(url, edit_data(coordinator, url, **{question.text: value}))
    page = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in page and message in page
    assert escape(value[:200]) in page  # what was typed is kept
    question.refresh_from_db()
    assert question.translation("pt") == {} and question.history.count() == history


def test_two_coordinators_saving_at_once_the_second_is_told_and_keeps_their_text(personas, own_template):
    coordinator = personas.client("coordinator")
    url = translations_url(own_template, "pt")
    question = Question.objects.get(section__template=own_template, key="challenge")
    first = edit_data(coordinator, url, **{question.text: "Prima versione"})
    second = edit_data(coordinator, url, **{question.text: "Seconda versione"})
    assert coordinator.post(url, first).status_code == 302
    refused = coordinator.post(url, second)
    assert refused.status_code == 409 and "Seconda versione" in refused.content.decode()
    question.refresh_from_db()
    assert question.translation("pt") == {"text": "Prima versione"}


def test_only_the_programmes_coordinators_translate_and_a_reference_template_is_a_404(personas, own_template):
    url = translations_url(own_template, "pt")
    assert personas.client("mentee").get(url).status_code == 403
    reference = QuestionnaireTemplate.objects.get(slug="needs-analysis", programme=None)
    assert personas.client("coordinator").get(translations_url(reference, "it")).status_code == 404
    assert personas.client("coordinator").get(translations_url(own_template, "xx")).status_code == 404


def test_a_coordinator_translates_the_programmes_benchmark_without_changing_the_original(personas):
    from benchmarks.editing import draft_from

    reference = BenchmarkVersion.objects.filter(benchmark__slug="inclucities-general").order_by("-number").first()
    draft = draft_from(version=reference, programme=personas.programme, actor=personas.users["coordinator"])
    coordinator = personas.client("coordinator")
    base = f"/programmes/test-programme/benchmarks/{draft.pk}/translations/"
    assert coordinator.get(base).status_code == 200
    url = base + "pt/"
    key_factor = draft.key_factors.order_by("order").first()
    original = key_factor.title
    assert coordinator.post(url, edit_data(coordinator, url, **{original: "Impegno pubblico"})).status_code == 302
    key_factor.refresh_from_db()
    assert key_factor.title == original and key_factor.translation("pt") == {"title": "Impegno pubblico"}
    # Carried in the file the programme exports.
    assert benchmark_export(version=draft)["translations"]["pt"]["key_factors"][key_factor.number] == {
        "title": "Impegno pubblico"
    }
    # A reference benchmark is translated where it is written: not here.
    assert coordinator.get(f"/programmes/test-programme/benchmarks/{reference.pk}/translations/pt/").status_code == 404


def test_a_questionnaire_page_reads_its_translations_without_one_query_more(personas):
    """The translations travel with the texts they translate (one field of the same rows):
    a page with every text translated costs the same queries as one with none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    client = personas.client("mentee")
    client.get(url, HTTP_ACCEPT_LANGUAGE="fr")  # the document exists from here on
    with CaptureQueriesContext(connection) as plain:
        client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    template = QuestionnaireTemplate.objects.get(slug="needs-analysis", programme=None)
    translate(template, "fr", title="Analyse des besoins")
    for section in template.sections.all():
        translate(section, "fr", title=f"Section {section.key}")
        for question in section.questions.all():
            translate(question, "fr", text=f"Question {question.key} en français")
    with CaptureQueriesContext(connection) as translated:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "en français" in page
    assert len(translated.captured_queries) == len(plain.captured_queries)


LANGUAGES_OF_THE_CITIES = ("fr", "it", "es", "nl", "de", "el", "pl", "lv")


@pytest.mark.parametrize("language", LANGUAGES_OF_THE_CITIES)
def test_the_seed_templates_and_the_general_benchmark_are_translated_whole(language):
    """So that a new programme in Italy or Latvia starts in its language: every text of
    the five annex templates and of the general benchmark has an unofficial translation,
    and each file is one the import accepts."""
    from benchmarks.translations import translations_validate
    from schemes.services.demo import TEMPLATE_FILES, seed_file
    from schemes.services.template_translations import template_translations_validate

    missing = []
    for name in TEMPLATE_FILES:
        data = seed_file("templates", name)
        assert template_translations_validate(data) == []
        block = data["translations"][language]
        assert block["unofficial"] is True
        for key in ("title", "introduction"):
            if data.get(key) and not block.get(key):
                missing.append(f"{name}.{key}")
        for section in data["sections"]:
            found = block.get("sections", {}).get(section["key"], {})
            for key in ("title", "introduction"):
                if section.get(key) and not found.get(key):
                    missing.append(f"{name}.{section['key']}.{key}")
            for question in section["questions"]:
                words = found.get("questions", {}).get(question["key"], {})
                for key in ("group", "text", "help_text"):
                    if question.get(key) and not words.get(key):
                        missing.append(f"{name}.{section['key']}.{question['key']}.{key}")
                for choice in question.get("choices", []):
                    if not words.get("choices", {}).get(choice["value"]):
                        missing.append(f"{name}.{question['key']}.choices.{choice['value']}")
    data = seed_file("benchmarks", "inclucities-general")
    assert translations_validate(data) == []
    block = data["translations"][language]
    for key in ("title", "standard", "rationale", "notes_on_terms", "coverage"):
        if data.get(key) and not block.get(key):
            missing.append(f"general.{key}")
    for kf in data["key_factors"]:
        found = block.get("key_factors", {}).get(kf["number"], {})
        for key in ("title", "statement", "rationale", "practical_tips"):
            if kf.get(key) and not found.get(key):
                missing.append(f"general.kf{kf['number']}.{key}")
        if len(found.get("guide_questions", [])) != len(kf["guide_questions"]):
            missing.append(f"general.kf{kf['number']}.guide_questions")
    if len(block.get("context_factors", [])) != len(data["context_factors"]):
        missing.append("general.context_factors")
    assert missing == []


def test_the_translations_pages_read_a_whole_template_in_a_few_queries(personas, own_template, django_assert_max_num_queries):
    """The overview and the page that translates read every section, question and
    choice of the template in a fixed number of queries, whatever its length."""
    coordinator = personas.client("coordinator")
    coordinator.get(translations_url(own_template, "pt"))
    with django_assert_max_num_queries(15):
        assert coordinator.get(translations_url(own_template, "pt")).status_code == 200
    with django_assert_max_num_queries(15):
        assert coordinator.get(translations_url(own_template)).status_code == 200
