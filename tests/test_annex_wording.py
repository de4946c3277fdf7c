"""The annexes as the guide words them (issue 23): the forms that fill Annexes 4, 5 and 6
show the template's own prompts and help (fixtures/templates, the data the blank forms
print), a programme's adapted template is what its forms show, and the generic wording's
“IncluCities” reads as the programme's own name elsewhere.

Run with -s to see the comparison table of each form."""

import html
import json
import re
import subprocess
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils.html import escape

from schemes.forms.practices import GoodPracticeForm
from schemes.forms.support_groups import SupportGroupMemberForm
from schemes.models import Organisation, Question, TemplateKind
from schemes.services.annex_wording import FIELDS, SECTIONS, annex_labels, annex_wording, programme_wording
from schemes.services.filling import template_for
from schemes.services.questionnaires import template_adapt

PROGRAMME = "/programmes/test-programme/"
SCHEME = PROGRAMME + "schemes/1/"
FILES = {
    TemplateKind.GOOD_PRACTICE: "good-practice.json",
    TemplateKind.LOCAL_SUPPORT_GROUP: "local-support-group.json",
    TemplateKind.ACTION_PLAN: "action-plan.json",
}


def fixture(kind):
    return json.loads((settings.BASE_DIR / "fixtures" / "templates" / FILES[kind]).read_text(encoding="utf-8"))


def prompts(kind):
    """[(model field, prompt, help)] of the annex's fixture, in its order."""
    (section,) = [s for s in fixture(kind)["sections"] if s["key"] == SECTIONS[kind]]
    return [(FIELDS[kind][q["key"]], q["text"], q["help_text"]) for q in section["questions"]]


def shown(page, name):
    """(label, help text) of field ``name`` as the page shows them (without the
    “(required)” the page adds to a required field's label)."""
    label = re.search(rf'<label for="id_{name}"[^>]*>(.*?)</label>', page, re.S)
    help_text = re.search(rf'<div id="id_{name}_helptext" class="form-text">(.*?)</div>', page, re.S)

    def text(match):
        if match is None:
            return None
        words = re.sub(r'<span class="required-mark">.*?</span>', "", match.group(1))
        return html.unescape(re.sub(r"<[^>]+>", "", words)).strip()

    return text(label), text(help_text) or ""


def compare(title, kind, page):
    """Print the table of the fixture's prompts against the page's labels; return the rows
    that differ."""
    rows = [(name, prompt, help_text, *shown(page, name)) for name, prompt, help_text in prompts(kind)]
    print(f"\n{title}")
    print(f"| field | template prompt | form label | template help | form help | same |\n|{'---|' * 6}")
    for name, prompt, help_text, label, live_help in rows:
        same = "yes" if (prompt, help_text) == (label, live_help) else "NO"
        print(f"| {name} | {prompt} | {label} | {help_text} | {live_help} | {same} |")
    return [row for row in rows if (row[1], row[2]) != (row[3], row[4])]


def test_the_annex_4_form_asks_the_twelve_prompts_of_the_template(personas):
    page = personas.client("mentor").get(PROGRAMME + "good-practices/new/").content.decode()
    assert len(prompts(TemplateKind.GOOD_PRACTICE)) == 12
    assert compare("Annex 4 (good practice), the form to record one", TemplateKind.GOOD_PRACTICE, page) == []
    assert (
        escape(
            "Why did the practice come about – what challenge was being addressed? Who did the practice aim to benefit "
            "(target population)? What did it hope to achieve?"
        )
        in page
    )


