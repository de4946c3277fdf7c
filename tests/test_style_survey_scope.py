"""The mentoring-styles survey inside a scheme's walls: results are read only by the
people who see the scheme (a facilitator sees the schemes they facilitate, not the whole
programme), and a person answers as the side they act for in their scheme."""

import pytest
from django.contrib.auth import get_user_model

from schemes.models import MentoringStyleResponse, SchemeRole, TrainingSession
from schemes.services.styles import STATEMENTS

TRAINING = "/programmes/test-programme/training/"


@pytest.fixture
def session(personas):
    return TrainingSession.objects.create(programme=personas.programme, title="Kick-off training", date="2026-02-01")


def answers(by_style):
    return {f"s_{key}": str(by_style[style]) for key, style, _text in STATEMENTS}


def officer(personas, key, *roles):
    """A person acting for ``roles``: (scheme, role, organisation) each."""
    user = get_user_model().objects.create_user(email=f"{key}@test.example", first_name=key.title(), last_name="Officer")
    for scheme, role, organisation in roles:
        SchemeRole.objects.create(scheme=scheme, user=user, role=role, party=scheme.parties.get(organisation=organisation))
    client = personas.client("mentor")
    client.force_login(user)
    return user, client


SOME = answers({"active_listening": 2, "advisory": 5, "prescribing": 4, "cooperative": 3})


def test_a_facilitator_does_not_see_the_profiles_of_another_schemes_people(personas, session):
    survey = f"{TRAINING}{session.pk}/survey/"
    personas.client("mentor").post(survey, SOME)  # scheme A
    _user, b_officer = officer(personas, "bertha", (personas.b, "mentor", personas.b_mentor))  # scheme B only
    assert b_officer.post(survey, SOME).status_code == 302

    page = personas.client("facilitator").get(f"{TRAINING}{session.pk}/").content.decode()
    assert "Mentor Tester" in page  # the facilitator's own scheme
    assert "Bertha Officer" not in page, "a facilitator of scheme A reads the profile of a person of scheme B"
    assert "Elsewhere" not in page
    # The coordinator sees every scheme, so every result.
    page = personas.client("coordinator").get(f"{TRAINING}{session.pk}/").content.decode()
    assert "Mentor Tester" in page and "Bertha Officer" in page


def test_a_person_on_both_sides_is_seen_only_as_the_side_of_the_schemes_one_sees(personas, session):
    survey = f"{TRAINING}{session.pk}/survey/"
    _user, both = officer(
        personas, "janus", (personas.a, "mentee", personas.mentee_city), (personas.b, "mentor", personas.b_mentor)
    )
    page = both.get(survey).content.decode()
    assert "Menteeville" in page and 'href="?side=mentor"' in page  # their first scheme's side, the other offered
    assert both.post(survey + "?side=mentee", SOME).status_code == 302
    assert both.post(survey + "?side=mentor", SOME).status_code == 302
    sides = dict(MentoringStyleResponse.objects.filter(respondent__last_name="Officer").values_list("side", "organisation__name"))
    assert sides == {"mentee": "Menteeville", "mentor": "Elsewhere"}

    facilitator = personas.client("facilitator").get(f"{TRAINING}{session.pk}/")
    assert [(r.side, r.organisation.name) for r, _profile in facilitator.context["results"]] == [("mentee", "Menteeville")]


def test_a_mentor_side_association_officer_answers_as_the_mentor_side(personas, session):
    survey = f"{TRAINING}{session.pk}/survey/"
    user, association = officer(personas, "mona", (personas.a, "association", personas.mentor_association))
    assert "how you get into the conversation" in association.get(survey).content.decode()
    assert association.post(survey, SOME).status_code == 302
    response = MentoringStyleResponse.objects.get(respondent=user)
    assert response.side == "mentor", "the association of the mentor side was recorded as the mentee side"
    assert response.organisation == personas.mentor_association
    # On the scheme's page it counts with the mentor side: the match is mentor against mentee.
    personas.client("mentee").post(survey, SOME)
    scheme = personas.client("mentee").get("/programmes/test-programme/schemes/1/")
    assert scheme.context["styles"]["mentor"].people == 1 and scheme.context["styles"]["match"] == 100


def test_a_mentee_side_association_officer_still_answers_as_the_mentee_side(personas, session):
    survey = f"{TRAINING}{session.pk}/survey/"
    personas.client("association").post(survey, SOME)
    assert MentoringStyleResponse.objects.get(respondent=personas.users["association"]).side == "mentee"


def test_a_side_one_does_not_act_for_is_refused(personas, session):
    survey = f"{TRAINING}{session.pk}/survey/"
    mentee = personas.client("mentee")
    response = mentee.post(survey + "?side=mentor", SOME)
    assert response.status_code == 302
    assert MentoringStyleResponse.objects.get(respondent=personas.users["mentee"]).side == "mentee"
