"""The programme dashboard and the scheme home: each step of the process with its state,
what is late and the next date; filters, exports, access and a fixed query count."""

import csv
import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from schemes.models import (
    Action,
    LocalSupportGroup,
    LocalSupportGroupMember,
    Meeting,
    Organisation,
    PoliticalCommitment,
    Response,
    ResponseStatus,
    SchemeRole,
    Side,
)
from schemes.services.action_plans import plan_get_or_create
from schemes.services.filling import template_for
from schemes.services.progress import progress_for, progress_queryset
from schemes.services.schemes import scheme_create

TODAY = timezone.localdate()
DASHBOARD = "/programmes/test-programme/dashboard/"


def states(scheme, today=TODAY):
    scheme = progress_queryset(type(scheme).objects.filter(pk=scheme.pk)).get()
    progress = progress_for([scheme], today=today)[scheme.pk]
    return {step.key: step.state for step in progress.steps + progress.visits}, progress


def days(n):
    return TODAY + datetime.timedelta(days=n)


def test_each_step_moves_from_to_do_to_done(personas):
    p = personas
    state, progress = states(p.a)
    assert state["needs_analysis"] == state["strengths"] == state["scope"] == "todo"
    assert state["pairing"] == "done"
    assert [step.key for step in progress.steps] == [
        "needs_analysis",
        "strengths",
        "pairing",
        "training",
        "scope",
        "support_group",
        "commitment",
        "visits",
        "action_plan",
        "approval",
        "implementation",
        "final_meeting",
        "evaluation",
        "dissemination",
        "support_gaps",
    ]
    Response.objects.create(
        scheme=p.a,
        template=template_for(p.programme, "needs_analysis"),
        organisation=p.mentee_city,
        status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Response.objects.create(scheme=p.a, template=template_for(p.programme, "strengths"), organisation=p.mentor_city)
    p.a.focus_key_factors.add(p.a.benchmark.key_factors.first())
    group = LocalSupportGroup.objects.create(scheme=p.a, city=p.mentee_city)
    LocalSupportGroupMember.objects.create(group=group, name="Ana", organisation="NGO", stakeholder_type="ngo")
    PoliticalCommitment.objects.create(scheme=p.a, name="Mayor", office="Mayor", date=TODAY, scope="both")
    state, progress = states(p.a)
    assert state["needs_analysis"] == "done"
    assert state["strengths"] == "started"  # a draft, not submitted
    assert state["scope"] == "started"  # chosen, not agreed by both sides
    assert state["support_group"] == state["commitment"] == "done"
    assert progress.step("scope").detail == "1 focus key factor · not agreed by both sides yet"


def test_late_steps_and_the_next_date(personas):
    p = personas
    first, second, third = p.a.visits.order_by("order")
    first.start_date, first.end_date = days(-120), days(-119)
    first.save()
    second.start_date, second.end_date = days(30), days(32)
    second.save()
    Meeting.objects.create(scheme=p.a, purpose="preparation", visit=second, title="Preparation of Inspiration", date=days(5))
    Meeting.objects.create(scheme=p.a, title="Working meeting on the plan", date=days(-3))  # past
    state, progress = states(p.a)
    # The first visit is over and not recorded as held; preparation was due by its first day.
    assert state["visit-1"] == "late"
    assert state["needs_analysis"] == state["scope"] == state["support_group"] == "late"
    assert state["pairing"] == "done"
    assert state["visit-2"] == "todo"
    assert (progress.next_date, progress.next_event) == (days(5), "Preparation of Inspiration")
    assert progress.next_visit == first
    assert {step.label for step in progress.late} >= {"Needs analysis", "Visit 1: Setting the scene"}

    first.status = "held"
    first.save()
    state, progress = states(p.a)
    assert state["visit-1"] == "done" and state["visits"] == "started"
    assert progress.next_visit == second
    # Approval: due two months after the last visit, or by the scheme's end date.
    third.start_date = third.end_date = days(-100)
    third.status = "held"
    third.save()
    second.status = "cancelled"
    second.save()
    state, progress = states(p.a)
    assert state["visits"] == "done" and state["approval"] == "late"
    assert progress.next_date is None  # the cancelled visit's preparation meeting is off
    p.a.end_date = days(30)
    p.a.save()
    assert states(p.a)[0]["approval"] == "todo"


def test_implementation_is_late_while_an_action_is_overdue(personas):
    p = personas
    plan = plan_get_or_create(scheme=p.a)
    Action.objects.create(plan=plan, action="Train staff", due_date=days(-1), progress=50)
    Action.objects.create(plan=plan, action="Open a desk", progress=100, status="done")
    state, progress = states(p.a)
    assert state["action_plan"] == "started" and state["implementation"] == "todo"
    plan.status = "approved"
    plan.approved_at = timezone.now()
    plan.save()
    state, progress = states(p.a)
    assert state["approval"] == "done"
    assert state["implementation"] == "late"
    assert progress.step("implementation").detail == "2 actions · 75 % done on average · 1 overdue"


def test_recording_the_visits_as_held_moves_the_phase_on(personas):
    p = personas
    client = p.client("facilitator")
    for order, expected in ((1, "visits"), (2, "visits"), (3, "after")):
        url = f"/programmes/test-programme/schemes/1/visits/{order}/record/"
        seen = client.get(url).context["form"]["seen_version"].value()
        response = client.post(url, {"status": "held", "notes": "", "outcomes": "", "next_steps": "", "seen_version": seen})
        assert response.status_code == 302, response.content.decode()[:2000]
        p.a.refresh_from_db()
        assert p.a.phase == expected
    assert p.a.history.first().history_change_reason == "Phase moved on as visits are held"


def rows(response):
    return [row.scheme.title for row in response.context["rows"]]


def test_who_sees_the_dashboard(personas):
    p = personas
    assert rows(p.client("coordinator").get(DASHBOARD)) == ["Scheme A", "Scheme B"]
    assert rows(p.client("observer").get(DASHBOARD)) == ["Scheme A", "Scheme B"]
    # A facilitator follows the schemes they are assigned to.
    assert rows(p.client("facilitator").get(DASHBOARD)) == ["Scheme A"]
    assert p.client("mentee").get(DASHBOARD).status_code == 403
    assert p.client("outsider").get(DASHBOARD).status_code == 404
    assert p.client("coordinator").get("/programmes/other-programme/dashboard/").status_code == 404
    page = p.client("coordinator").get("/programmes/test-programme/").content.decode()
    assert f'href="{DASHBOARD}"' in page
    assert DASHBOARD not in p.client("mentee").get("/programmes/test-programme/").content.decode()
    # An archived scheme leaves the dashboard.
    p.b.archived = True
    p.b.save()
    assert rows(p.client("coordinator").get(DASHBOARD)) == ["Scheme A"]


def test_filters_by_theme_facilitator_country_and_phase(personas):
    p = personas
    client = p.client("coordinator")
    SchemeRole.objects.create(scheme=p.b, user=p.users["observer"], role="facilitator")
    lisbon = Organisation.objects.create(kind="city", name="Lisbon", country="PT")
    scheme_create(programme=p.programme, title="Scheme D", theme="Housing", parties=[(lisbon, Side.MENTEE)])
    p.b.phase = "visits"
    p.b.save()
    assert rows(client.get(DASHBOARD, {"theme": "Language learning"})) == ["Scheme B"]
    assert rows(client.get(DASHBOARD, {"facilitator": p.users["facilitator"].pk})) == ["Scheme A"]
    assert rows(client.get(DASHBOARD, {"country": "PT"})) == ["Scheme D"]
    assert rows(client.get(DASHBOARD, {"phase": "visits"})) == ["Scheme B"]
    assert rows(client.get(DASHBOARD, {"phase": "visits", "theme": "Housing"})) == []
    # Someone of another programme is not offered as a facilitator.
    form = client.get(DASHBOARD).context["filter"].form
    assert {label for _value, label in form.fields["facilitator"].choices} == {
        "All facilitators",
        "Facilitator Tester",
        "Observer Tester",
    }


def test_a_bad_filter_value_is_refused_with_a_message(personas):
    client = personas.client("coordinator")
    response = client.get(DASHBOARD, {"phase": "<script>x</script>", "country": "ZZ"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert "<script>x</script>" not in page


def test_exports_follow_the_filters(personas):
    p = personas
    client = p.client("coordinator")
    p.b.title = '=HYPERLINK("http://evil")'
    p.b.save()
    response = client.get("/programmes/test-programme/dashboard.csv", {"theme": "Welcoming newcomers"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:7] == ["No.", "Scheme", "Theme", "Mentee side", "Mentor side", "Facilitators", "Phase"]
    assert "Needs analysis" in table[0] and "Implementation: detail" in table[0]
    assert [row[1] for row in table[1:]] == ["Scheme A"]
    assert table[1][3] == "Menteeville, Association of Menteeland" and table[1][5] == "Facilitator Tester"
    needs = table[0].index("Needs analysis")
    assert table[1][needs : needs + 2] == ["To do", "0 of 1 submitted"]

    response = client.get("/programmes/test-programme/dashboard.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Scheme A", '\'=HYPERLINK("http://evil")']
    assert p.client("mentee").get("/programmes/test-programme/dashboard.xlsx").status_code == 403


def test_the_dashboard_costs_the_same_for_two_schemes_or_thirty(personas, django_assert_max_num_queries):
    p = personas
    client = p.client("coordinator")
    # Session and user (4), programme and role (2), filter choices (3), count and page
    # (2), parties and people (2), then documents, visits, training, support groups
    # and actions (5), and the session's write (3 on SQLite).
    with django_assert_max_num_queries(22) as small:
        client.get(DASHBOARD)
    for n in range(28):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="FR")
        scheme = scheme_create(
            programme=p.programme,
            title=f"S{n}",
            theme=f"Theme {n}",
            benchmark=p.a.benchmark,
            parties=[(city, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
        )
        SchemeRole.objects.create(scheme=scheme, user=p.users["facilitator"], role="facilitator")
        plan = plan_get_or_create(scheme=scheme)
        Action.objects.create(plan=plan, action="Act", due_date=days(-1))
        PoliticalCommitment.objects.create(scheme=scheme, name="Mayor", office="Mayor", date=TODAY, scope="both")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(DASHBOARD)
    assert len(response.context["rows"]) == 30
    # The scheme page of one of them, within the pages' target (manage.py measure_speed).
    with django_assert_max_num_queries(15):
        client.get("/programmes/test-programme/schemes/3/")


def test_the_scheme_home_shows_the_timeline_next_visit_and_recent_changes(personas):
    p = personas
    first = p.a.visits.get(order=1)
    first.start_date, first.end_date = days(20), days(21)
    first.save()
    client = p.client("mentee")
    response = client.post(
        "/programmes/test-programme/schemes/1/commitments/new/",
        {
            "name": "Jane Mayor",
            "office": "Mayor",
            "party": "Green",
            "date": TODAY.isoformat(),
            "scope": "both",
            "evidence": "",
        },
    )
    assert response.status_code == 302
    facilitator = p.client("facilitator")
    response = facilitator.get("/programmes/test-programme/schemes/1/")
    page = response.content.decode()
    assert "Where the scheme stands" in page
    assert (
        f'href="/programmes/test-programme/schemes/1/needs-analysis/{p.mentee_city.pk}/">Needs analysis: Menteeville</a>' in page
    )
    assert '<span class="state state-todo">To do</span>' in page
    progress = response.context["progress"]
    assert progress.next_visit == first
    assert "Next visit:" in page and "Setting the scene" in page
    # From the activity log (tests/test_activity_log.py): a sentence naming the person,
    # linked to the object; a change made outside the services (the visit's dates above)
    # is in the history, not the log.
    changes = [c.text for c in response.context["changes"]]
    whens = [c.when for c in response.context["changes"]]
    assert whens == sorted(whens, reverse=True) and all(when.tzinfo is not None for when in whens)  # newest first, aware
    assert changes[0] == "Mentee Tester recorded the political commitment of Jane Mayor"
    assert response.context["changes"][0].url == "/programmes/test-programme/schemes/1/#commitment"
    assert '<a href="/programmes/test-programme/schemes/1/#commitment">Mentee Tester recorded the political commitment' in page
    assert progress.step("commitment").state == "done"


def test_the_final_meeting_step_follows_the_final_meeting(personas):
    """Seed 002: "a final meeting provides the opportunity to reflect on what all parties
    have learned": to do, planned, held; late once the scheme's end date has passed."""
    from schemes.models import Meeting

    p = personas
    p.a.end_date = days(30)
    p.a.save()
    state, progress = states(p.a)
    final = next(step for step in progress.steps if step.key == "final_meeting")
    assert state["final_meeting"] == "todo" and final.detail == "Not planned yet"
    meeting = Meeting.objects.create(scheme=p.a, purpose="final", title="Final meeting", date=days(20))
    state, progress = states(p.a)
    final = next(step for step in progress.steps if step.key == "final_meeting")
    assert state["final_meeting"] == "started" and final.detail.startswith("Planned for")
    # Held: done, whatever the date of the scheme's end.
    state, _progress = states(p.a, today=days(21))
    assert state["final_meeting"] == "done"
    # Still ahead when the scheme has ended: late.
    meeting.date = days(40)
    meeting.save()
    state, _progress = states(p.a, today=days(35))
    assert state["final_meeting"] == "late"
    # A working meeting is not the final meeting.
    meeting.purpose = "working"
    meeting.save()
    assert states(p.a)[0]["final_meeting"] == "todo"
