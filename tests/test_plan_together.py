"""A plan written together (issue 23): "the mentee city focuses its work on refining its
action plan, together with the mentor and the local support network. This step also
involves consulting relevant city departments and outside partners to add detail, amend
actions and get wider views on whether the actions planned are viable" (seed 000,
chapter 5). The mentor city's officers draft actions and needs with the mentee side; the
mentee city alone submits and approves; needs come from the needs analysis; an action
names the good practice it transfers; consultations are recorded."""

import subprocess

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from mentoring.models import LogEntry
from schemes.models import Action, ActionPlan, Answer, GoodPractice, Need, PlanConsultation, Response, SchemeRole
from schemes.services.action_plans import plan_get_or_create
from schemes.services.filling import template_for

PLAN = "/programmes/test-programme/schemes/1/action-plan/"
PLAN_B = "/programmes/test-programme/schemes/2/action-plan/"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def action_data(text, **change):
    data = {
        "action": text,
        "outcomes": "",
        "timeframe": "2027",
        "due_date": "",
        "lead": "Integration office",
        "resources": "",
        "evaluation": "",
        "seen_version": "",
    }
    data.update(change)
    return data


def _answer(scheme, city, text):
    """An answer of ``city``'s needs analysis in ``scheme``, to the first question of the
    mentee city's needs section."""
    template = template_for(scheme.programme, "needs_analysis")
    response, _created = Response.objects.get_or_create(scheme=scheme, template=template, organisation=city)
    question = template.sections.get(key="mentee-needs").questions.order_by("order").first()
    row = response.answers.filter(question=question).count()
    return Answer.objects.create(response=response, question=question, row=row, text=text)


def _pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


# 1. The mentor side drafts with the mentee side; the mentee city alone submits and approves.


def test_the_mentor_city_drafts_actions_and_needs_in_its_own_name(personas):
    mentor = personas.client("mentor")
    page = mentor.get(PLAN).content.decode()
    assert "Add an action" in page and "Edit the needs" in page and "Record a consultation" in page
    response = mentor.post(PLAN + "actions/new/", action_data("Pair each newcomer with a buddy"))
    assert response.status_code == 302
    action = Action.objects.get(action="Pair each newcomer with a buddy")
    assert action.history.latest().history_user == personas.users["mentor"]
    entry = LogEntry.objects.get(action="action.added")
    assert entry.actor == personas.users["mentor"]
    url = PLAN + f"actions/{action.pk}/"
    seen = mentor.get(url).context["form"]["seen_version"].value()
    assert mentor.post(url, action_data("Pair each newcomer with a buddy for six months", seen_version=seen)).status_code == 302
    action.refresh_from_db()
    assert action.action.endswith("six months")
    assert LogEntry.objects.filter(action="action.changed", actor=personas.users["mentor"]).exists()
    response = mentor.post(
        PLAN + "needs/",
        {
            "needs-TOTAL_FORMS": "1",
            "needs-INITIAL_FORMS": "0",
            "needs-MIN_NUM_FORMS": "0",
            "needs-MAX_NUM_FORMS": "1000",
            "needs-0-text": "Newcomers feel alone",
            "needs-0-ORDER": "1",
        },
    )
    assert response.status_code == 302
    assert LogEntry.objects.get(action="action_plan.needs_changed").actor == personas.users["mentor"]
    # The activity page says who wrote what.
    assert mentor.post(PLAN + f"actions/{action.pk}/delete/", {"confirmed": "1"}).status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()


def test_only_the_mentee_city_submits_and_records_the_approval(personas):
    mentor = personas.client("mentor")
    mentor.post(PLAN + "actions/new/", action_data("Open a welcome desk"))
    page = mentor.get(PLAN).content.decode()
    assert "Submit the final version for approval" not in page
    assert mentor.post(PLAN + "submit/", {"confirmed": "1"}).status_code == 403
    assert ActionPlan.objects.get(scheme=personas.a).status == "draft"
    assert personas.client("mentee").post(PLAN + "submit/", {"confirmed": "1"}).status_code == 302
    assert ActionPlan.objects.get(scheme=personas.a).status == "submitted"
    assert mentor.post(PLAN + "approve/", {"decision_reference": "2027/1", "confirmed": "1"}).status_code == 403
    assert ActionPlan.objects.get(scheme=personas.a).status == "submitted"
    # A submitted plan no longer changes, for the mentor either.
    response = mentor.post(PLAN + "actions/new/", action_data("Too late"))
    assert response.status_code == 302 and not Action.objects.filter(action="Too late").exists()


