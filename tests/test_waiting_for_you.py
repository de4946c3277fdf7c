"""Issue 20, deadlines that reach people: every item of "Waiting for you" leads to a page
where it can be done, says when it is due, shows the next visit, and says whom a
document waits for once one's own part is done."""

import datetime
import re

from django.utils import timezone

from schemes.models import AgendaItem, Meeting, Organisation, Side, VisitStatus
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
    first.save()
    Meeting.objects.create(
        scheme=p.a,
        purpose="preparation",
        visit=first,
        title="Preparation of the first visit",
        date=today + datetime.timedelta(days=2),
    )
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
    "meeting": ("link", r"/meetings/\d+/meeting\.ics$"),
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


def test_the_facilitator_sees_the_visit_as_a_task_and_everyone_the_next_meeting(personas):
    p = personas
    today = timezone.localdate()
    visit = p.a.visits.get(order=1)
    visit.start_date = visit.end_date = today + datetime.timedelta(days=40)
    visit.location, visit.host = "Town hall", None
    visit.save()
    meeting = Meeting.objects.create(
        scheme=p.a,
        purpose="preparation",
        visit=visit,
        title="Preparation of the first visit",
        date=today + datetime.timedelta(days=3),
    )
    Meeting.objects.create(scheme=p.a, title="Working meeting", date=today + datetime.timedelta(days=10))  # the next one only
    facilitator = [t.text for t in tasks_for(p.users["facilitator"])]
    assert "Build the agenda of Visit 1: Setting the scene" in facilitator
    assert not any("— agenda" in text for text in facilitator)  # the task stands for the visit
    mentor = [t.text for t in tasks_for(p.users["mentor"])]
    assert "In 40 days in Town hall: Visit 1: Setting the scene — agenda" in mentor
    assert "In 3 days: Preparation of the first visit" in mentor
    assert not any("Working meeting" in text for text in mentor)
    assert "In 3 days: Preparation of the first visit" not in [t.text for t in tasks_for(p.users["b_mentee"])]
    # Beyond two months, a visit is not listed yet; a held or cancelled one never.
    visit.start_date = visit.end_date = today + datetime.timedelta(days=90)
    visit.save()
    meeting.delete()
    assert not [t for t in tasks_for(p.users["mentor"]) if t.kind == "visit"]
    visit.start_date = visit.end_date = today
    visit.status = VisitStatus.CANCELLED
    visit.save()
    assert not [t for t in tasks_for(p.users["mentor"]) if t.kind == "visit"]


def test_the_home_page_costs_the_same_with_many_visits_and_documents(personas, django_assert_max_num_queries):
    from schemes.models import Response, SchemeRole
    from schemes.services.filling import template_for

    p = personas
    today = timezone.localdate()
    mentee = p.client("mentee")
    _every_kind_of_task(p)
    _answer_part(
        Response.objects.create(scheme=p.a, template=template_for(p.programme, "needs_analysis"), organisation=p.mentee_city),
        "mentee",
    )
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
        visit.host = city
        visit.save()
        Meeting.objects.create(scheme=scheme, purpose="preparation", visit=visit, title=f"Preparation {n}", date=today)
        SchemeRole.objects.create(
            scheme=scheme, user=p.users["association"], role="association", party=scheme.parties.get(organisation=city)
        )
        response = Response.objects.create(scheme=scheme, template=template_for(p.programme, "needs_analysis"), organisation=city)
        _answer_part(response, "mentee")
    with django_assert_max_num_queries(len(first.captured_queries)):
        tasks = mentee.get("/").context["tasks"]
    assert len([t for t in tasks if t.kind == "visit"]) == 11
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(mentee.get("/").context["waiting"]) == 11


def _answer_part(response, part):
    """Answer every required question of ``part``'s sections of ``response``."""
    from schemes.models import Answer

    for section in response.template.sections.filter(filled_by=part):
        for question in section.questions.filter(required=True):
            if question.is_numeric:
                Answer.objects.create(response=response, question=question, number=1)
            else:
                Answer.objects.create(response=response, question=question, text="2026-01-01" if "date" in question.kind else "x")


