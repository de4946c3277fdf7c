"""Saving as people type, the server's side: a background save (X-Autosave) goes
through the same save path as the Save button and answers with a short report; a
person's automatic saves of a few minutes are one entry of the history, every row kept."""

import json

import pytest
from django.test import Client

from schemes.models import Answer, GoodPractice, KeyFactorAssessment

from .test_questionnaires import BASE, form_data
from .test_self_assessment import form_data as assessment_data

AUTOSAVE = {"HTTP_X_AUTOSAVE": "1", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def section(personas):
    return BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"


def keys(client, url):
    return {question.key: question.pk for question in client.get(url).context["form"].questions}


def test_an_automatic_save_saves_and_reports_the_versions_to_build_on(personas, section):
    mentee = personas.client("mentee")
    q = keys(mentee, section)
    response = mentee.post(section, form_data(mentee, section, challenge="Typed, then a pause."), **AUTOSAVE)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    report = json.loads(response.content)
    assert report["status"] == "saved" and report["saved"] == 1
    assert report["fields"][f"v{q['challenge']}"] == 1  # the next save builds on this version
    answer = Answer.objects.get(question_id=q["challenge"])
    assert answer.text == "Typed, then a pause." and answer.history.first().history_change_reason == "autosave"


def test_an_automatic_save_merges_a_colleagues_change_and_says_so(personas, section):
    from schemes.models import SchemeRole

    mentee = personas.client("mentee")
    SchemeRole.objects.create(
        scheme=personas.a,
        user=personas.users["b_mentee"],
        role="mentee",
        party=personas.a.parties.get(organisation=personas.mentee_city),
    )
    colleague = personas.client("b_mentee")
    q = keys(mentee, section)
    mine = form_data(mentee, section)  # my page, loaded before the colleague saves
    assert colleague.post(section, form_data(colleague, section, reasons="The colleague's reasons.")).status_code == 302
    mine[f"q{q['challenge']}"] = "My challenge."
    report = json.loads(mentee.post(section, mine, **AUTOSAVE).content)
    assert report["status"] == "saved"
    # The page is told the colleague's answer and its version: the next save keeps it.
    assert report["fields"][f"q{q['reasons']}"] == "The colleague's reasons."
    assert report["fields"][f"v{q['reasons']}"] == 1
    assert Answer.objects.get(question_id=q["reasons"]).text == "The colleague's reasons."


def test_an_automatic_save_never_overwrites_the_same_answer_changed_meanwhile(personas, section):
    from schemes.models import SchemeRole

    SchemeRole.objects.create(
        scheme=personas.a,
        user=personas.users["b_mentee"],
        role="mentee",
        party=personas.a.parties.get(organisation=personas.mentee_city),
    )
    mentee, colleague = personas.client("mentee"), personas.client("b_mentee")
    q = keys(mentee, section)
    mine = form_data(mentee, section)
    colleague.post(section, form_data(colleague, section, challenge="Theirs."))
    mine[f"q{q['challenge']}"] = "Mine."
    response = mentee.post(section, mine, **AUTOSAVE)
    assert response.status_code == 409 and json.loads(response.content)["status"] == "conflict"
    assert Answer.objects.get(question_id=q["challenge"]).text == "Theirs."


def test_an_automatic_save_of_a_refused_value_reports_it_and_saves_nothing(personas):
    mentee = personas.client("mentee")
    url = BASE.format(city=personas.mentee_city.pk) + "sections/local-context/"
    inhabitants = next(q.pk for q in mentee.get(url).context["form"].questions if q.is_numeric)
    data = form_data(mentee, url)
    data[f"q{inhabitants}"] = "about a million"
    response = mentee.post(url, data, **AUTOSAVE)
    assert response.status_code == 400
    report = json.loads(response.content)
    assert report["status"] == "invalid" and f"q{inhabitants}" in report["errors"]
    assert not Answer.objects.exists()


def test_an_automatic_save_after_the_session_expired_gets_the_login_page(personas, section):
    mentee = personas.client("mentee")
    data = form_data(mentee, section, challenge="Typed as the session ended.")
    response = Client().post(section, data, **AUTOSAVE)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert 'name="unsaved"' in response.content.decode()  # the script keeps it in the browser too
    assert not Answer.objects.exists()


def test_a_persons_automatic_saves_are_one_entry_of_the_history(personas, section):
    mentee = personas.client("mentee")
    q = keys(mentee, section)
    for text in ("The", "The city", "The city lacks a welcome desk."):
        assert mentee.post(section, form_data(mentee, section, challenge=text), **AUTOSAVE).status_code == 200
    mentee.post(section, form_data(mentee, section, challenge="The city lacks a welcome desk. Saved by hand."))
    assert Answer.history.filter(question_id=q["challenge"]).count() == 4  # every save kept
    page = mentee.get(BASE.format(city=personas.mentee_city.pk) + "history/")
    entries = page.context["entries"]
    assert len(entries) == 2
    assert entries[1]["saves"] == 3 and entries[1]["before"] == "" and entries[1]["after"] == "The city lacks a welcome desk."
    assert "saved automatically 3 times while writing" in page.content.decode()
    assert entries[0]["after"] == "The city lacks a welcome desk. Saved by hand."


def test_an_edit_form_saves_itself_and_refuses_a_stale_page(personas):
    practice = GoodPractice.objects.create(
        programme=personas.programme, city=personas.mentee_city, title="Desk", theme="Reception"
    )
    url = f"/programmes/test-programme/good-practices/{practice.pk}/edit/"
    mentee = personas.client("mentee")

    def data(client, **change):
        form = client.get(url).context["form"]
        values = {name: form[name].value() for name in form.fields}
        values.update(change)
        return {k: v for k, v in values.items() if v is not None}

    stale = data(mentee, results="Typed on an old page.")
    first = mentee.post(url, data(mentee, description="Typed, then a pause."), **AUTOSAVE)
    report = json.loads(first.content)
    assert report["status"] == "saved" and report["fields"]["seen_version"] == practice.history.latest("history_id").history_id
    practice.refresh_from_db()
    assert practice.description == "Typed, then a pause."
    second = mentee.post(url, stale, **AUTOSAVE)
    assert second.status_code == 409 and json.loads(second.content)["status"] == "conflict"
    practice.refresh_from_db()
    assert practice.results == "" and practice.description == "Typed, then a pause."


def test_a_self_assessment_saves_itself(personas):
    url = f"/programmes/test-programme/schemes/1/self-assessment/{personas.mentee_city.pk}/"
    mentee = personas.client("mentee")
    report = json.loads(
        mentee.post(url, assessment_data(mentee, url, level_1="2", evidence_1="A welcome office."), **AUTOSAVE).content
    )
    assert report["status"] == "saved" and report["fields"]["seen"] > 0
    assert KeyFactorAssessment.objects.get().evidence == "A welcome office."


def test_each_page_of_a_self_assessment_saves_itself_apart(personas):
    """Each page carries the version of its own rows: a save on another page (a
    colleague's, or this person's in another tab) is no conflict; the same page is."""
    url = f"/programmes/test-programme/schemes/1/self-assessment/{personas.mentee_city.pk}/"
    second = url + "pages/2/"
    mentee, facilitator = personas.client("mentee"), personas.client("facilitator")
    first_page = assessment_data(mentee, url, evidence_1="Typed on page 1.")
    stale_second = assessment_data(facilitator, second, evidence_7="Theirs, on page 2.")
    report = json.loads(mentee.post(second, assessment_data(mentee, second, evidence_7="Mine, on page 2."), **AUTOSAVE).content)
    assert report["status"] == "saved" and report["fields"]["seen"] > 0
    assert mentee.post(url, first_page, **AUTOSAVE).status_code == 200
    refused = facilitator.post(second, stale_second, **AUTOSAVE)
    assert refused.status_code == 409 and json.loads(refused.content)["status"] == "conflict"
    evidence = dict(KeyFactorAssessment.objects.values_list("key_factor__number", "evidence"))
    assert evidence == {"1": "Typed on page 1.", "7": "Mine, on page 2."}
