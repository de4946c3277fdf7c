"""Issue 20, deadlines that reach people: every item of "Waiting for you" leads to a page
where it can be done, says when it is due, shows the next visit, and says whom a
document waits for once one's own part is done."""

import datetime
import re

from django.utils import timezone

from schemes.models import AgendaItem, Organisation, Side, VisitStatus
from schemes.services.action_plans import plan_get_or_create
from schemes.services.my_work import tasks_for
from schemes.services.schemes import scheme_create

SCHEME = "/programmes/test-programme/schemes/1/"


def _controls(html):
    """The form actions, link targets and button labels of a page."""
    actions = set(re.findall(r'<form[^>]*action="([^"]*)"', html))
    links = set(re.findall(r'<a[^>]*href="([^"]*)"', html))
    buttons = {re.sub(r"<[^>]+>", "", b).strip() for b in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)}
    return actions, links, buttons


def _every_kind_of_task(p):
    """Scheme A with something of every kind waiting: a scope to agree, a plan to approve,
    a visit without an agenda, one to confirm; a mentee city without a mentor."""
    today = timezone.localdate()
    p.a.focus_key_factors.add(p.a.benchmark.key_factors.first())
    plan = plan_get_or_create(scheme=p.a)
    plan.status = "submitted"
    plan.save()
    first = p.a.visits.get(order=1)
    first.start_date = first.end_date = today + datetime.timedelta(days=5)
    first.preparation_meeting = today + datetime.timedelta(days=2)
    first.save()
    second = p.a.visits.get(order=2)
    second.start_date = second.end_date = today + datetime.timedelta(days=9)
    second.save()
    AgendaItem.objects.create(
        visit=second, day=second.start_date, start_time="09:00", end_time="10:00", session_type="recap", title="Recap"
    )
    newtown = Organisation.objects.create(kind="city", name="Newtown", country="BE")
    scheme_create(programme=p.programme, title="Newtown prepares", theme="x", parties=[(newtown, Side.MENTEE)])


# What each kind of task (the first part of its key) needs on the page it links to: a
# form posting to an address ending so, or a link to one ending so, or a button so labelled.
CONTROLS = {
    "context": ("link", r"sections/[\w-]+/$"),
    "needs_analysis": ("link", r"sections/[\w-]+/$"),
    "strengths": ("link", r"sections/[\w-]+/$"),
    "assess": ("button", r"Save and submit this round"),
    "focus": ("button", r"Agree to these focus key factors"),
    "approve": ("form", r"/action-plan/approve/$"),
    "agenda": ("link", r"/visits/\d+/(sessions/new|edit)/$"),
    "confirm": ("form", r"/visits/\d+/confirm/$"),
    "pair": ("form", r"/matching/\d+/"),
    "visit": ("link", r"/visits/\d+/agenda\.pdf$"),
    "preparation": ("link", r"/visits/\d+/visit\.ics$"),
}


def test_every_task_leads_to_a_page_where_it_can_be_done(personas):
    p = personas
    _every_kind_of_task(p)
    seen = set()
    for who in ("mentee", "mentor", "association", "facilitator", "coordinator"):
        client = p.client(who)
        for task in tasks_for(p.users[who]):
            kind = task.kind
            seen.add(kind)
            response = client.get(task.url)
            assert response.status_code == 200, (who, task.text, task.url)
            actions, links, buttons = _controls(response.content.decode())
            how, pattern = CONTROLS[kind]
            found = {"form": actions, "link": links, "button": buttons}[how]
            assert any(re.search(pattern, item) for item in found), (who, task.text, task.url, how, pattern, found)
    assert set(CONTROLS) <= seen


def test_confirm_visit_confirms_it_and_leaves_the_list(personas):
    p = personas
    _every_kind_of_task(p)
    facilitator = p.client("facilitator")
    confirm = next(t for t in tasks_for(p.users["facilitator"]) if t.key.startswith("confirm:"))
    page = facilitator.get(confirm.url).content.decode()
    assert "Confirm the visit" in page
    response = facilitator.post(f"{SCHEME}visits/2/confirm/", follow=True)
    assert "Visit 2 is confirmed." in response.content.decode()
    assert p.a.visits.get(order=2).status == VisitStatus.CONFIRMED
    assert p.a.visits.get(order=2).history.latest().history_change_reason == "Confirmed"
    assert not [t for t in tasks_for(p.users["facilitator"]) if t.key.startswith("confirm:")]
    assert "Confirm the visit" not in facilitator.get(f"{SCHEME}visits/2/").content.decode()
    # Pressed again: nothing changes, and the page says why.
    again = facilitator.post(f"{SCHEME}visits/2/confirm/", follow=True).content.decode()
    assert "not waiting for a confirmation" in again
    # The mentee city reads the visit but does not confirm it; another scheme's visit is a 404.
    assert p.client("mentee").post(f"{SCHEME}visits/1/confirm/").status_code == 403
    assert p.client("facilitator").post("/programmes/test-programme/schemes/2/visits/1/confirm/").status_code == 404


