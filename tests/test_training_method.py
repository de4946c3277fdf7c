"""The training carries the method (issue 23): the guide's key points shown in the
training and printed; the styles survey places each person by their party's side; the
mentor side's association supports the strengths template."""

import html
import re
import subprocess

import pytest

from schemes.models import MentoringStyleResponse, SchemeRole, TrainingSession
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
