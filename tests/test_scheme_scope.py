"""Issue 23, adaptations that change the process: a scheme's focus (action planning, needs
analysis only, review, evaluation) and "the mentoring ends with the final action plan"
decide which steps the scheme's timeline and the dashboard show and count, and what
anyone is asked to do (schemes/focus.py)."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from mentoring.models import LogEntry
from schemes.models import Action, Organisation, PoliticalCommitment, Scheme, SchemeRole, Side
from schemes.services.action_plans import plan_get_or_create
from schemes.services.deadlines import notify_overdue
from schemes.services.my_work import tasks_for
from schemes.services.schemes import scheme_create
from schemes.services.waiting import waiting_for_others

TODAY = timezone.localdate()
SCHEME = "/programmes/test-programme/schemes/1/"
DASHBOARD = "/programmes/test-programme/dashboard/"

PREPARATION = ["Needs analysis", "Strengths", "Pairing", "Training", "Scope", "Local support group", "Political commitment"]
PLAN = ["Action plan", "Approval", "Implementation"]
CLOSING = ["Final meeting", "Evaluation", "Dissemination", "Support gaps"]


def _visits(p):
    return [str(visit) for visit in p.a.visits.order_by("order")]


def _timeline(page):
    """The step titles of the scheme page's timeline, as a reader sees them."""
    section = page.split('id="timeline-heading"')[1].split('id="next-heading"')[0]
    return [
        html.unescape(title.strip())
        for title in re.findall(r'<li class="step-[\w-]+"><strong>(?:<a href="[^"]*">)?([^<]+)', section)
    ]


def _set(scheme, **fields):
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.save()


