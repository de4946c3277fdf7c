"""Reminder timing per programme: its coordinators choose the days before a visit and
before a due date when reminders go (the settings form), the reminders go on those days
and on no other, each once; the daily background task; and the page of who has not
answered."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from mentoring.models import LogEntry
from schemes.models import Meeting, Programme, Reminder
from schemes.services.reminders import send_reminders

from .test_background import DATABASE_QUEUE
from .test_setup import HOSTILE, programme_data

TODAY = timezone.localdate()
EDIT = "/programmes/test-programme/edit/"


def days(n):
    return TODAY + datetime.timedelta(days=n)


def to(email):
    return [message for message in mail.outbox if message.to == [email]]


def edit_data(client, **overrides):
    seen = client.get(EDIT).context["form"]["seen_version"].value()
    data = programme_data(slug="test-programme", name="Test Programme", seen_version=seen)
    data.update(overrides)
    return data


def set_days(programme, visit=None, due=None):
    if visit is not None:
        programme.reminder_days_before_visit = visit
    if due is not None:
        programme.reminder_days_before_due = due
    programme.save()


# -- The settings form -------------------------------------------------------------------


def test_a_new_programme_starts_with_the_days_of_the_settings(personas, settings):
    assert personas.programme.reminder_days_before_visit == "14, 3"
    assert personas.programme.reminder_days_before_due == "7, 1"
    assert personas.programme.days_before_visit == [14, 3] and personas.programme.days_before_due == [7, 1]
    settings.REMINDER_DAYS_BEFORE_VISIT = [3, 21]
    settings.REMINDER_DAYS_BEFORE_DUE = [2]
    client = personas.client("coordinator")
    form = client.get("/programmes/new/").context["form"]
    assert form["reminder_days_before_visit"].value() == "21, 3"
    assert form["reminder_days_before_due"].value() == "2"


def test_coordinators_set_the_days_and_the_change_is_logged_and_in_the_history(personas):
    client = personas.client("coordinator")
    page = client.get(EDIT).content.decode()
    assert "Reminders before a visit (days)" in page and "Reminders before a due date (days)" in page
    response = client.post(EDIT, edit_data(client, reminder_days_before_visit="3,  21 ;7", reminder_days_before_due="0 2"))
    assert response.status_code == 302
    programme = Programme.objects.get(pk=personas.programme.pk)
    assert programme.reminder_days_before_visit == "21, 7, 3" and programme.days_before_visit == [21, 7, 3]
    assert programme.reminder_days_before_due == "2, 0" and programme.days_before_due == [2, 0]
    entry = LogEntry.objects.filter(action="programme.changed").latest("pk")
    assert {"reminder_days_before_visit", "reminder_days_before_due"} <= set(entry.data["fields"])
    assert entry.actor == personas.users["coordinator"]
    record = programme.history.latest("history_id")
    assert record.reminder_days_before_visit == "21, 7, 3" and record.prev_record.reminder_days_before_visit == "14, 3"


def test_empty_days_send_no_reminder_of_that_kind(personas):
    client = personas.client("coordinator")
    response = client.post(EDIT, edit_data(client, reminder_days_before_visit="", reminder_days_before_due=" "))
    assert response.status_code == 302
    programme = Programme.objects.get(pk=personas.programme.pk)
    assert programme.days_before_visit == [] and programme.days_before_due == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("two weeks", "Enter whole numbers of days separated by commas, for example: 14, 3."),
        ("14, 3.5", "Enter whole numbers of days separated by commas"),
        ("91", "Each number of days is between 0 (on the day) and 90."),
        ("-1", "Each number of days is between 0 (on the day) and 90."),
        ("99999999999999999999", "Enter whole numbers of days"),
        ("30, 14, 7, 3, 1", "Enter at most 4 numbers of days."),
        (HOSTILE, "Enter whole numbers of days separated by commas"),
        ("١٤", "Enter whole numbers of days"),  # digits of another script
    ],
)
@pytest.mark.parametrize("field", ["reminder_days_before_visit", "reminder_days_before_due"])
def test_bad_days_are_refused_with_a_clear_message_and_nothing_changes(personas, field, value, message):
    client = personas.client("coordinator")
    before = list(Programme.objects.filter(pk=personas.programme.pk).values())
    entries = LogEntry.objects.count()
    response = client.post(EDIT, edit_data(client, **{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert list(Programme.objects.filter(pk=personas.programme.pk).values()) == before
    assert LogEntry.objects.count() == entries
    page = response.content.decode()
    assert HOSTILE not in page  # what was typed comes back escaped, never as markup


def test_only_the_coordinators_change_the_days(personas):
    for role in ("facilitator", "observer", "mentee"):
        client = personas.client(role)
        response = client.post(EDIT, {"reminder_days_before_visit": "1"})
        assert response.status_code == 403
    assert Programme.objects.get(pk=personas.programme.pk).reminder_days_before_visit == "14, 3"


# -- The reminders go on the programme's days --------------------------------------------


def visit_on(scheme, day, preparation=None):
    visit = scheme.visits.get(order=1)
    visit.start_date = visit.end_date = day
    visit.save()
    if preparation is not None:
        Meeting.objects.create(
            scheme=scheme, purpose="preparation", visit=visit, title="Preparation of the first visit", date=preparation
        )
    return visit


def visit_lines(email):
    return [line for m in to(email) for line in m.body.splitlines() if line.startswith("- Visit 1") or "Preparation" in line]


def test_visit_reminders_go_on_the_programmes_days_and_on_no_other(personas):
    p = personas
    set_days(p.programme, visit="10, 2", due="")
    visit_on(p.a, days(30), preparation=days(20))
    told = {}
    for n in range(31):
        mail.outbox.clear()
        send_reminders(today=days(n))
        told[n] = visit_lines("mentor@test.example")
    sent_on = sorted(n for n, lines in told.items() if lines)
    # The meeting 10 and 2 days before it (days 10 and 18), the visit 10 and 2 days
    # before it (days 20 and 28); nothing on the settings' 14 and 3, nor on the day.
    assert sent_on == [10, 18, 20, 28]
    assert all(len(lines) == 1 for lines in told.values() if lines)
    assert "Preparation of the first visit" in told[10][0] and "in 10 days" in told[10][0]
    assert "Preparation of the first visit" in told[18][0] and "in 2 days" in told[18][0]
    assert told[20][0].startswith("- Visit 1") and "in 10 days" in told[20][0]
    assert told[28][0].startswith("- Visit 1") and "in 2 days" in told[28][0]
    # The other programme keeps its own days.
    assert Programme.objects.get(pk=p.other_programme.pk).days_before_visit == [14, 3]


def test_a_visit_is_announced_on_the_day_only_when_the_programme_asks(personas):
    p = personas
    set_days(p.programme, visit="0", due="")
    visit_on(p.a, days(4))
    send_reminders(today=TODAY)
    mail.outbox.clear()
    send_reminders(today=days(3))
    assert visit_lines("mentor@test.example") == []
    send_reminders(today=days(4))
    (line,) = visit_lines("mentor@test.example")
    assert line.endswith(", today")


def test_no_visit_reminders_when_the_programme_has_no_days(personas):
    p = personas
    set_days(p.programme, visit="", due="")
    visit_on(p.a, days(14), preparation=days(3))
    for n in range(15):
        send_reminders(today=days(n))
    assert not Reminder.objects.filter(key__startswith="visit:").exists()
    assert not Reminder.objects.filter(key__startswith="preparation:").exists()


def task_lines(email, text):
    return [line for m in to(email) for line in m.body.splitlines() if text in line]


NEEDS = "Fill and submit the needs analysis of Menteeville"


def test_a_task_is_reminded_when_it_appears_on_each_day_before_it_is_due_and_once_late(personas):
    p = personas
    set_days(p.programme, visit="", due="5, 1")
    visit_on(p.a, days(8))  # the needs analysis is due by the first visit
    lines = {}
    for n in range(12):
        mail.outbox.clear()
        send_reminders(today=days(n))
        send_reminders(today=days(n))  # twice a day: nothing twice
        lines[n] = task_lines("mentee@test.example", NEEDS)
    assert sorted(n for n in lines if lines[n]) == [0, 3, 7, 9]
    assert all(len(found) == 1 for found in lines.values() if found)
    assert "(due in 8 days)" in lines[0][0]  # it appears
    assert "(due in 5 days)" in lines[3][0]
    assert "(due tomorrow)" in lines[7][0]
    assert "(1 day late)" in lines[9][0]  # late: once
    keys = set(Reminder.objects.filter(user=p.users["mentee"], key__contains="needs_analysis").values_list("key", flat=True))
    base = f"task:needs_analysis:{p.a.pk}:{p.mentee_city.pk}"
    assert keys == {
        base,
        f"{base}:before:{days(8).isoformat()}:5",
        f"{base}:before:{days(8).isoformat()}:1",
        f"{base}:late:{days(8).isoformat()}",
    }


def test_a_missed_day_is_caught_up_once_and_a_moved_due_date_starts_again(personas):
    p = personas
    set_days(p.programme, visit="", due="7, 1")
    visit_on(p.a, days(20))
    send_reminders(today=TODAY)
    mail.outbox.clear()
    send_reminders(today=days(15))  # 5 days before: the 7-day reminder, late but once
    assert "(due in 5 days)" in task_lines("mentee@test.example", NEEDS)[0]
    mail.outbox.clear()
    send_reminders(today=days(16))
    assert task_lines("mentee@test.example", NEEDS) == []
    visit_on(p.a, days(30))  # the first visit moves: its due date with it
    send_reminders(today=days(23))
    assert "(due in 7 days)" in task_lines("mentee@test.example", NEEDS)[0]


def test_a_task_that_appears_already_late_is_sent_in_one_line(personas):
    p = personas
    set_days(p.programme, visit="", due="7, 1")
    visit_on(p.a, days(-2))
    send_reminders(today=TODAY)
    (line,) = task_lines("mentee@test.example", NEEDS)
    assert "(2 days late)" in line
    mail.outbox.clear()
    send_reminders(today=days(1))
    assert task_lines("mentee@test.example", NEEDS) == []


def test_the_days_of_each_programme_apply_to_its_own_tasks(personas):
    p = personas
    set_days(p.programme, due="")
    set_days(p.other_programme, due="3")
    from schemes.models import SchemeRole

    SchemeRole.objects.create(scheme=p.c, user=p.users["mentee"], role="mentee", party=p.c.parties.get(side="mentee"))
    visit_on(p.a, days(5))
    visit_on(p.c, days(5))
    send_reminders(today=TODAY)
    mail.outbox.clear()
    send_reminders(today=days(2))
    # Scheme C's task (other programme, 3 days) again; scheme A's (no days) not.
    assert task_lines("mentee@test.example", "needs analysis of Elsewhere")
    assert not task_lines("mentee@test.example", NEEDS)


# -- The daily background task -----------------------------------------------------------


@pytest.fixture
def queue(settings):
    """The real task queue (the suite's backend runs tasks at once, with no "later")."""
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def test_the_daily_task_sends_the_reminders_and_comes_back_the_next_day(personas, queue):
    from django.core.management import call_command

    from .test_background import work

    call_command("schedule_tasks", verbosity=0)
    call_command("schedule_tasks", verbosity=0)  # again: nothing added twice
    assert queue.filter(task_path="mentoring.tasks.reminders_send").count() == 1
    work()
    assert task_lines("mentee@test.example", NEEDS)
    sent = Reminder.objects.count()
    assert sent
    following = queue.get(task_path="mentoring.tasks.reminders_send", status="READY")
    assert datetime.timedelta(hours=23, minutes=59) < following.run_after - timezone.now() <= datetime.timedelta(days=1)
    # The command from cron as well: nothing twice.
    mail.outbox.clear()
    call_command("send_reminders", verbosity=0)
    assert mail.outbox == [] and Reminder.objects.count() == sent


def test_the_daily_task_comes_back_even_when_a_run_fails(personas, queue, monkeypatch):
    from mentoring import tasks

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("schemes.services.reminders.send_reminders", broken)
    with pytest.raises(RuntimeError):
        tasks.reminders_send.call()
    assert queue.filter(task_path="mentoring.tasks.reminders_send", status="READY").count() == 1


# -- Who has not answered ----------------------------------------------------------------

PAGE = "/programmes/test-programme/reminders/"


def test_the_coordinators_see_who_has_not_answered_with_the_reminders_sent(personas):
    p = personas
    client = p.client("coordinator")
    page = client.get("/programmes/test-programme/").content.decode()
    assert f'href="{PAGE}"' in page  # linked from the programme's page
    assert f'href="{PAGE}"' not in p.client("facilitator").get("/programmes/test-programme/").content.decode()
    visit = visit_on(p.a, days(10))
    response = client.get(PAGE)
    assert response.status_code == 200
    rows = {row.scheme.title: row for row in response.context["rows"]}
    assert list(rows) == ["Scheme A", "Scheme B"]
    tasks = {(row.person.email, row.task.text): row for row in rows["Scheme A"].tasks}
    needs = tasks[("mentee@test.example", NEEDS)]
    assert needs.task.when == days(10) and needs.task.nearness == "due in 10 days" and needs.reminded is None
    assert ("mentor@test.example", "Fill and submit the strengths and experience of Mentorburg") in tasks
    assert ("association@test.example", "Fill the national and regional context in the needs analysis of Menteeville") in tasks
    assert ("facilitator@test.example", "Build the agenda of Visit 1: Setting the scene") in tasks
    assert not [row for row in rows["Scheme A"].tasks if row.person.email == "coordinator@test.example"]
    assert [row.task.text for row in rows["Scheme B"].tasks] == ["Fill and submit the needs analysis of Otherton"]
    (visit_row,) = rows["Scheme A"].visits
    assert visit_row.visit == visit and not visit_row.confirmed and visit_row.reminded == 0
    assert [person.email for person in visit_row.facilitators] == ["facilitator@test.example"]
    page = response.content.decode()
    assert "Mentee Tester" in page and NEEDS in page and "None yet" in page and "to be confirmed by" in page

    # The reminders go: the page says which and when.
    set_days(p.programme, visit="10", due="9")
    send_reminders(today=TODAY)
    response = client.get(PAGE)
    rows = {row.scheme.title: row for row in response.context["rows"]}
    needs = next(row for row in rows["Scheme A"].tasks if row.task.text == NEEDS)
    assert needs.reminded.what == "when it appeared"
    send_reminders(today=days(1))
    response = client.get(PAGE)
    rows = {row.scheme.title: row for row in response.context["rows"]}
    needs = next(row for row in rows["Scheme A"].tasks if row.task.text == NEEDS)
    assert needs.reminded.what == "9 days before the due date"
    (visit_row,) = rows["Scheme A"].visits
    assert visit_row.reminded == 4 and visit_row.last_reminded  # mentor, mentee, association, facilitator
    assert "9 days before the due date" in response.content.decode()
    # A task done leaves the page.
    from schemes.models import Response, ResponseStatus

    Response.objects.filter(scheme=p.a, organisation=p.mentee_city, template__kind="needs_analysis").delete()
    from schemes.services.filling import template_for

    Response.objects.create(
        scheme=p.a,
        organisation=p.mentee_city,
        template=template_for(p.programme, "needs_analysis"),
        status=ResponseStatus.SUBMITTED,
    )
    rows = {row.scheme.title: row for row in client.get(PAGE).context["rows"]}
    assert NEEDS not in [row.task.text for row in rows["Scheme A"].tasks]


def test_only_the_programmes_coordinators_and_site_admins_see_it(personas, django_user_model):
    p = personas
    for role in ("facilitator", "observer", "mentee", "mentor", "association"):
        assert p.client(role).get(PAGE).status_code == 403
    assert p.client("outsider").get(PAGE).status_code == 404
    assert p.client("coordinator").get("/programmes/other-programme/reminders/").status_code == 404
    admin = django_user_model.objects.create_superuser(email="admin@test.example", password="a-long-test-password-1")
    from django.test import Client

    client = Client()
    client.force_login(admin)
    assert client.get(PAGE).status_code == 200
    assert client.get("/programmes/other-programme/reminders/").status_code == 200


def test_who_has_not_answered_reads_the_same_for_two_schemes_or_thirty(personas, django_assert_max_num_queries):
    from schemes.models import Organisation, SchemeRole, Side
    from schemes.services.schemes import scheme_create

    p = personas
    client = p.client("coordinator")
    visit_on(p.a, days(10))
    send_reminders(today=TODAY)
    with django_assert_max_num_queries(20) as small:
        client.get(PAGE)
    for n in range(28):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="FR")
        scheme = scheme_create(
            programme=p.programme,
            title=f"S{n}",
            theme=f"Theme {n}",
            benchmark=p.a.benchmark,
            parties=[(city, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
        )
        officer = django_user_model_create(f"officer{n}@test.example")
        SchemeRole.objects.create(scheme=scheme, user=officer, role="mentee", party=scheme.parties.get(organisation=city))
        SchemeRole.objects.create(scheme=scheme, user=p.users["facilitator"], role="facilitator")
        visit_on(scheme, days(5 + n % 10))
    send_reminders(today=TODAY)
    send_reminders(today=days(2))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(PAGE)
    rows = response.context["rows"]
    assert len(rows) == 20  # a page of schemes
    assert sum(len(row.tasks) for row in rows) > 40 and all(row.visits for row in rows[2:])
    assert any(open.reminded for row in rows for open in row.tasks)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(PAGE, {"page": 2})
    assert len(response.context["rows"]) == 10


def django_user_model_create(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(email=email, password="a-long-test-password-1", first_name="Officer")
