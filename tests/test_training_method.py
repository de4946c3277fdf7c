"""The training carries the method (issue 23): the guide's key points shown in the
training and printed; the styles survey places each person by their party's side; the
mentor side's association supports the strengths template."""

import html
import re
import subprocess

import pytest

from schemes.models import Answer, Comment, MentoringStyleResponse, SchemeRole, TrainingSession
from schemes.services.styles import STATEMENTS
from schemes.training_content import KEY_POINTS, all_texts

TRAINING = "/programmes/test-programme/training/"


@pytest.fixture
def session(personas):
    return TrainingSession.objects.create(programme=personas.programme, title="Kick-off training", date="2026-02-01")


def flat(text):
    """Text as a reader sees it: entities decoded, tags gone, white space single."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def pdf_text(content):
    return flat(subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode())


# --- 1. The key points of mentoring -------------------------------------------------


def test_the_key_points_are_the_guides_words():
    texts = [str(text) for text in all_texts()]
    # Seed 000, Annex 1, word for word, and the deck's "A mentor does NOT".
    for expected in (
        "A new perspective on what the mentee is doing and how she or he is doing it",
        "Negotiates with the mentee what the mentor should do next and does it!",
        "coach (although this one is a bit more blurred!)",
        "take responsibility for the success of the mentee's project.",
        "Mentors pull, they don't push",
        "Paraphrasing and summarising",
        "Suggesting what to do",
        "IncluCities mentoring guide, Annex 1",
    ):
        assert expected in texts, expected
    assert not any("<" in text or "  " in text for text in texts), "a PDF extraction artefact is left"
    assert {part.key for part in KEY_POINTS} == {"annex-1", "roles", "training"}


@pytest.mark.parametrize("who", ["mentee", "mentor", "association", "facilitator", "coordinator", "observer"])
def test_every_key_point_is_on_the_training_session_page(personas, session, who):
    page = flat(personas.client(who).get(f"{TRAINING}{session.pk}/").content.decode())
    for text in all_texts():
        assert flat(str(text)) in page, text
    assert "Source: IncluCities mentoring guide, Annex 1" in page


def test_the_key_points_have_a_page_reached_from_the_training_list(personas):
    mentee = personas.client("mentee")
    listing = mentee.get(TRAINING).content.decode()
    assert f'href="{TRAINING}key-points/"' in listing and f'href="{TRAINING}key-points.pdf"' in listing
    page = flat(mentee.get(f"{TRAINING}key-points/").content.decode())
    for text in all_texts():
        assert flat(str(text)) in page, text


def test_the_key_points_print_as_a_pdf_with_every_point(personas):
    response = personas.client("association").get(f"{TRAINING}key-points.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Key points of mentoring" in text and "Test Programme" in text
    for point in all_texts():
        assert flat(str(point)) in text, point


def test_the_key_points_are_not_shown_outside_the_programme(personas):
    assert personas.client("outsider").get(f"{TRAINING}key-points.pdf").status_code == 404


# --- 2. The styles survey places each person by their party's side -------------------


def answers(by_style):
    return {f"s_{key}": str(by_style[style]) for key, style, _text in STATEMENTS}


SOME = answers({"active_listening": 2, "advisory": 5, "prescribing": 4, "cooperative": 3})


def test_a_mentor_side_association_answers_as_the_mentor_side(personas, session):
    user = personas.users["outsider"]
    SchemeRole.objects.create(
        scheme=personas.a, user=user, role="association", party=personas.a.parties.get(organisation=personas.mentor_association)
    )
    client = personas.client("outsider")
    assert "As a mentor" in client.get(f"{TRAINING}{session.pk}/survey/").content.decode()
    client.post(f"{TRAINING}{session.pk}/survey/", SOME)
    assert MentoringStyleResponse.objects.get(respondent=user).side == "mentor"


def test_a_mentee_side_association_answers_as_the_mentee_side(personas, session):
    personas.client("association").post(f"{TRAINING}{session.pk}/survey/", SOME)
    assert MentoringStyleResponse.objects.get(respondent=personas.users["association"]).side == "mentee"


def test_the_partys_side_decides_not_the_role_name(personas, session):
    """A city moved to the mentee side of its scheme (the scheme's set-up corrected): its
    officer, still named a mentor officer, answers as the mentee side."""
    party = personas.a.parties.get(organisation=personas.mentor_city)
    party.side = "mentee"
    party.save()
    client = personas.client("mentor")
    assert "As a mentee" in client.get(f"{TRAINING}{session.pk}/survey/").content.decode()
    client.post(f"{TRAINING}{session.pk}/survey/", SOME)
    assert MentoringStyleResponse.objects.get(respondent=personas.users["mentor"]).side == "mentee"
    # The scheme's page counts them with the mentee side too.
    personas.client("mentee").post(f"{TRAINING}{session.pk}/survey/", SOME)
    scheme = personas.client("mentee").get("/programmes/test-programme/schemes/1/")
    assert scheme.context["styles"] is None, "a mentee-side officer was counted as the mentor side"


# --- 3. The association supports the strengths ---------------------------------------

STRENGTHS = "/programmes/test-programme/schemes/1/strengths/{city}/sections/mentor-strengths/"


def strengths_data(client, url, **answers):
    """The section form as the browser would send it, with ``answers`` by question key."""
    form = client.get(url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    keys = {question.key: question.pk for question in form.questions}
    for key, value in answers.items():
        data[f"q{keys[key]}"] = value
    return data


@pytest.fixture
def supporter(personas):
    """An officer of the mentor side's association of scheme A."""
    user = personas.users["outsider"]
    SchemeRole.objects.create(
        scheme=personas.a, user=user, role="association", party=personas.a.parties.get(organisation=personas.mentor_association)
    )
    return personas.client("outsider")


@pytest.fixture
def url(personas):
    return STRENGTHS.format(city=personas.mentor_city.pk)


def test_the_mentor_sides_association_comments_on_the_strengths(personas, supporter, url):
    page = supporter.get(url)
    assert page.context["comment_form"] is not None, "no comment box for the mentor side's association"
    response = supporter.post(url + "comments/", {"comment-text": "Add the national integration strategy?"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author == personas.users["outsider"]
    # The mentor city reads it on its page.
    assert "Add the national integration strategy?" in personas.client("mentor").get(url).content.decode()


def test_the_association_edits_the_strengths_only_where_the_programme_allows_it(personas, supporter, url):
    mentor = personas.client("mentor")
    data = strengths_data(mentor, url, **{"policy-areas": "Reception of newcomers; language learning"})
    page = supporter.get(url)
    assert not page.context["editable"]
    assert supporter.post(url, data).status_code == 403
    assert not Answer.objects.exists()

    programme = personas.programme
    programme.associations_edit_strengths = True
    programme.save()
    assert supporter.get(url).context["editable"]
    assert supporter.post(url, data).status_code == 302
    answer = Answer.objects.get(question__key="policy-areas")
    assert answer.text == "Reception of newcomers; language learning"
    assert answer.updated_by == personas.users["outsider"]
    # Submitting stays the city's.
    assert supporter.post(url.split("sections/")[0] + "submit/").status_code == 403


def test_a_mentee_side_association_neither_comments_on_nor_edits_the_strengths(personas, url):
    personas.programme.associations_edit_strengths = True
    personas.programme.save()
    association = personas.client("association")  # acts for the mentee side's association
    page = association.get(url)
    assert page.status_code == 200 and page.context["comment_form"] is None and not page.context["editable"]
    assert association.post(url + "comments/", {"comment-text": "Hello"}).status_code == 403
    data = strengths_data(personas.client("mentor"), url, **{"policy-areas": "Not ours"})
    assert association.post(url, data).status_code == 403
    assert not Comment.objects.exists() and not Answer.objects.exists()


def test_the_programme_form_offers_the_setting_off_by_default(personas):
    page = personas.client("coordinator").get("/programmes/test-programme/edit/")
    form = page.context["form"]
    assert "associations_edit_strengths" in form.fields and form["associations_edit_strengths"].value() is False
    assert "Associations may edit the strengths of their mentor cities" in page.content.decode()
