"""Meetings between the visits (issue 22): planning one (and a visit's preparation meeting
from its page), the rules it keeps (the scheme's dates, start before end, a visit and
people of its own scheme), who plans and who reads, editing with concurrent edits,
history and restore, removal, calendars, the next date, Waiting for you, reminders, the
query budget with 50 meetings, and the migration of the visits' preparation dates."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from mentoring.models import LogEntry
from schemes.models import Meeting
from schemes.services.my_work import tasks_for
from schemes.services.reminders import send_reminders

SCHEME = "/programmes/test-programme/schemes/1/"
MEETINGS = SCHEME + "meetings/"
TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def meeting_data(**change):
    data = {
        "purpose": "working",
        "visit": "",
        "title": "Working on the draft action plan",
        "mode": "online",
        "date": "2027-02-10",
        "start_time": "10:00",
        "end_time": "11:30",
        "time_zone": "Europe/Rome",
        "place": "",
        "link": "https://meet.example.org/plan",
        "participants": [],
        "other_participants": "Anna Rossi (NGO Accoglienza)",
        "agenda": "1. The actions so far\n2. Who does what",
        "notes": "",
        "decisions": "",
        "seen_version": "",
    }
    data.update(change)
    return {key: value for key, value in data.items() if value is not None}


def plan(client, **change):
    return client.post(f"{MEETINGS}new/", meeting_data(**change))


def test_the_facilitator_plans_a_meeting_and_everyone_of_the_scheme_reads_it(personas):
    p = personas
    facilitator = p.client("facilitator")
    assert "Plan a meeting" in facilitator.get(MEETINGS).content.decode()
    people = [str(p.users["mentee"].pk), str(p.users["mentor"].pk)]
    response = plan(facilitator, participants=people)
    assert response.status_code == 302, response.context and response.context["form"].errors
    meeting = p.a.meetings.get()
    assert response["Location"] == f"{MEETINGS}{meeting.pk}/"
    assert meeting.history.order_by("history_id").first().history_change_reason.startswith("Planned")
    entry = LogEntry.objects.get(action="meeting.added")
    assert entry.scheme_id == p.a.pk and entry.actor == p.users["facilitator"]

    for who in ("mentee", "mentor", "association", "observer", "coordinator"):
        client = p.client(who)
        listing = client.get(MEETINGS).content.decode()
        assert "Working on the draft action plan" in listing and "Coming meetings" in listing, who
        page = client.get(f"{MEETINGS}{meeting.pk}/").content.decode()
        assert "10 Feb 2027" in page and "10:00–11:30" in page and "Europe/Rome" in page
        assert 'href="https://meet.example.org/plan"' in page
        assert "Mentee Tester" in page and "Mentor Tester" in page and "Anna Rossi (NGO Accoglienza)" in page
        assert "Who does what" in page
        assert ("Edit the meeting" in page) == (who == "coordinator"), who
    # The cities read, and do not plan.
    assert p.client("mentee").get(f"{MEETINGS}new/").status_code == 403
    assert plan(p.client("mentee")).status_code == 403
    assert p.a.meetings.count() == 1
    # The scheme's page leads to the meetings; recent changes say who planned one.
    scheme_page = facilitator.get(SCHEME).content.decode()
    assert f'href="{MEETINGS}"' in scheme_page
    assert "planned the meeting “Working on the draft action plan" in scheme_page
    # Another scheme's meeting is not found from this one.
    other = Meeting.objects.create(scheme=p.b, title="Scheme B's meeting", date="2027-02-01")
    assert p.client("coordinator").get(f"{MEETINGS}{other.pk}/").status_code == 404


def test_the_rules_a_meeting_keeps_with_what_was_typed_kept(personas):
    p = personas
    p.a.start_date, p.a.end_date = datetime.date(2027, 1, 1), datetime.date(2028, 6, 30)
    p.a.save()
    facilitator = p.client("facilitator")
    other_visit = p.b.visits.get(order=1)
    cases = [
        (
            {"date": "2028-07-01"},
            "The scheme runs from 1 Jan 2027 to 30 Jun 2028: choose a date within these dates.",
        ),
        ({"date": "2026-12-31"}, "The scheme runs from 1 Jan 2027 to 30 Jun 2028"),
        ({"start_time": "11:00", "end_time": "10:00"}, "The meeting ends before it starts."),
        ({"start_time": "11:00", "end_time": ""}, "Give both the start and the end time, or neither."),
        ({"purpose": "preparation", "visit": str(other_visit.pk)}, "Select a valid choice."),
        ({"visit": str(p.a.visits.get(order=1).pk)}, "Only a preparation meeting prepares a visit."),
        ({"participants": [str(p.users["b_mentee"].pk)]}, "Select a valid choice."),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
    ]
    for change, message in cases:
        response = plan(facilitator, title="Kept as typed", **change)
        assert response.status_code == 200, change
        content = response.content.decode()
        assert message in content, (change, message)
        assert 'value="Kept as typed"' in content
        assert 'id="error-summary-title"' in content  # the summary at the top, linked to the field
    assert not p.a.meetings.exists()
    # A preparation meeting comes before its visit.
    visit = p.a.visits.get(order=1)
    visit.start_date, visit.end_date = datetime.date(2027, 3, 10), datetime.date(2027, 3, 11)
    visit.save()
    response = plan(facilitator, purpose="preparation", visit=str(visit.pk), date="2027-03-10")
    assert "The preparation meeting comes before the visit (its first day is 10 Mar 2027)." in response.content.decode()
    # Within the dates, it is planned; a scheme without dates takes any date.
    assert plan(facilitator, date="2028-06-30").status_code == 302
    p.a.start_date = p.a.end_date = None
    p.a.save()
    assert plan(facilitator, date="2031-01-01").status_code == 302


def test_a_visits_page_plans_its_preparation_meeting(personas):
    p = personas
    facilitator = p.client("facilitator")
    visit = p.a.visits.get(order=2)
    visit.start_date, visit.end_date, visit.time_zone = datetime.date(2027, 6, 1), datetime.date(2027, 6, 2), "Europe/Berlin"
    visit.save()
    page = facilitator.get(f"{SCHEME}visits/2/").content.decode()
    assert "None planned yet" in page
    assert f'href="{MEETINGS}new/?visit=2"' in page
    form = facilitator.get(f"{MEETINGS}new/?visit=2").context["form"]
    assert form["purpose"].value() == "preparation" and form["visit"].value() == visit.pk
    assert form["title"].value() == "Preparation of Inspiration"
    assert form["date"].value() == datetime.date(2027, 4, 20)  # six weeks before
    assert form["time_zone"].value() == "Europe/Berlin" and form["mode"].value() == "online"
    # A meeting a week before: planned, with a word that one to two months is usual.
    response = plan(
        facilitator,
        purpose="preparation",
        visit=str(visit.pk),
        title="Preparation of Inspiration",
        date="2027-05-25",
    )
    assert response.status_code == 302
    assert "usually one to two months before the visit" in facilitator.get(response["Location"]).content.decode()
    page = facilitator.get(f"{SCHEME}visits/2/").content.decode()
    assert "Preparation of Inspiration" in page and "25 May 2027" in page
    meeting = p.a.meetings.get()
    assert f'href="{MEETINGS}{meeting.pk}/"' in page
    # The meeting's page links back to its visit; the mentee city sees it, without the button.
    assert f'href="{SCHEME}visits/2/"' in facilitator.get(f"{MEETINGS}{meeting.pk}/").content.decode()
    mentee_page = p.client("mentee").get(f"{SCHEME}visits/2/").content.decode()
    assert "Preparation of Inspiration" in mentee_page and "Plan a preparation meeting" not in mentee_page
    # The visits stay three: a meeting is not a visit.
    assert p.a.visits.count() == 3


def test_editing_history_restore_and_removal(personas):
    p = personas
    facilitator = p.client("facilitator")
    plan(facilitator)
    meeting = p.a.meetings.get()
    url = f"{MEETINGS}{meeting.pk}/edit/"
    seen = facilitator.get(url).context["form"]["seen_version"].value()
    # Someone else saves first: the later save is refused with what was typed kept.
    coordinator = p.client("coordinator")
    assert coordinator.post(url, meeting_data(title="Renamed by the coordinator", seen_version=seen)).status_code == 302
    late = facilitator.post(url, meeting_data(title="Renamed by the facilitator", seen_version=seen, decisions="Agreed."))
    assert late.status_code == 409
    assert "Someone else saved changes" in late.content.decode() and "Renamed by the facilitator" in late.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == "Renamed by the coordinator"
    # Saved again, knowingly.
    seen = late.context["form"]["seen_version"].value()
    response = facilitator.post(url, meeting_data(title="Renamed by the facilitator", seen_version=seen, decisions="Agreed."))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).decisions == "Agreed."
    assert LogEntry.objects.filter(action="meeting.changed").count() == 2
    # History, and restoring the first version.
    history = facilitator.get(f"{MEETINGS}{meeting.pk}/history/").content.decode()
    assert "Renamed by the coordinator" in history and "Working on the draft action plan" in history
    first = meeting.history.order_by("history_id").first()
    response = facilitator.post(f"{MEETINGS}{meeting.pk}/history/{first.history_id}/restore/")
    assert response.status_code == 302 and response["Location"] == f"{MEETINGS}{meeting.pk}/history/"
    assert Meeting.objects.get(pk=meeting.pk).title == "Working on the draft action plan"
    # Removal asks first, then removes; the list says so.
    asked = facilitator.post(f"{MEETINGS}{meeting.pk}/delete/")
    assert asked.status_code == 200 and "Remove “Working on the draft action plan”?" in asked.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    removed = facilitator.post(f"{MEETINGS}{meeting.pk}/delete/", {"confirmed": "1"}, follow=True)
    assert "removed (it stays in the history)" in removed.content.decode()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert LogEntry.objects.filter(action="meeting.removed").exists()


def test_meetings_in_the_calendars(personas):
    p = personas
    facilitator = p.client("facilitator")
    plan(facilitator)
    plan(facilitator, title="Final meeting", purpose="final", start_time="", end_time="", date="2027-11-05", link="")
    timed, all_day = p.a.meetings.order_by("date")
    response = facilitator.get(f"{MEETINGS}{timed.pk}/meeting.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Scheme A: Working on the draft action plan"
    start = event.decoded("dtstart")
    assert start == datetime.datetime(2027, 2, 10, 10, 0, tzinfo=start.tzinfo) and start.utcoffset() == datetime.timedelta(
        hours=1
    )
    assert event["dtstart"].params["TZID"] == "Europe/Rome"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert str(event["location"]) == "https://meet.example.org/plan"
    assert str(event["url"]).endswith(f"{MEETINGS}{timed.pk}/")
    # The scheme's calendar holds every meeting, one without times as an all-day event.
    feed = Calendar.from_ical(facilitator.get(f"{SCHEME}visits/calendar.ics").content)
    summaries = {str(e["summary"]): e for e in feed.walk("VEVENT")}
    assert "Scheme A: Working on the draft action plan" in summaries
    final = summaries["Scheme A: Final meeting"]
    assert final.decoded("dtstart") == datetime.date(2027, 11, 5) and final.decoded("dtend") == datetime.date(2027, 11, 6)
    assert "Final meeting" in str(final["description"])
    assert all_day.get_purpose_display() == "Final meeting"


def test_the_next_date_and_waiting_for_you_read_meetings(personas):
    p = personas
    Meeting.objects.create(scheme=p.a, title="Last month's meeting", date=days(-30))
    Meeting.objects.create(scheme=p.a, title="Working meeting on the plan", date=days(6))
    Meeting.objects.create(scheme=p.a, title="A later one", date=days(20))
    Meeting.objects.create(scheme=p.b, title="Scheme B's meeting", date=days(2))
    page = p.client("mentor").get(SCHEME).content.decode()
    assert "Working on" not in page and "Working meeting on the plan" in page
    assert "Scheme B's meeting" not in page and "A later one" not in page
    # Everyone of the scheme sees the next one in Waiting for you; not another scheme's.
    texts = [t.text for t in tasks_for(p.users["mentor"])]
    assert "In 6 days: Working meeting on the plan" in texts
    assert not any("Scheme B" in text or "A later one" in text for text in texts)
    assert "In 6 days: Working meeting on the plan" in p.client("mentor").get("/").content.decode()


def test_meeting_reminders_go_on_the_programmes_days(personas):
    p = personas
    send_reminders(TODAY)  # the documents waiting, out of the way
    meeting = Meeting.objects.create(
        scheme=p.a,
        title="Working meeting on the plan",
        date=days(3),
        start_time=datetime.time(14),
        end_time=datetime.time(15),
        time_zone="Europe/Lisbon",
    )
    mail.outbox.clear()
    send_reminders(TODAY)
    message = next(m for m in mail.outbox if m.to == ["mentee@test.example"])
    assert message.subject == "Reminder: a meeting is coming up"
    assert "Working meeting on the plan (Test Programme, scheme 1)" in message.body
    assert "14:00–15:00 (Europe/Lisbon), in 3 days" in message.body
    assert f"{MEETINGS}{meeting.pk}/" in message.body
    assert not [m for m in mail.outbox if m.to == ["observer@test.example"]]
    mail.outbox.clear()
    send_reminders(TODAY)  # once
    assert mail.outbox == []
    # Moved: announced again.
    meeting.date = days(2)
    meeting.save()
    send_reminders(TODAY)
    assert [m for m in mail.outbox if m.to == ["mentee@test.example"]]


def test_fifty_meetings_cost_the_pages_no_more_queries_than_one(personas, django_assert_max_num_queries):
    p = personas
    facilitator = p.client("facilitator")
    visit = p.a.visits.get(order=1)
    people = [p.users[key] for key in ("mentee", "mentor", "facilitator")]

    def add(count, start):
        for n in range(start, start + count):
            meeting = Meeting.objects.create(
                scheme=p.a,
                purpose="preparation",
                visit=visit,
                title=f"Meeting {n}",
                date=days(n - 25),
                start_time=datetime.time(9),
                end_time=datetime.time(10),
            )
            meeting.participants.add(*people)

    add(1, 0)
    urls = [MEETINGS, SCHEME, f"{SCHEME}visits/1/", f"{SCHEME}visits/calendar.ics"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as queries:
            assert facilitator.get(url).status_code == 200, url
        counts[url] = len(queries.captured_queries)
    add(49, 1)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            response = facilitator.get(url)
        assert response.status_code == 200, url
    assert facilitator.get(MEETINGS).content.decode().count('class="list-group-item"') == 50
    assert facilitator.get(f"{SCHEME}visits/1/").content.decode().count(f'href="{MEETINGS}') >= 50


MIGRATION = """
import datetime, django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