def test_a_mentor_acting_for_the_mentor_association_does_not_draft(personas):
    """The draft is written by the mentor *city*'s officers: a mentor role on behalf of the
    mentor side's association is refused."""
    role = SchemeRole.objects.get(scheme=personas.a, user=personas.users["mentor"])
    role.party = personas.a.parties.get(organisation=personas.mentor_association)
    role.save()
    mentor = personas.client("mentor")
    assert mentor.post(PLAN + "actions/new/", action_data("Open a welcome desk")).status_code == 403
    assert "Add an action" not in mentor.get(PLAN).content.decode()
    assert not Action.objects.exists()


# 2. Needs from the needs analysis.


def test_a_need_is_taken_from_the_needs_analysis_and_follows_its_changes(personas):
    answer = _answer(personas.a, personas.mentee_city, "Newcomers do not find the services they need.")
    mentor = personas.client("mentor")
    page = mentor.get(PLAN + "needs/").content.decode()
    assert "Take a need from the needs analysis" in page
    assert escape(answer.question.text) in page and "Newcomers do not find the services they need." in page
    response = mentor.post(PLAN + "needs/take/", {"answer": str(answer.pk)})
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.from_answer == answer and need.text == "Newcomers do not find the services they need."
    page = mentor.get(PLAN).content.decode()
    assert f"From the needs analysis: {escape(answer.question.text)}" in page
    section_url = f"/programmes/test-programme/schemes/1/needs-analysis/{personas.mentee_city.pk}/sections/mentee-needs/"
    assert section_url in page
    assert "The needs analysis changed since" not in page
    # The mentee city rewrites its answer: the plan says so and offers to update.
    answer.text = "Newcomers do not find the services, nor know they exist."
    answer.save()
    page = mentor.get(PLAN).content.decode()
    assert "The needs analysis changed since:" in page and "nor know they exist." in page
    refresh = PLAN + f"needs/{need.pk}/update/"
    asked = mentor.post(refresh)
    assert asked.status_code == 200 and "Update the need from the needs analysis?" in asked.content.decode()
    need.refresh_from_db()
    assert need.text == "Newcomers do not find the services they need."  # nothing changed before the "yes"
    assert mentor.post(refresh, {"confirmed": "1"}).status_code == 302
    need.refresh_from_db()
    assert need.text == "Newcomers do not find the services, nor know they exist."
    assert need.history.latest().history_change_reason == "Updated from the needs analysis"
    assert "The needs analysis changed since" not in mentor.get(PLAN).content.decode()
    # Needs can still be added by hand beside it.
    response = mentor.post(
        PLAN + "needs/",
        {
            "needs-TOTAL_FORMS": "2",
            "needs-INITIAL_FORMS": "1",
            "needs-MIN_NUM_FORMS": "0",
            "needs-MAX_NUM_FORMS": "1000",
            "needs-0-id": str(need.pk),
            "needs-0-plan": str(need.plan_id),
            "needs-0-text": need.text,
            "needs-0-ORDER": "1",
            "needs-1-text": "Staff lack intercultural skills",
            "needs-1-ORDER": "2",
        },
    )
    assert response.status_code == 302
    assert list(Need.objects.order_by("order").values_list("from_answer", flat=True)) == [answer.pk, None]