def test_the_annex_5_form_has_the_template_columns_and_the_page_its_guidance(personas):
    page = personas.client("mentee").get(SCHEME + f"support-groups/{personas.mentee_city.pk}/").content.decode()
    assert compare("Annex 5 (local support network), the form to add a member", TemplateKind.LOCAL_SUPPORT_GROUP, page) == []
    assert '<th scope="col">Role in the network</th>' in page  # the table's columns too
    guidance = fixture(TemplateKind.LOCAL_SUPPORT_GROUP)["introduction"]
    assert escape(guidance) in page  # the whole of Annex 5's guidance, word for word
    assert "Who should be on the Local Support Network?" in page
    # The roster PDF has the same columns.
    roster = personas.client("mentee").get(SCHEME + f"support-groups/{personas.mentee_city.pk}/roster.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=roster.content, capture_output=True, check=True).stdout.decode()
    assert "ROLE IN THE NETWORK" in " ".join(text.split()).upper()
    # Someone who only reads the group sees the guidance too.
    observer = personas.client("observer").get(SCHEME + f"support-groups/{personas.mentee_city.pk}/").content.decode()
    assert "Who should be on the Local Support Network?" in observer


def test_the_annex_6_form_asks_when_will_actions_happen(personas):
    page = personas.client("mentee").get(SCHEME + "action-plan/actions/new/").content.decode()
    assert compare("Annex 6 (action plan), the form of an action", TemplateKind.ACTION_PLAN, page) == []
    assert "When will actions happen?" in page and "When will it happen?" not in page


def test_the_wording_is_read_in_one_query(personas, django_assert_num_queries):
    for kind in FIELDS:
        with django_assert_num_queries(1):
            labels = annex_labels(personas.programme, kind)
        assert len(labels) == len(prompts(kind))
    with django_assert_num_queries(1):
        GoodPracticeForm(programme=personas.programme, cities=Organisation.objects.none())
    with django_assert_num_queries(1):
        SupportGroupMemberForm(programme=personas.programme)


def _adapt(programme, kind, key, text, help_text):
    copy = template_adapt(template=template_for(programme, kind), programme=programme)
    Question.objects.filter(section__template=copy, key=key).update(text=text, help_text=help_text)
    return copy


def test_a_programme_adapted_template_is_what_its_forms_show(personas):
    _adapt(
        personas.programme,
        TemplateKind.GOOD_PRACTICE,
        "context",
        "Context, rationale and why IncluCities",
        "Which challenge was addressed <b>first</b>?",
    )
    _adapt(personas.programme, TemplateKind.ACTION_PLAN, "timeframe", "3. WHEN", "Month and year of each step")
    _adapt(personas.programme, TemplateKind.LOCAL_SUPPORT_GROUP, "role", "What they bring", "")
    page = personas.client("mentor").get(PROGRAMME + "good-practices/new/").content.decode()
    # The adapted words, with the programme's name for “IncluCities”, and the help as text.
    assert shown(page, "context") == ("Context, rationale and why Test Programme", "Which challenge was addressed <b>first</b>?")
    assert "<b>first</b>" not in page
    assert shown(page, "description")[0] == "Description"  # the rest as the template had it
    page = personas.client("mentee").get(SCHEME + "action-plan/actions/new/").content.decode()
    assert shown(page, "timeframe") == ("3. WHEN", "Month and year of each step")
    page = personas.client("mentee").get(SCHEME + f"support-groups/{personas.mentee_city.pk}/").content.decode()
    assert shown(page, "role") == ("What they bring", "")
    # Another programme keeps the reference template's words.
    other = GoodPracticeForm(programme=personas.other_programme, cities=Organisation.objects.none())
    assert other.fields["context"].label == "Context and rationale"
    # The newest version of the adaptation wins.
    _adapt(personas.programme, TemplateKind.GOOD_PRACTICE, "context", "Context (version 2)", "")
    assert annex_labels(personas.programme, TemplateKind.GOOD_PRACTICE)["context"] == ("Context (version 2)", "")


def test_a_good_practice_page_and_pdf_are_headed_by_the_template_prompts(personas):
    mentor = personas.client("mentor")
    response = mentor.post(
        PROGRAMME + "good-practices/new/",
        {"city": personas.mentor_city.pk, "title": "Welcome desk", "where": "City hall", "context": "Newcomers were lost."},
    )
    assert response.status_code == 302
    page = mentor.get(response.url).content.decode()
    assert "<dt>Where is it?</dt>" in page and "<dt>Context and rationale</dt>" in page
    pdf = mentor.get(response.url + "document.pdf")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "WHERE IS IT?" in text.upper() and "CONTEXT AND RATIONALE" in text.upper()  # headings printed in capitals


def test_the_generic_wording_says_the_programme_name(personas):
    # In IncluCities itself the words are the guide's.
    inclucities = SimpleNamespace(name="IncluCities")
    relevant = "... that might be relevant for IncluCities?"
    assert programme_wording(relevant, inclucities) == relevant
    assert programme_wording(relevant, personas.programme) == "... that might be relevant for Test Programme?"
    # The strengths form of a city of another programme.
    page = personas.client("mentor").get(SCHEME + f"strengths/{personas.mentor_city.pk}/sections/local-context/").content.decode()
    assert "relevant for Test Programme?" in page and "IncluCities" not in page
    # The blank printable form, from the programme's templates.
    strengths = template_for(personas.programme, TemplateKind.STRENGTHS)
    pdf = personas.client("observer").get(f"{PROGRAMME}templates/{strengths.pk}/blank.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "relevant for Test Programme?" in " ".join(text.split()) and "IncluCities" not in text
    # The scheme's needs analysis printed blank says it too.
    needs = personas.client("mentee").get(SCHEME + f"needs-analysis/{personas.mentee_city.pk}/document.pdf?blank=1")
    assert needs["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=needs.content, capture_output=True, check=True).stdout.decode()
    assert "developed in Test Programme" in " ".join(text.split()) and "IncluCities" not in text
    # Nothing was saved: the reference template keeps its words for every programme.
    assert Question.objects.filter(section__template__programme=None, text__contains="relevant for IncluCities?").exists()


@pytest.mark.parametrize("kind", list(FIELDS))
def test_an_annex_without_a_template_keeps_the_model_labels(personas, kind):
    """A database without the reference templates: the forms still work, worded by the
    model."""
    Question.objects.filter(section__template__kind=kind).delete()
    assert annex_wording(personas.programme, kind).labels == {}
    if kind == TemplateKind.GOOD_PRACTICE:
        form = GoodPracticeForm(programme=personas.programme, cities=Organisation.objects.none())
        assert form.fields["context"].label == "Context and rationale"