executor = MigrationExecutor(connection)
before = [("schemes", "0017_attachment_programme")]
executor.migrate(before)
apps = executor.loader.project_state(before).apps
Organisation = apps.get_model("schemes", "Organisation")
Programme = apps.get_model("schemes", "Programme")
Scheme = apps.get_model("schemes", "Scheme")
Visit = apps.get_model("schemes", "Visit")
network = Organisation.objects.create(kind="network", name="Network")
programme = Programme.objects.create(name="P", slug="p", coordinating_body=network)
scheme = Scheme.objects.create(programme=programme, number=1, title="S", theme="T")
visit = Visit.objects.create(scheme=scheme, order=1, title="Setting the scene",
                             preparation_meeting=datetime.date(2027, 1, 27), time_zone="Europe/Rome")
User = apps.get_model("mentoring", "User")
person = User.objects.create(email="p@test.example", password="x")
apps.get_model("schemes", "Reminder").objects.create(user=person, key=f"preparation:{visit.pk}:2027-01-27:14")
Visit.objects.create(scheme=scheme, order=2, title="Inspiration")
executor = MigrationExecutor(connection)
executor.loader.build_graph()
executor.migrate([("schemes", "0022_meetings")])
apps = executor.loader.project_state([("schemes", "0022_meetings")]).apps
Meeting = apps.get_model("schemes", "Meeting")
rows = [
    [m.purpose, m.visit.order, m.title, m.date.isoformat(), m.time_zone, m.scheme_id == scheme.pk]
    for m in Meeting.objects.all()
]
history = list(apps.get_model("schemes", "HistoricalMeeting").objects.values_list("history_type", "title"))
reminders = sorted(apps.get_model("schemes", "Reminder").objects.values_list("key", flat=True))
meeting = Meeting.objects.get()
print(__import__("json").dumps({"rows": rows, "history": history, "reminders": reminders, "meeting": meeting.pk}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs in the SQLite run of the suite")
def test_the_migration_makes_each_preparation_date_a_meeting(tmp_path):
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'migrating.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", MIGRATION], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == [["preparation", 1, "Preparation of Setting the scene", "2027-01-27", "Europe/Rome", True]]
    assert result["history"] == [["+", "Preparation of Setting the scene"]]
    # The reminder sent of that date is not sent again under the meeting's key.
    meeting = result["meeting"]
    assert result["reminders"] == [f"meeting:{meeting}:2027-01-27:14", "preparation:1:2027-01-27:14"]


@pytest.mark.django_db
def test_the_demo_has_meetings_between_the_visits():
    from schemes.models import Programme
    from schemes.services.demo import demo_load

    demo_load()
    demo_load()  # idempotent
    scheme = Programme.objects.get(slug="inclucities").schemes.get(number=1)
    assert list(scheme.meetings.values_list("purpose", flat=True)) == ["working", "preparation"]
    preparation = scheme.meetings.get(purpose="preparation")
    # The first visit is held (issue 26: a scheme in flight): the meeting prepares the next one.
    assert preparation.visit == scheme.visits.get(order=2) and preparation.participants.count() == 4
    assert scheme.visits.get(order=1).end_date < preparation.date < preparation.visit.start_date


def test_the_scheme_is_told_of_a_meeting_planned_or_moved(personas):
    from mentoring.models import Notification

    p = personas
    facilitator = p.client("facilitator")
    plan(facilitator)
    meeting = p.a.meetings.get()
    page = p.client("mentee").get("/notifications/").content.decode()
    assert "planned the meeting “Working on the draft action plan" in page
    assert f'href="{MEETINGS}{meeting.pk}/"' in page
    assert not Notification.objects.filter(recipient=p.users["facilitator"]).exists()  # never the actor
    url = f"{MEETINGS}{meeting.pk}/edit/"

    def edit(**change):
        seen = facilitator.get(url).context["form"]["seen_version"].value()
        assert facilitator.post(url, meeting_data(seen_version=seen, **change)).status_code == 302

    told = Notification.objects.filter(recipient=p.users["mentee"]).count()
    edit(notes="Minutes to follow.")  # notes: nobody is told
    assert Notification.objects.filter(recipient=p.users["mentee"]).count() == told
    edit(notes="Minutes to follow.", date="2027-02-11")  # a new date: everyone is
    assert Notification.objects.filter(recipient=p.users["mentee"]).count() == told + 1


def test_the_next_date_of_any_number_of_schemes_in_the_same_queries(personas, django_assert_max_num_queries):
    from schemes.models import Scheme
    from schemes.services.progress import progress_for, progress_queryset

    p = personas
    Meeting.objects.create(scheme=p.a, title="Scheme A's meeting", date=days(4))
    with django_assert_max_num_queries(30) as one:
        progress = progress_for(progress_queryset(Scheme.objects.filter(pk=p.a.pk)), today=TODAY)
    assert (progress[p.a.pk].next_date, progress[p.a.pk].next_event) == (days(4), "Scheme A's meeting")
    for n, scheme in enumerate((p.b, p.c)):
        for k in range(10):
            Meeting.objects.create(scheme=scheme, title=f"Meeting {k}", date=days(k + n + 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        progress = progress_for(progress_queryset(Scheme.objects.all()), today=TODAY)
    assert [progress[s.pk].next_event for s in (p.a, p.b, p.c)] == ["Scheme A's meeting", "Meeting 0", "Meeting 0"]
    assert [progress[s.pk].next_date for s in (p.a, p.b, p.c)] == [days(4), days(1), days(2)]