def _edit(client, **changes):
    form = client.get(f"{SCHEME}edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    if not data.get("ends_with_final_plan"):
        data.pop("ends_with_final_plan", None)  # an unticked box is not posted
    data.update(changes)
    return client.post(f"{SCHEME}edit/", data, follow=True)


@pytest.mark.parametrize(
    "focus, expected",
    [
        ("action_planning", PREPARATION + ["VISITS"] + PLAN + CLOSING),
        # Needs analysis only: no plan, no approval, no implementation, no commitment to them.
        ("needs_analysis", [s for s in PREPARATION if s != "Political commitment"] + ["VISITS"] + CLOSING),
        # Review and evaluation: existing work assessed against the benchmark; no needs
        # analysis for a new plan, and no plan.
        ("review", [s for s in PREPARATION if s not in ("Needs analysis", "Political commitment")] + ["VISITS"] + CLOSING),
        (
            "evaluation",
            [s for s in PREPARATION if s not in ("Needs analysis", "Political commitment")] + ["VISITS"] + CLOSING,
        ),
    ],
)
def test_each_focus_shows_its_own_steps_on_the_timeline(personas, focus, expected):
    p = personas
    _set(p.a, focus=focus)
    page = p.client("facilitator").get(SCHEME).content.decode()
    index = expected.index("VISITS")
    assert _timeline(page) == expected[:index] + _visits(p) + expected[index + 1 :]
    planning = focus == "action_planning"
    assert ("Open the action plan" in page) is planning
    assert ('id="steps-after"' in page) is planning


def test_the_dashboard_counts_only_the_steps_of_each_focus(personas):
    p = personas
    _set(p.a, focus="needs_analysis")
    _set(p.b, focus="review")
    client = p.client("coordinator")
    response = client.get(DASHBOARD)
    rows = {row.scheme.pk: row for row in response.context["rows"]}
    # Fifteen steps; a needs analysis leaves out four, a review five. Scheme A has an
    # association and a benchmark; scheme B has neither (its support gaps and scope are
    # not needed).
    assert rows[p.a.pk].total_count == 11
    assert rows[p.b.pk].total_count == 8
    assert rows[p.a.pk].done_count == 1  # the pairing
    page = response.content.decode()
    assert "Focus: Needs analysis · 1 of 11 steps done" in page
    assert "Focus: Review of integration work" in page
    # The plan's columns of a needs-analysis scheme say so, and are never late.
    a_columns = {step.key: step for step in rows[p.a.pk].columns}
    assert a_columns["action_plan"].state_label == "Outside the focus"
    assert a_columns["action_plan"].detail == "Focus: Needs analysis"
    assert "Outside the focus" in page
    # The exports carry the same figures.
    table = client.get("/programmes/test-programme/dashboard.csv").content.decode("utf-8-sig")
    assert "Needs analysis,1,11," in table.replace('"', "")


def test_a_plan_approved_with_a_late_action_then_the_mentoring_ends_with_the_final_plan(personas):
    p = personas
    plan = plan_get_or_create(scheme=p.a)
    Action.objects.create(plan=plan, action="Open a welcome desk", due_date=TODAY - datetime.timedelta(days=3))
    plan.status, plan.approved_at = "approved", timezone.now()
    plan.save()
    coordinator = p.client("coordinator")
    page = coordinator.get(SCHEME).content.decode()
    assert "Implementation" in _timeline(page)
    assert "Implementation" in [step.label for step in coordinator.get(SCHEME).context["progress"].late]

    response = _edit(coordinator, ends_with_final_plan="on")
    page = response.content.decode()
    assert "Scheme saved." in page
    assert "The 1 action of the plan is kept, with its progress: implementation is no longer counted." in page
    scheme = Scheme.objects.get(pk=p.a.pk)
    assert scheme.ends_with_final_plan
    # The timeline stops at the approval; the late action no longer makes the scheme late.
    assert _timeline(page)[-6:] == ["Action plan", "Approval"] + CLOSING
    progress = response.context["progress"]
    assert not [step for step in progress.late if step.key == "implementation"]
    assert progress.step("implementation").detail == "The mentoring ends with the final action plan"
    row = next(row for row in coordinator.get(DASHBOARD).context["rows"] if row.scheme.pk == p.a.pk)
    assert "Implementation" not in [step.label for step in row.late]
    # Nobody is told of the overdue action; the action itself stays, and the plan's page says why.
    assert notify_overdue() == 0
    assert Action.objects.filter(plan=plan).count() == 1
    plan_page = p.client("mentee").get(f"{SCHEME}action-plan/").content.decode()
    assert "The mentoring of this scheme ends with the final action plan: implementation is outside it" in plan_page
    assert "Open a welcome desk" in plan_page

    # In the history and the activity log, in words.
    assert scheme.history.latest("history_id").history_change_reason == "Ends with the final action plan"
    entry = LogEntry.objects.filter(scheme_id=p.a.pk).latest("time")
    assert entry.action == "scheme.scope_changed"
    changes = [c.text for c in coordinator.get(SCHEME).context["changes"]]
    assert "Coordinator Tester changed the steps the scheme takes in: Ends with the final action plan" in changes

    # Back to implementation: the late action is late again, nothing was lost.
    _edit(coordinator, ends_with_final_plan="")
    assert "Implementation" in [step.label for step in coordinator.get(SCHEME).context["progress"].late]
    assert notify_overdue() == 1


def test_a_focus_without_a_plan_keeps_the_plan_and_its_page_says_why(personas):
    p = personas
    plan = plan_get_or_create(scheme=p.a)
    Action.objects.create(plan=plan, action="Open a welcome desk")
    plan.status, plan.approved_at = "approved", timezone.now()
    plan.save()
    coordinator = p.client("coordinator")
    response = _edit(coordinator, focus="needs_analysis")
    page = response.content.decode()
    assert "The action plan and its 1 action are kept" in page
    assert Scheme.objects.get(pk=p.a.pk).history.latest("history_id").history_change_reason == "Focus: Needs analysis"
    # The scheme page no longer leads to the plan as a step, but says where it is.
    assert "Open the action plan" not in page
    assert "The action plan is outside this scheme's focus. What was written in it is kept:" in page
    plan_page = coordinator.get(f"{SCHEME}action-plan/")
    assert plan_page.status_code == 200
    text = plan_page.content.decode()
    assert "This step is outside this scheme&#x27;s focus (Needs analysis)" in text or (
        "This step is outside this scheme's focus (Needs analysis)" in text
    )
    assert "Open a welcome desk" in text
    assert Action.objects.filter(plan=plan).count() == 1
    # Back to action planning: the plan's steps are back, approved as they were.
    _edit(coordinator, focus="action_planning")
    progress = coordinator.get(SCHEME).context["progress"]
    assert progress.step("approval").state == "done"


def test_the_needs_analysis_page_of_a_review_says_it_is_outside_the_focus(personas):
    p = personas
    _set(p.a, focus="review")
    response = p.client("mentee").get(f"{SCHEME}needs-analysis/{p.mentee_city.pk}/")
    assert response.status_code == 200
    assert "focus (Review of integration work)" in html.unescape(response.content.decode())
    # The strengths of the mentor city are part of a review: no notice there.
    strengths = p.client("mentor").get(f"{SCHEME}strengths/{p.mentor_city.pk}/").content.decode()
    assert "outside this scheme" not in html.unescape(strengths)


def test_nobody_is_asked_to_do_a_step_outside_the_focus(personas):
    p = personas
    p.a.focus_key_factors.add(p.a.benchmark.key_factors.first())
    plan = plan_get_or_create(scheme=p.a)
    plan.status = "submitted"
    plan.save()

    def kinds(who):
        return {task.kind for task in tasks_for(p.users[who])}

    assert {"needs_analysis", "assess", "focus", "approve"} <= kinds("mentee")
    assert "context" in kinds("association")
    assert [w.document for w in waiting_for_others(p.users["mentor"])] == ["action-plan"]

    _set(p.a, focus="needs_analysis")  # no plan to approve
    assert "approve" not in kinds("mentee")
    assert {"needs_analysis", "assess", "focus"} <= kinds("mentee")
    assert waiting_for_others(p.users["mentor"]) == []
    home = p.client("mentee").get("/").content.decode()
    assert "Record the approval of the action plan" not in home

    _set(p.a, focus="review")  # no needs analysis either
    assert not {"needs_analysis", "approve"} & kinds("mentee")
    assert "context" not in kinds("association")
    assert {"assess", "focus"} <= kinds("mentee")
    assert "strengths" in kinds("mentor")


def test_the_edit_form_refuses_a_focus_it_does_not_offer(personas):
    p = personas
    coordinator = p.client("coordinator")
    before = p.a.history.count()
    response = _edit(coordinator, focus="everything", title="A new title")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Select a valid choice. everything is not one of the available choices." in page
    assert 'value="A new title"' in page  # what the person typed is kept
    scheme = Scheme.objects.get(pk=p.a.pk)
    assert (scheme.focus, scheme.title, scheme.history.count()) == ("action_planning", "Scheme A", before)
    assert not LogEntry.objects.filter(action__startswith="scheme.").exclude(action="scheme.created").exists()


def test_the_form_quotes_the_guide(personas):
    page = html.unescape(personas.client("coordinator").get(f"{SCHEME}edit/").content.decode())
    assert "The mentoring ends with the final action plan" in page
    assert "“The mentoring process can end with a finalised action plan, or can go beyond this" in page
    assert "mentoring visits do not have to be focused specifically on action planning" in page


def test_the_dashboard_costs_the_same_for_few_or_many_schemes_of_mixed_focus(personas, django_assert_max_num_queries):
    p = personas
    client = p.client("coordinator")
    _set(p.b, focus="evaluation", ends_with_final_plan=True)
    with django_assert_max_num_queries(22) as small:
        client.get(DASHBOARD)
    foci = ["action_planning", "needs_analysis", "review", "evaluation"]
    for n in range(24):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="FR")
        scheme = scheme_create(
            programme=p.programme,
            title=f"S{n}",
            theme=f"Theme {n}",
            benchmark=p.a.benchmark,
            parties=[(city, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
            focus=foci[n % 4],
            ends_with_final_plan=n % 3 == 0,
        )
        SchemeRole.objects.create(scheme=scheme, user=p.users["facilitator"], role="facilitator")
        plan = plan_get_or_create(scheme=scheme)
        Action.objects.create(plan=plan, action="Act", due_date=TODAY - datetime.timedelta(days=1))
        PoliticalCommitment.objects.create(scheme=scheme, name="Mayor", office="Mayor", date=TODAY, scope="both")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(DASHBOARD)
    rows = response.context["rows"]
    assert len(rows) == 26
    # No association in these schemes (no support gaps): action planning 14 steps, 13 when
    # it ends with the final plan; needs analysis 10; review and evaluation 9.
    assert {row.total_count for row in rows} == {14, 13, 10, 9, 15, 8}


def test_a_scheme_that_ends_with_the_final_plan_is_done_once_the_plan_is_approved_and_closed(personas):
    from schemes.models import (
        DisseminationOutput,
        LocalSupportGroup,
        LocalSupportGroupMember,
        Meeting,
        MentoringEvaluation,
        Response,
        ResponseStatus,
        SupportGap,
        TrainingSession,
    )
    from schemes.services.filling import template_for

    p = personas
    _set(p.a, ends_with_final_plan=True)
    for city, kind in ((p.mentee_city, "needs_analysis"), (p.mentor_city, "strengths")):
        Response.objects.create(
            scheme=p.a,
            template=template_for(p.programme, kind),
            organisation=city,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    session = TrainingSession.objects.create(programme=p.programme, title="Training", date=TODAY)
    session.attendees.add(p.users["mentee"], p.users["mentor"])
    p.a.focus_key_factors.add(p.a.benchmark.key_factors.first())
    _set(p.a, focus_agreed_by_mentee=timezone.now(), focus_agreed_by_mentor=timezone.now())
    group = LocalSupportGroup.objects.create(scheme=p.a, city=p.mentee_city)
    LocalSupportGroupMember.objects.create(group=group, name="Ana", organisation="NGO", stakeholder_type="ngo")
    PoliticalCommitment.objects.create(scheme=p.a, name="Mayor", office="Mayor", date=TODAY, scope="both")
    for visit in p.a.visits.all():
        visit.status = "held"
        visit.save()
    plan = plan_get_or_create(scheme=p.a)
    # An action far from done, and late: implementation is not the scheme's.
    Action.objects.create(plan=plan, action="Open a welcome desk", due_date=TODAY - datetime.timedelta(days=30))
    plan.status, plan.approved_at = "approved", timezone.now()
    plan.save()
    Meeting.objects.create(scheme=p.a, purpose="final", title="Final meeting", date=TODAY - datetime.timedelta(days=1))
    for side in ("mentee", "mentor", "facilitation"):
        MentoringEvaluation.objects.create(scheme=p.a, side=side, learned="x", submitted_at=timezone.now())
    DisseminationOutput.objects.create(scheme=p.a, kind="closing_event", title="Final", date=TODAY)
    SupportGap.objects.create(scheme=p.a, level="regional", issue="No regional coordination")

    page = p.client("facilitator").get(SCHEME)
    progress = page.context["progress"]
    assert (progress.done_count, progress.total_count, progress.done) == (14, 14, True)
    assert "Every step of this scheme is done." in page.content.decode()
    assert not progress.late
    # Implementation in scope again: the late action keeps it from being done.
    _set(p.a, ends_with_final_plan=False)
    progress = p.client("facilitator").get(SCHEME).context["progress"]
    assert (progress.done_count, progress.total_count, progress.done) == (14, 15, False)


def test_a_recommendation_becomes_an_action_only_where_the_scheme_makes_a_plan(personas):
    from schemes.models import VisitReportItem

    p = personas
    visit = p.a.visits.get(order=1)
    VisitReportItem.objects.create(visit=visit, kind="recommendation", text="Open a one-stop shop")
    url = f"{SCHEME}visits/1/report/"
    assert "Make it a draft action" in p.client("mentee").get(url).content.decode()
    _set(p.a, focus="evaluation")
    page = p.client("mentee").get(url).content.decode()
    assert "Open a one-stop shop" in page and "Make it a draft action" not in page


def test_the_closing_review_calls_for_a_plan_only_where_the_scheme_makes_one(personas):
    p = personas
    url = f"{SCHEME}closing/review/"
    assert "Open the action plan" in p.client("facilitator").get(url).content.decode()
    _set(p.a, focus="review")
    page = p.client("facilitator").get(url)
    assert page.status_code == 200 and "Open the action plan" not in page.content.decode()


def test_the_dashboard_filters_by_focus(personas):
    p = personas
    _set(p.b, focus="evaluation")
    client = p.client("coordinator")
    response = client.get(DASHBOARD, {"focus": "evaluation"})
    assert [row.scheme.pk for row in response.context["rows"]] == [p.b.pk]
    refused = client.get(DASHBOARD, {"focus": "<b>all</b>"}).content.decode()
    assert "Select a valid choice" in refused and "<b>all</b>" not in refused  # escaped


def test_the_political_commitment_of_a_review_says_it_is_outside_the_focus(personas):
    p = personas
    PoliticalCommitment.objects.create(scheme=p.a, name="Jane Mayor", office="Mayor", date=TODAY, scope="both")
    _set(p.a, focus="review")
    page = html.unescape(p.client("mentee").get(SCHEME).content.decode())
    commitment = page.split('id="commitment"')[1].split("</section>")[0]
    assert "This step is outside this scheme's focus (Review of integration work)" in commitment
    assert "Jane Mayor" in commitment  # kept
    form = html.unescape(p.client("mentee").get(f"{SCHEME}commitments/new/").content.decode())
    assert "This step is outside this scheme's focus (Review of integration work)" in form


def test_a_new_scheme_s_visits_are_aimed_at_its_focus(personas):
    """A scheme created for a needs analysis gets visits aimed at the needs analysis, and
    its last visit consolidates the needs analysis, not an action plan."""
    p = personas
    scheme = scheme_create(
        programme=p.programme,
        title="Knowing our needs",
        theme="Reception",
        parties=[(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
        visit_count=3,
        focus="needs_analysis",
    )
    first, _second, last = scheme.visits.order_by("order")
    assert "start the needs analysis" in first.aim and "action" not in first.expected_outcome
    assert last.title == "Consolidation of the needs analysis"
    assert "complete the needs analysis" in last.aim
    # The agenda page's proposal from the method says the same.
    first.start_date = first.end_date = TODAY + datetime.timedelta(days=30)
    first.save()
    SchemeRole.objects.create(scheme=scheme, user=p.users["facilitator"], role="facilitator")
    page = p.client("facilitator").get(f"/programmes/test-programme/schemes/{scheme.number}/visits/1/agenda/from-method/")
    assert page.status_code == 200
    assert "start the needs analysis" in page.content.decode()


def test_a_new_focus_changes_the_default_aims_and_keeps_those_someone_wrote(personas):
    p = personas
    visits = list(p.a.visits.order_by("order"))
    assert "first draft of actions" in visits[0].aim
    written = "Meet the welcome desk's staff and the migrant council."
    visits[1].aim = written
    visits[1].save()
    response = _edit(p.client("coordinator"), focus="review")
    page = " ".join(response.content.decode().split())
    after = list(p.a.visits.order_by("order"))
    assert "integration work under review" in after[0].aim and "self-assessment" in after[0].expected_outcome
    assert after[1].aim == written  # written by someone: kept
    assert after[-1].title == "Conclusions of the review" and "recommendations" in after[-1].aim
    assert escape_free(page, "visits’ aims now follow the new focus; aims someone wrote are kept.")
    # In each visit's history and in the activity log, in the coordinator's name.
    assert after[0].history.first().history_change_reason == "Follows the scheme's new focus"
    entry = LogEntry.objects.filter(action="visit.changed", object_id=after[0].pk).latest("id")
    assert entry.actor == p.users["coordinator"] and set(entry.data["fields"]) == {"aim", "expected_outcome"}
    # Back to action planning: the guide's own aims again.
    _edit(p.client("coordinator"), focus="action_planning")
    assert "first draft of actions" in p.a.visits.get(order=1).aim
    assert p.a.visits.get(order=2).aim == written


def test_default_aims_written_in_another_language_follow_the_focus_too(personas):
    from django.utils import translation

    from schemes import method

    p = personas
    with translation.override("fr"):
        french = str(method.VISIT_PURPOSES[method.SCENE].aim)
    assert french != str(method.VISIT_PURPOSES[method.SCENE].aim)  # the catalogue has it
    p.a.visits.filter(order=1).update(aim=french)
    _edit(p.client("coordinator"), focus="evaluation")
    assert "initiatives under evaluation" in p.a.visits.get(order=1).aim


def test_a_scheme_made_before_its_visits_followed_the_focus_gets_its_focus_aims(personas):
    """A needs-analysis scheme whose visits were created with the action plan's defaults
    (as every scheme was before): a change of its focus gives them the new focus's."""
    p = personas
    Scheme.objects.filter(pk=p.a.pk).update(focus="needs_analysis")
    assert "first draft of actions" in p.a.visits.get(order=1).aim
    _edit(p.client("coordinator"), focus="review")
    assert "integration work under review" in p.a.visits.get(order=1).aim


def escape_free(page, text):
    return html.unescape(page).replace("'", "’").find(text.replace("'", "’")) != -1