def test_my_part_done_says_whom_the_document_waits_for_and_reminds_them_once_a_day(personas):
    from schemes.models import Reminder, Response
    from schemes.services.filling import template_for
    from schemes.services.waiting import waiting_for_others

    p = personas
    response = Response.objects.create(
        scheme=p.a, template=template_for(p.programme, "needs_analysis"), organisation=p.mentee_city
    )
    assert {s.filled_by for s in response.template.sections.all()} >= {"mentee", "association"}
    assert waiting_for_others(p.users["mentee"]) == []
    _answer_part(response, "mentee")
    (item,) = waiting_for_others(p.users["mentee"])
    assert item.title == "Needs analysis of Menteeville"
    assert [(label, [u.email for u in people]) for label, people in item.whom] == [
        ("Association of Menteeland", ["association@test.example"])
    ]
    mentee = p.client("mentee")
    page = mentee.get("/").content.decode()
    assert "waiting for Association of Menteeland: Association Tester" in page
    assert f'action="{SCHEME}remind/needs-analysis/{p.mentee_city.pk}/"' in page
    assert "Send a polite reminder" in page
    # The association still has its part to do: nothing waits for someone else on its side.
    assert waiting_for_others(p.users["association"]) == []

    # The reminder: an e-mail to the association's officer (through the e-mail task), once today.
    response_page = mentee.post(f"{SCHEME}remind/needs-analysis/{p.mentee_city.pk}/", follow=True).content.decode()
    assert "A polite reminder was sent to Association Tester." in response_page
    assert Reminder.objects.filter(user=p.users["mentee"], key__startswith="nudge:").count() == 1
    sent = _sent_emails()
    assert [(to, "Needs analysis of Menteeville" in subject) for to, subject in sent] == [(["association@test.example"], True)]
    again = mentee.post(f"{SCHEME}remind/needs-analysis/{p.mentee_city.pk}/", follow=True).content.decode()
    assert "You sent a reminder about this today at" in again
    assert len(_sent_emails()) == 1
    assert "Reminder sent today at" in mentee.get("/").content.decode()

    # Another scheme's city is a 404; a document that waits for nobody sends nothing.
    assert mentee.post(f"{SCHEME}remind/needs-analysis/{p.b_mentee.pk}/").status_code == 404
    assert mentee.post(f"{SCHEME}remind/nothing/{p.mentee_city.pk}/").status_code == 404
    assert p.client("mentor").post(f"{SCHEME}remind/needs-analysis/{p.mentee_city.pk}/").status_code == 302
    assert len(_sent_emails()) == 1

    # The association's part done too: the city submits, the association waits for it.
    _answer_part(response, "association")
    assert waiting_for_others(p.users["mentee"]) == []
    (item,) = waiting_for_others(p.users["association"])
    assert [(label, [u.email for u in people]) for label, people in item.whom] == [("Menteeville", ["mentee@test.example"])]


def test_a_submitted_plan_waits_for_the_mentee_city(personas):
    from schemes.services.waiting import waiting_for_others

    p = personas
    plan = plan_get_or_create(scheme=p.a)
    plan.status = "submitted"
    plan.save()
    (item,) = waiting_for_others(p.users["facilitator"])
    assert (item.title, item.document) == ("Approval of the action plan", "action-plan")
    assert "waiting for Menteeville: Mentee Tester" in p.client("mentor").get("/").content.decode()
    assert waiting_for_others(p.users["mentee"]) == []  # the mentee city's own task
    assert waiting_for_others(p.users["b_mentee"]) == []


def _sent_emails():
    from django.core import mail

    return [(message.to, message.subject) for message in mail.outbox]


def test_the_preparation_meeting_is_in_the_reminders(personas):
    from django.core import mail

    from schemes.services.reminders import send_reminders

    p = personas
    today = timezone.localdate()
    send_reminders(today)  # the documents waiting, out of the way
    visit = p.a.visits.get(order=1)
    visit.start_date = visit.end_date = today + datetime.timedelta(days=45)
    visit.save()
    Meeting.objects.create(
        scheme=p.a,
        purpose="preparation",
        visit=visit,
        title="Preparation of the first visit",
        date=today + datetime.timedelta(days=3),
    )
    mail.outbox.clear()
    send_reminders(today)
    message = next(m for m in mail.outbox if m.to == ["mentor@test.example"])
    assert "Preparation of the first visit" in message.body and "in 3 days" in message.body
    assert "/meetings/" in message.body and message.subject.startswith("Reminder: a meeting is coming up")
    mail.outbox.clear()
    send_reminders(today)  # once
    assert mail.outbox == []
