"""Training sessions and the mentoring-styles survey (seed 001): profiles per person and
team, how mentor and mentee match, the facilitator's view of a training's results."""

import pytest

from schemes.models import MentoringStyleResponse, SchemeRole, TrainingSession
from schemes.services.styles import STATEMENTS

TRAINING = "/programmes/test-programme/training/"


@pytest.fixture
def session(personas):
    return TrainingSession.objects.create(programme=personas.programme, title="Kick-off training", date="2026-02-01")


def answers(by_style):
    """The survey form's data: agreement by style for every statement."""
    return {f"s_{key}": str(by_style[style]) for key, style, _text in STATEMENTS}


def test_organisers_plan_a_session_with_its_attendees(personas):
    facilitator = personas.client("facilitator")
    form = facilitator.get(TRAINING + "new/").context["form"]
    people = set(form.fields["attendees"].queryset)
    assert personas.users["mentor"] in people and personas.users["outsider"] not in people
    response = facilitator.post(
        TRAINING + "new/",
        {
            "title": "Roles and method",
            "date": "2026-03-02",
            "mode": "online",
            "agenda": "Roles; timeline; survey.",
            "attendees": [personas.users["mentor"].pk, personas.users["mentee"].pk],
        },
    )
    session = TrainingSession.objects.get()
    assert response["Location"] == f"{TRAINING}{session.pk}/"
    assert set(session.attendees.all()) == {personas.users["mentor"], personas.users["mentee"]}
    page = personas.client("mentee").get(f"{TRAINING}{session.pk}/").content.decode()
    assert "Roles; timeline; survey." in page and "Mentor Tester" in page
    # An outsider's id among the attendees is refused.
    refused = facilitator.post(
        TRAINING + "new/", {"title": "x", "date": "2026-03-02", "mode": "online", "attendees": [personas.users["outsider"].pk]}
    )
    assert "Select a valid choice" in refused.content.decode() and TrainingSession.objects.count() == 1


def test_mentors_and_mentees_answer_and_see_how_they_match(personas, session):
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    survey = f"{TRAINING}{session.pk}/survey/"
    assert "how you get into the conversation" in mentor.get(survey).content.decode()
    assert (
        mentor.post(survey, answers({"active_listening": 2, "advisory": 5, "prescribing": 4, "cooperative": 3})).status_code
        == 302
    )
    assert (
        mentee.post(survey, answers({"active_listening": 4, "advisory": 5, "prescribing": 1, "cooperative": 5})).status_code
        == 302
    )
    mentor_response = MentoringStyleResponse.objects.get(respondent=personas.users["mentor"])
    assert mentor_response.side == "mentor" and mentor_response.organisation == personas.mentor_city
    assert mentor_response.answers.count() == 18
    assert MentoringStyleResponse.objects.get(respondent=personas.users["mentee"]).side == "mentee"

    own = mentor.get(survey).content.decode()
    assert "Your profile" in own
    # The scheme shows the match: mean gap (2 + 0 + 3 + 2) / 4 = 1.75 of 4 -> 56 %.
    scheme = personas.client("association").get("/programmes/test-programme/schemes/1/").content.decode()
    assert "match at 56 %" in scheme
    # Answering again replaces the answers.
    mentor.post(survey, answers({"active_listening": 4, "advisory": 5, "prescribing": 1, "cooperative": 5}))
    assert MentoringStyleResponse.objects.filter(respondent=personas.users["mentor"]).count() == 1
    assert "match at 100 %" in personas.client("mentee").get("/programmes/test-programme/schemes/1/").content.decode()


def test_the_facilitator_sees_every_result_of_the_training_and_the_cities_do_not(personas, session):
    survey = f"{TRAINING}{session.pk}/survey/"
    personas.client("mentor").post(survey, answers({"active_listening": 2, "advisory": 5, "prescribing": 4, "cooperative": 3}))
    personas.client("association").post(
        survey, answers({"active_listening": 4, "advisory": 4, "prescribing": 2, "cooperative": 4})
    )
    page = personas.client("facilitator").get(f"{TRAINING}{session.pk}/").content.decode()
    assert "Mentor Tester" in page and "Association Tester" in page and "Mentorburg" in page
    assert "By city and side" in page
    assert "Mentor Tester" not in personas.client("mentee").get(f"{TRAINING}{session.pk}/").content.decode()


@pytest.mark.parametrize("bad", ["missing", "out_of_scale", "word"])
def test_bad_survey_answers_are_refused_and_kept(personas, session, bad):
    mentor = personas.client("mentor")
    data = answers({"active_listening": 2, "advisory": 5, "prescribing": 4, "cooperative": 3})
    first = f"s_{STATEMENTS[0][0]}"
    if bad == "missing":
        del data[first]
    else:
        data[first] = "9" if bad == "out_of_scale" else "often"
    response = mentor.post(f"{TRAINING}{session.pk}/survey/", data)
    assert response.status_code == 200
    message = "Choose how far this describes you." if bad == "missing" else "Select a valid choice"
    assert message in response.content.decode()
    assert response.context["form"][f"s_{STATEMENTS[1][0]}"].value() == "5"
    assert not MentoringStyleResponse.objects.exists()


def test_organisers_and_people_of_no_city_do_not_answer(personas, session):
    assert personas.client("facilitator").get(f"{TRAINING}{session.pk}/survey/").status_code == 403
    # b_mentee's role in scheme B on behalf of no city (recorded before parties were required).
    SchemeRole.objects.filter(user=personas.users["b_mentee"]).update(party=None)
    assert personas.client("b_mentee").get(f"{TRAINING}{session.pk}/survey/").status_code == 403


def test_training_pages_keep_their_query_count_as_answers_grow(personas, session, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    def answer(count):
        for number in range(count):
            user = get_user_model().objects.create_user(email=f"officer{MentoringStyleResponse.objects.count()}@test.example")
            SchemeRole.objects.create(
                scheme=personas.a,
                user=user,
                role="mentor" if number % 2 else "mentee",
                party=personas.a.parties.get(organisation=personas.mentor_city if number % 2 else personas.mentee_city),
            )
            client = personas.client("mentor")
            client.force_login(user)
            client.post(
                f"{TRAINING}{session.pk}/survey/",
                answers({"active_listening": 2, "advisory": 3, "prescribing": 4, "cooperative": 5}),
            )

    answer(2)
    facilitator, coordinator = personas.client("facilitator"), personas.client("coordinator")
    pages = [
        (facilitator, f"{TRAINING}{session.pk}/"),
        (facilitator, TRAINING),
        (coordinator, "/programmes/test-programme/schemes/1/"),
    ]
    counts = {}
    for client, url in pages:
        # The scheme page reads its parties, people, visits, focus, commitments, the
        # styles survey (2) and the action plan's progress: 12 + 4 of the session.
        with django_assert_max_num_queries(16 if url.endswith("/schemes/1/") else 15) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    answer(20)
    assert MentoringStyleResponse.objects.count() == 22
    for client, url in pages:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