def test_a_need_from_another_schemes_needs_analysis_is_refused(personas):
    foreign = _answer(personas.b, personas.b_mentee, "Scheme B's confidential need.")
    mentee = personas.client("mentee")
    response = mentee.post(PLAN + "needs/take/", {"answer": str(foreign.pk)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and "confidential need" not in page
    assert not Need.objects.exists() and not ActionPlan.objects.exists()
    # Nor is one of the plan's own needs updated from another scheme's answer by hand.
    assert mentee.post(PLAN + "needs/take/", {"answer": "999999"}).status_code == 400
    assert not Need.objects.exists()


def test_another_schemes_need_is_not_found(personas):
    plan_b = plan_get_or_create(scheme=personas.b)
    need_b = plan_b.needs.create(text="B's need")
    assert personas.client("mentee").post(PLAN + f"needs/{need_b.pk}/update/", {"confirmed": "1"}).status_code == 404


# 3. An action names the good practice it transfers.


def test_an_action_transfers_a_good_practice_of_the_programme(personas):
    practice = GoodPractice.objects.create(programme=personas.programme, city=personas.mentor_city, title="Buddy Project")
    mentee = personas.client("mentee")
    form = mentee.get(PLAN + "actions/new/").content.decode()
    assert "Buddy Project (Mentorburg)" in form
    response = mentee.post(PLAN + "actions/new/", action_data("Pilot the buddy project", transfers_practice=str(practice.pk)))
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.transfers_practice == practice
    page = mentee.get(PLAN).content.decode()
    assert "Transfers" in page and "Buddy Project (Mentorburg)" in page
    text = " ".join(_pdf_text(mentee.get(PLAN + "action-plan.pdf").content).split())
    assert "Transfers: Buddy Project (Mentorburg)" in text


def test_an_action_cannot_transfer_another_programmes_practice(personas):
    foreign = GoodPractice.objects.create(programme=personas.other_programme, city=personas.b_mentor, title="Secret practice")
    mentee = personas.client("mentee")
    assert "Secret practice" not in mentee.get(PLAN + "actions/new/").content.decode()
    response = mentee.post(PLAN + "actions/new/", action_data("Pilot it", transfers_practice=str(foreign.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()


def test_the_action_form_shows_the_recommendation_it_answers(personas):
    from schemes.models import VisitReportItem

    visit = personas.a.visits.get(order=1)
    item = VisitReportItem.objects.create(visit=visit, kind="recommendation", text="Open a one-stop desk.")
    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, order=1, action="Open a desk", from_recommendation=item)
    page = personas.client("mentor").get(PLAN + f"actions/{action.pk}/").content.decode()
    assert "Made from the recommendation of" in page and "Open a one-stop desk." in page


# 4. The consultation of departments and partners.


def _consultation(**change):
    data = {"consulted": "Social services department", "date": "2027-02-01", "said": "Viable if staffed.", "seen_version": ""}
    data.update(change)
    return data


def test_consultations_are_recorded_changed_and_removed_with_confirmation(personas):
    mentor = personas.client("mentor")
    response = mentor.post(PLAN + "consultations/new/", _consultation())
    assert response.status_code == 302
    consultation = PlanConsultation.objects.get()
    assert consultation.recorded_by == personas.users["mentor"]
    observer = personas.client("observer")
    # The plan page says how many and the latest; the consultations page has each in full.
    page = observer.get(PLAN).content.decode()
    assert 'id="consultation"' in page and "1 consultation recorded: Social services department" in page
    assert f'href="{PLAN}consultations/"' in page
    page = observer.get(PLAN + "consultations/").content.decode()
    assert f'id="consultation-{consultation.pk}"' in page and "Viable if staffed." in page
    assert "Record a consultation" not in page  # an observer reads only
    assert LogEntry.objects.get(action="action_plan.consultation_added").actor == personas.users["mentor"]
    # The mentee side changes it.
    mentee = personas.client("mentee")
    url = PLAN + f"consultations/{consultation.pk}/"
    seen = mentee.get(url).context["form"]["seen_version"].value()
    assert mentee.post(url, _consultation(said="Viable with two more staff.", seen_version=seen)).status_code == 302
    consultation.refresh_from_db()
    assert consultation.said == "Viable with two more staff."
    assert consultation.history.count() == 2
    assert LogEntry.objects.get(action="action_plan.consultation_changed").actor == personas.users["mentee"]
    # An empty form keeps what was typed and names what is missing.
    response = mentee.post(PLAN + "consultations/new/", _consultation(consulted="", said="Kept text"))
    assert response.status_code == 200 and "Kept text" in response.content.decode()
    assert PlanConsultation.objects.count() == 1
    # Removing asks first.
    remove = PLAN + f"consultations/{consultation.pk}/delete/"
    asked = personas.client("facilitator").post(remove)
    assert asked.status_code == 200 and "Remove “Social services department”?" in asked.content.decode()
    assert PlanConsultation.objects.exists()
    assert personas.client("facilitator").post(remove, {"confirmed": "1"}).status_code == 302
    assert not PlanConsultation.objects.exists()
    assert PlanConsultation.history.filter(history_type="-").exists()
    assert LogEntry.objects.filter(action="action_plan.consultation_removed").exists()
    # The association and observers do not write them.
    assert personas.client("association").post(PLAN + "consultations/new/", _consultation()).status_code == 403
    assert personas.client("observer").post(PLAN + "consultations/new/", _consultation()).status_code == 403


def test_hostile_html_in_a_consultation_is_escaped_on_the_page_and_in_the_pdf(personas):
    mentee = personas.client("mentee")
    assert mentee.post(PLAN + "consultations/new/", _consultation(consulted=HOSTILE, said=HOSTILE)).status_code == 302
    for page in (mentee.get(PLAN).content.decode(), mentee.get(PLAN + "consultations/").content.decode()):
        assert HOSTILE not in page and escape(HOSTILE) in page
    text = _pdf_text(mentee.get(PLAN + "action-plan.pdf").content)
    assert '<script>alert("x")</script>' in " ".join(text.split())  # printed as text, not run


def test_another_schemes_consultation_is_not_found(personas):
    plan_b = plan_get_or_create(scheme=personas.b)
    theirs = PlanConsultation.objects.create(plan=plan_b, consulted="B's department", date="2027-01-01", said="Secret")
    mentee = personas.client("mentee")
    assert mentee.get(PLAN + f"consultations/{theirs.pk}/").status_code == 404
    assert mentee.post(PLAN + f"consultations/{theirs.pk}/", _consultation()).status_code == 404
    assert mentee.post(PLAN + f"consultations/{theirs.pk}/delete/", {"confirmed": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.consulted == "B's department"
    assert personas.client("mentee").get(PLAN_B).status_code == 404
    assert personas.client("mentee").get(PLAN_B + "consultations/").status_code == 404
    assert "B's department" not in mentee.get(PLAN + "consultations/").content.decode()


# Query budget.


def test_the_plan_page_query_count_does_not_grow(personas):
    """The same page with 1 and with 20 consultations, needs from the needs analysis and
    actions transferring a practice: the same number of queries."""
    counts = {}
    plan = plan_get_or_create(scheme=personas.a)
    practice = GoodPractice.objects.create(programme=personas.programme, city=personas.mentor_city, title="Buddy Project")
    client = personas.client("mentor")
    made = 0
    for target in (1, 20):
        while made < target:
            answer = _answer(personas.a, personas.mentee_city, f"Need {made}")
            Need.objects.create(plan=plan, order=made, text=f"Need {made}", from_answer=answer, answer_text="older")
            PlanConsultation.objects.create(plan=plan, consulted=f"Department {made}", date="2027-01-01", said="Fine")
            Action.objects.create(plan=plan, order=made, action=f"Action {made}", transfers_practice=practice)
            made += 1
        for page in (PLAN, PLAN + "consultations/"):
            client.get(page)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            counts[target, page] = len(queries)
    assert counts[20, PLAN] == counts[1, PLAN] <= 15, counts
    assert counts[20, PLAN + "consultations/"] == counts[1, PLAN + "consultations/"], counts


def test_a_consultation_has_its_history_and_an_earlier_version_comes_back(personas):
    mentee = personas.client("mentee")
    mentee.post(PLAN + "consultations/new/", _consultation())
    consultation = PlanConsultation.objects.get()
    url = PLAN + f"consultations/{consultation.pk}/"
    seen = mentee.get(url).context["form"]["seen_version"].value()
    mentee.post(url, _consultation(said="Not viable.", seen_version=seen))
    history = personas.client("observer").get(url + "history/")
    assert history.status_code == 200 and "Not viable." in history.content.decode()
    first = consultation.history.earliest("history_id")
    assert personas.client("mentor").post(url + f"history/{first.history_id}/restore/").status_code == 302
    consultation.refresh_from_db()
    assert consultation.said == "Viable if staffed."
    assert personas.client("observer").post(url + f"history/{first.history_id}/restore/").status_code == 403
