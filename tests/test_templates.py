"""Coordinators adapt a template for their programme: add, reword, reorder, hide
questions, without touching answers already given to the original version."""

import subprocess

import pytest

from schemes.models import Answer, Question, QuestionnaireTemplate, Response
from schemes.services.filling import template_for

TEMPLATES = "/programmes/test-programme/templates/"
NEEDS = "/programmes/test-programme/schemes/{number}/needs-analysis/{city}/"


def question_form(client, url, **change):
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(change)
    return {key: value for key, value in data.items() if value is not None}


def section_questions(client, url):
    return [question.text for question in client.get(url).context["form"].questions]


@pytest.fixture
def started(personas):
    """Scheme A's mentee has answered the first question of the standard template."""
    mentee = personas.client("mentee")
    url = NEEDS.format(number=1, city=personas.mentee_city.pk) + "sections/mentee-needs/"
    form = mentee.get(url).context["form"]
    first = form.questions[0]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data[f"q{first.pk}"] = "Housing for newcomers."
    assert mentee.post(url, data).status_code == 302
    return first


@pytest.fixture
def adapted(personas, started):
    standard = template_for(personas.programme, "needs_analysis")
    response = personas.client("coordinator").post(f"{TEMPLATES}{standard.pk}/adapt/")
    copy = QuestionnaireTemplate.objects.get(programme=personas.programme)
    assert response["Location"] == f"{TEMPLATES}{copy.pk}/"
    assert copy.based_on == standard and copy.version == 1
    return copy


def test_adapting_rewords_reorders_hides_and_adds_without_touching_given_answers(personas, started, adapted):
    p = personas
    coordinator = p.client("coordinator")
    section = adapted.sections.get(key="mentee-needs")
    first, second, third = section.questions.order_by("order")[:3]

    edit = f"{TEMPLATES}{adapted.pk}/questions/{first.pk}/edit/"
    assert coordinator.post(edit, question_form(coordinator, edit, text="What is the main challenge?")).status_code == 302
    coordinator.post(f"{TEMPLATES}{adapted.pk}/questions/{third.pk}/move/", {"direction": "up"})
    coordinator.post(f"{TEMPLATES}{adapted.pk}/questions/{second.pk}/hide/")
    new = f"{TEMPLATES}{adapted.pk}/sections/mentee-needs/questions/new/"
    assert (
        coordinator.post(new, {"text": "Who leads integration policy?", "kind": "short_text", "required": "on"}).status_code
        == 302
    )

    # Scheme A's document, begun on the standard template, is as it was.
    mentee = p.client("mentee")
    a_url = NEEDS.format(number=1, city=p.mentee_city.pk) + "sections/mentee-needs/"
    a_questions = section_questions(mentee, a_url)
    assert a_questions[0] == started.text and "What is the main challenge?" not in a_questions
    answer = Answer.objects.get(response__scheme=p.a)
    assert answer.question_id == started.pk and answer.text == "Housing for newcomers."
    started.refresh_from_db()
    assert started.text != "What is the main challenge?"

    # Scheme B's new document asks the adapted questions.
    b_url = NEEDS.format(number=2, city=p.b_mentee.pk) + "sections/mentee-needs/"
    b_questions = section_questions(p.client("b_mentee"), b_url)
    assert b_questions[0] == "What is the main challenge?"
    assert b_questions[1] == third.text and second.text not in b_questions
    assert b_questions[-1] == "Who leads integration policy?"
    # Every change is in the history.
    assert first.history.count() == 2 and Question.objects.get(key="who-leads-integration-policy").history.exists()


