"""A programme adapts the wording of Annexes 4, 5 and 6 in its template editor (issue 23):
the good practice, local support network and action plan forms of that programme, and
its blank printable forms, show the adapted words; another programme keeps the guide's.
The questions are the forms' fields: they are reworded, never added, removed, moved or
re-keyed."""

import html
import re
import subprocess

import pytest
from django.utils.html import escape

from mentoring.models import LogEntry
from schemes.models import Question, QuestionnaireTemplate, SchemeRole, TemplateKind
from schemes.services.filling import template_for
from schemes.services.questionnaires import FixedQuestion, question_save

from .test_templates import question_form

A = "/programmes/test-programme/"
B = "/programmes/other-programme/"
TEMPLATES = A + "templates/"
CONTEXT_HELP = "Why did the practice come about – what challenge was being addressed?"


def shown(page, name):
    """(label, help) of field ``name`` as the page shows them, as text."""
    label = re.search(rf'<label for="id_{name}"[^>]*>(.*?)</label>', page, re.S)
    help_text = re.search(rf'<div id="id_{name}_helptext" class="form-text">(.*?)</div>', page, re.S)

    def text(match):
        if match is None:
            return ""
        words = re.sub(r'<span class="required-mark">.*?</span>', "", match.group(1))
        return html.unescape(re.sub(r"<[^>]+>", "", words)).strip()

    return text(label), text(help_text)


def adapt(personas, kind):
    """The coordinator adapts the reference template of ``kind`` in the editor."""
    reference = template_for(personas.programme, kind)
    assert reference.programme_id is None
    response = personas.client("coordinator").post(f"{TEMPLATES}{reference.pk}/adapt/")
    copy = QuestionnaireTemplate.objects.get(programme=personas.programme, kind=kind)
    assert response["Location"] == f"{TEMPLATES}{copy.pk}/"
    assert copy.based_on == reference and copy.version == 1
    return copy


def reword(personas, copy, key, **change):
    coordinator = personas.client("coordinator")
    question = Question.objects.get(section__template=copy, key=key)
    edit = f"{TEMPLATES}{copy.pk}/questions/{question.pk}/edit/"
    response = coordinator.post(edit, question_form(coordinator, edit, **change))
    return question, response


@pytest.fixture
def in_programme_b(personas):
    """Scheme C of the other programme: its mentee city (Elsewhere) has an officer, and
    the mentor persona acts for its mentor city (Mentorburg) there too."""
    p = personas
    parties = {party.organisation_id: party for party in p.c.parties.all()}
    SchemeRole.objects.create(scheme=p.c, user=p.users["mentor"], role="mentor", party=parties[p.mentor_city.pk])
    SchemeRole.objects.create(scheme=p.c, user=p.users["outsider"], role="mentee", party=parties[p.b_mentor.pk])
    return B + f"schemes/{p.c.number}/"


def test_the_annex_4_context_prompt_adapted_in_a_shows_in_a_only(personas, in_programme_b):
    copy = adapt(personas, TemplateKind.GOOD_PRACTICE)
    editor = personas.client("coordinator").get(f"{TEMPLATES}{copy.pk}/").content.decode()
    assert "They cannot be added, removed, hidden, reordered or re-keyed" in editor
    assert "Add a question to this section" not in editor and ">Hide<" not in editor and "Move up" not in editor

    # The reword form asks for the wording only.
    question = Question.objects.get(section__template=copy, key="context")
    form = personas.client("coordinator").get(f"{TEMPLATES}{copy.pk}/questions/{question.pk}/edit/").context["form"]
    assert {"text", "help_text"} <= set(form.fields)
    assert "kind" not in form.fields and "required" not in form.fields
    _question, response = reword(
        personas, copy, "context", text="Context: why the practice began", help_text="Which problem was it the answer to?"
    )
    assert response.status_code == 302

    page = personas.client("mentor").get(A + "good-practices/new/").content.decode()
    assert shown(page, "context") == ("Context: why the practice began", "Which problem was it the answer to?")
    assert CONTEXT_HELP not in html.unescape(page)
    other = personas.client("mentor").get(B + "good-practices/new/").content.decode()
    assert shown(other, "context")[0] == "Context and rationale"
    assert shown(other, "context")[1].startswith(CONTEXT_HELP)
    # The reference template is as the fixture has it, for every other programme.
    assert Question.objects.get(
        section__template__programme=None, section__template__kind="good_practice", key="context"
    ).text == ("Context and rationale")
    # The rewording is in the question's history and the activity log.
    assert question.history.count() == 2
    assert LogEntry.objects.filter(action="question.changed", programme=personas.programme).exists()