def _home(client):
    return client.get("/").content.decode()


def test_each_task_says_when_it_is_due_and_how_near(personas):
    p = personas
    today = timezone.localdate()
    # The first visit tomorrow, in the mentee city: the preparation steps are due then.
    visit = p.a.visits.get(order=1)
    visit.start_date, visit.end_date, visit.host = (
        today + datetime.timedelta(days=1),
        today + datetime.timedelta(days=2),
        p.mentee_city,
    )
    visit.save()
    mentee = {t.kind: t for t in tasks_for(p.users["mentee"])}
    assert mentee["needs_analysis"].when == visit.start_date
    assert mentee["needs_analysis"].nearness == "due tomorrow"
    page = _home(p.client("mentee"))
    assert "due tomorrow" in page
    assert f"due {visit.start_date.day} {visit.start_date:%b %Y}" in page  # DATE_FORMAT "j M Y"
    # The next visit, for the mentee city and the mentor city alike.
    for who in ("mentee", "mentor", "association"):
        assert "Tomorrow in Menteeville: Visit 1: Setting the scene — agenda" in _home(p.client(who)), who
    # Five days ahead; three days late.
    assert tasks_for(p.users["mentee"], today=today - datetime.timedelta(days=4))[0].nearness == "due in 5 days"
    late = {t.kind: t for t in tasks_for(p.users["mentee"], today=today + datetime.timedelta(days=4))}
    assert late["needs_analysis"].nearness == "3 days late"
    assert late["needs_analysis"].late
    assert {t.kind: t for t in tasks_for(p.users["mentee"], today=visit.start_date - datetime.timedelta(days=2))}[
        "needs_analysis"
    ].nearness == "due in 2 days"
    # A submitted plan's approval is due by the scheme's end date.
    p.a.end_date = today + datetime.timedelta(days=30)
    p.a.save()
    plan = plan_get_or_create(scheme=p.a)
    plan.status = "submitted"
    plan.save()
    approve = {t.kind: t for t in tasks_for(p.users["mentee"])}["approve"]
    assert (approve.when, approve.nearness) == (p.a.end_date, "due in 30 days")


def test_the_facilitator_sees_the_visit_as_a_task_and_everyone_its_preparation_meeting(personas):
    p = personas
    today = timezone.localdate()
    visit = p.a.visits.get(order=1)
    visit.start_date = visit.end_date = today + datetime.timedelta(days=40)
    visit.preparation_meeting = today + datetime.timedelta(days=3)
    visit.location, visit.host = "Town hall", None
    visit.save()
    facilitator = [t.text for t in tasks_for(p.users["facilitator"])]
    assert "Build the agenda of Visit 1: Setting the scene" in facilitator
    assert not any("— agenda" in text for text in facilitator)  # the task stands for the visit
    mentor = [t.text for t in tasks_for(p.users["mentor"])]
    assert "In 40 days in Town hall: Visit 1: Setting the scene — agenda" in mentor
    assert "In 3 days: preparation meeting of Visit 1: Setting the scene" in mentor
    # Beyond two months, a visit is not listed yet; a held or cancelled one never.
    visit.start_date = visit.end_date = today + datetime.timedelta(days=90)
    visit.preparation_meeting = None
    visit.save()
    assert not [t for t in tasks_for(p.users["mentor"]) if t.kind == "visit"]
    visit.start_date = visit.end_date = today
    visit.status = VisitStatus.CANCELLED
    visit.save()
    assert not [t for t in tasks_for(p.users["mentor"]) if t.kind == "visit"]


def test_the_home_page_costs_the_same_with_many_visits(personas, django_assert_max_num_queries):
    from schemes.models import SchemeRole

    p = personas
    today = timezone.localdate()
    mentee = p.client("mentee")
    _every_kind_of_task(p)
    with django_assert_max_num_queries(30) as first:
        mentee.get("/")
    for n in range(10):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="BE")
        scheme = scheme_create(
            programme=p.programme,
            title=f"S{n}",
            theme="x",
            benchmark=p.a.benchmark,
            parties=[(city, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
        )
        SchemeRole.objects.create(
            scheme=scheme, user=p.users["mentee"], role="mentee", party=scheme.parties.get(organisation=city)
        )
        visit = scheme.visits.get(order=1)
        visit.start_date = visit.end_date = today + datetime.timedelta(days=n + 1)
        visit.preparation_meeting = today
        visit.host = city
        visit.save()
    with django_assert_max_num_queries(len(first.captured_queries)):
        tasks = mentee.get("/").context["tasks"]
    assert len([t for t in tasks if t.kind == "visit"]) == 11