def test_a_version_in_use_is_not_changed_a_new_version_is_started(personas, adapted):
    p = personas
    coordinator = p.client("coordinator")
    # Scheme B's mentee starts a document on version 1.
    b_mentee = p.client("b_mentee")
    b_url = NEEDS.format(number=2, city=p.b_mentee.pk) + "sections/mentee-needs/"
    form = b_mentee.get(b_url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data[f"q{form.questions[0].pk}"] = "Schools."
    b_mentee.post(b_url, data)
    assert Response.objects.get(scheme=p.b).template == adapted

    question = adapted.sections.get(key="mentee-needs").questions.order_by("order").first()
    edit = f"{TEMPLATES}{adapted.pk}/questions/{question.pk}/edit/"
    refused = coordinator.post(edit, {"text": "Changed under them?", "kind": "long_text"}, follow=True)
    assert "Documents already use this version" in refused.content.decode()
    question.refresh_from_db()
    assert question.text != "Changed under them?"
    assert coordinator.post(f"{TEMPLATES}{adapted.pk}/questions/{question.pk}/hide/").status_code == 302
    question.refresh_from_db()
    assert not question.hidden

    response = coordinator.post(f"{TEMPLATES}{adapted.pk}/adapt/")
    version_2 = QuestionnaireTemplate.objects.get(programme=p.programme, version=2)
    assert response["Location"] == f"{TEMPLATES}{version_2.pk}/"
    assert template_for(p.programme, "needs_analysis") == version_2
    assert Response.objects.get(scheme=p.b).template == adapted  # B keeps the version it began on
    page = coordinator.get(f"{TEMPLATES}{version_2.pk}/").content.decode()
    assert "Add a question to this section" in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"text": ""}, "This field is required."),
        ({"text": "x" * 100_000}, "Ensure this value has at most 2000 characters"),
        ({"text": "<img src=http://example.com/x.png>"}, "Write plain text"),
        ({"kind": "choice", "choices_text": "Only one"}, "Give at least two choices"),
        ({"kind": "nonsense"}, "Select a valid choice"),
    ],
)
def test_bad_question_input_is_refused_and_kept(personas, adapted, change, message):
    coordinator = personas.client("coordinator")
    question = adapted.sections.get(key="mentee-needs").questions.order_by("order").first()
    edit = f"{TEMPLATES}{adapted.pk}/questions/{question.pk}/edit/"
    data = question_form(coordinator, edit, help_text="Kept help.", **change)
    response = coordinator.post(edit, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["form"]["help_text"].value() == "Kept help."
    before = question.text
    question.refresh_from_db()
    assert question.text == before and question.help_text != "Kept help."


def test_a_stale_question_edit_is_refused_and_foreign_questions_are_not_found(personas, adapted):
    coordinator = personas.client("coordinator")
    question = adapted.sections.get(key="mentee-needs").questions.order_by("order").first()
    edit = f"{TEMPLATES}{adapted.pk}/questions/{question.pk}/edit/"
    mine = question_form(coordinator, edit, text="Mine")
    theirs = question_form(coordinator, edit, text="Theirs")
    coordinator.post(edit, theirs)
    stale = coordinator.post(edit, mine)
    assert "Someone else saved changes" in stale.content.decode()
    assert stale.context["form"]["text"].value() == "Mine"
    # A question of the standard template through the adaptation's address: not found.
    standard_question = adapted.based_on.sections.get(key="mentee-needs").questions.first()
    assert coordinator.get(f"{TEMPLATES}{adapted.pk}/questions/{standard_question.pk}/edit/").status_code == 404
    # The standard template itself is never edited in place.
    refused = coordinator.post(f"{TEMPLATES}{adapted.based_on.pk}/questions/{standard_question.pk}/edit/", mine, follow=True)
    assert "Documents already use this version" in refused.content.decode()


def test_the_blank_form_pdf_prints_the_adapted_questions(personas, adapted):
    coordinator = personas.client("coordinator")
    section = adapted.sections.get(key="mentee-needs")
    first, second = section.questions.order_by("order")[:2]
    edit = f"{TEMPLATES}{adapted.pk}/questions/{first.pk}/edit/"
    coordinator.post(edit, question_form(coordinator, edit, text="What is the main challenge?"))
    coordinator.post(f"{TEMPLATES}{adapted.pk}/questions/{second.pk}/hide/")
    pdf = personas.client("observer").get(f"{TEMPLATES}{adapted.pk}/blank.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    text = " ".join(text.split())
    assert "What is the main challenge?" in text and " ".join(second.text.split())[:40] not in text
    third = section.questions.order_by("order")[2]
    assert " ".join(third.text.split())[:40] in text
    assert "Test Programme" in text and "Blank form" in text and "template version 1" in text