def test_the_blank_forms_print_the_adapted_wording(personas):
    copy = adapt(personas, TemplateKind.GOOD_PRACTICE)
    reword(personas, copy, "context", text="Context: why the practice began", help_text="Which problem was it the answer to?")
    coordinator = personas.client("coordinator")
    section = copy.sections.get()
    form = coordinator.get(f"{TEMPLATES}{copy.pk}/sections/{section.key}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(title="The practice, step by step", introduction="Fill it with the people who run the practice.")
    assert coordinator.post(f"{TEMPLATES}{copy.pk}/sections/{section.key}/edit/", data).status_code == 302

    def text(url):
        pdf = personas.client("observer").get(url)
        return " ".join(
            subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode().split()
        )

    adapted = text(f"{TEMPLATES}{copy.pk}/blank.pdf")
    assert "Context: why the practice began" in adapted and "The practice, step by step" in adapted
    assert "Fill it with the people who run the practice." in adapted and "Which problem was it the answer to?" in adapted
    reference = text(f"{TEMPLATES}{copy.based_on_id}/blank.pdf")
    assert "Context and rationale" in reference and "Context: why the practice began" not in reference


def test_the_annex_6_prompt_adapted_in_a_shows_on_its_action_form_only(personas, in_programme_b):
    copy = adapt(personas, TemplateKind.ACTION_PLAN)
    _question, response = reword(
        personas, copy, "timeframe", text="3. WHEN, MONTH BY MONTH", help_text="Start and end of each action"
    )
    assert response.status_code == 302
    page = personas.client("mentee").get(A + "schemes/1/action-plan/actions/new/").content.decode()
    assert shown(page, "timeframe") == ("3. WHEN, MONTH BY MONTH", "Start and end of each action")
    other = personas.client("outsider").get(in_programme_b + "action-plan/actions/new/").content.decode()
    assert shown(other, "timeframe") == ("3. TIMEFRAME", "When will actions happen?")


def test_the_annex_5_prompt_and_guidance_adapted_in_a_show_on_its_support_group_page_only(personas, in_programme_b):
    copy = adapt(personas, TemplateKind.LOCAL_SUPPORT_GROUP)
    _question, response = reword(personas, copy, "role", text="What they bring to the network", help_text="In one sentence")
    assert response.status_code == 302
    coordinator = personas.client("coordinator")
    edit = f"{TEMPLATES}{copy.pk}/edit/"
    form = coordinator.get(edit).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["introduction"] = "Ten people at most, from inside and outside the city hall."
    assert coordinator.post(edit, data).status_code == 302

    page = personas.client("mentee").get(A + f"schemes/1/support-groups/{personas.mentee_city.pk}/").content.decode()
    assert shown(page, "role") == ("What they bring to the network", "In one sentence")
    assert "Ten people at most, from inside and outside the city hall." in page
    assert "Who should be on the Local Support Network?" not in page
    other = personas.client("outsider").get(in_programme_b + f"support-groups/{personas.b_mentor.pk}/").content.decode()
    assert shown(other, "role") == ("Role in the network", "")
    assert "Who should be on the Local Support Network?" in other


def test_a_mapped_question_is_neither_removed_added_moved_nor_rekeyed(personas):
    copy = adapt(personas, TemplateKind.GOOD_PRACTICE)
    coordinator = personas.client("coordinator")
    question = Question.objects.get(section__template=copy, key="context")
    before = list(Question.objects.filter(section__template=copy).order_by("order").values_list("key", "text", "hidden", "order"))
    entries = question.history.count()

    response = coordinator.post(f"{TEMPLATES}{copy.pk}/questions/{question.pk}/hide/", follow=True)
    page = response.content.decode()
    assert escape("“Context and rationale” fills a field of the form “Good practice”: it cannot be removed or hidden") in page
    response = coordinator.post(f"{TEMPLATES}{copy.pk}/questions/{question.pk}/move/", {"direction": "up"}, follow=True)
    assert "it cannot be moved" in response.content.decode()
    response = coordinator.get(f"{TEMPLATES}{copy.pk}/sections/good-practice/questions/new/", follow=True)
    assert "a new question would have nowhere to keep its answers" in response.content.decode()
    response = coordinator.post(
        f"{TEMPLATES}{copy.pk}/sections/good-practice/questions/new/", {"text": "Budget", "kind": "short_text"}, follow=True
    )
    assert "a new question would have nowhere to keep its answers" in response.content.decode()
    # A change of key (no form offers it) is refused by the service too.
    question.key = "rationale"
    form = type("Form", (), {"instance": question, "save": lambda self: question.save()})()
    with pytest.raises(FixedQuestion):
        question_save(form=form, template=copy, programme=personas.programme, actor=personas.users["coordinator"])

    after = list(Question.objects.filter(section__template=copy).order_by("order").values_list("key", "text", "hidden", "order"))
    assert after == before and question.history.count() == entries
    # The live form still asks it.
    page = personas.client("mentor").get(A + "good-practices/new/").content.decode()
    assert shown(page, "context")[0] == "Context and rationale"


def test_a_needs_analysis_question_is_still_hidden_as_before(personas):
    """The needs analysis keeps its full adaptation: only the annexes are wording-only."""
    copy = adapt(personas, TemplateKind.NEEDS_ANALYSIS)
    question = copy.sections.order_by("order").first().questions.order_by("order").first()
    personas.client("coordinator").post(f"{TEMPLATES}{copy.pk}/questions/{question.pk}/hide/")
    question.refresh_from_db()
    assert question.hidden


def test_hostile_html_in_a_prompt_is_refused_in_the_editor_and_shown_as_text(personas):
    copy = adapt(personas, TemplateKind.GOOD_PRACTICE)
    question, response = reword(personas, copy, "context", text="<script>alert('x')</script>Context")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write plain text" in page and "<script>alert" not in page
    assert escape("<script>alert('x')</script>Context") in page  # what was typed, kept, as text
    question.refresh_from_db()
    assert question.text == "Context and rationale"
    # A prompt holding markup some other way (an import) is shown as text everywhere.
    Question.objects.filter(pk=question.pk).update(text="<b>Context</b>", help_text="<img src=x onerror=alert(1)>")
    for client, url in (
        (personas.client("mentor"), A + "good-practices/new/"),
        (personas.client("coordinator"), f"{TEMPLATES}{copy.pk}/"),
    ):
        page = client.get(url).content.decode()
        assert "<b>Context</b>" not in page and "<img src=x" not in page
        assert escape("<b>Context</b>") in page


def test_the_editor_reads_an_annex_template_in_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    copy = adapt(personas, TemplateKind.GOOD_PRACTICE)
    coordinator = personas.client("coordinator")
    url = f"{TEMPLATES}{copy.pk}/"
    coordinator.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert coordinator.get(url).status_code == 200
    section = copy.sections.get()
    for number in range(20):
        Question.objects.create(section=section, key=f"extra-{number}", order=100 + number, text=f"Extra {number}")
    with django_assert_max_num_queries(len(few)):
        page = coordinator.get(url).content.decode()
    assert "Extra 19" in page
