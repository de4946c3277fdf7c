"""Visits: the series (2 to 10), each visit's plan with its warnings, the agenda builder,
the agenda PDF, the calendar files and the record after the visit."""

import datetime
import subprocess

import pytest
from django.utils.html import escape
from icalendar import Calendar

from schemes.models import AgendaItem, LocalSupportGroup, LocalSupportGroupMember, Meeting, Visit

SCHEME = "/programmes/test-programme/schemes/1/"
VISITS = SCHEME + "visits/"


def visit_data(**change):
    data = {
        "title": "Setting the scene",
        "mode": "in_person",
        "status": "planned",
        "start_date": "2027-03-10",
        "end_date": "2027-03-12",
        "time_zone": "Europe/Rome",
        "location": "Town hall, Capaci",
        "aim": "Understand the city's needs first-hand.",
        "expected_outcome": "A shared picture of the needs.",
        "seen_version": "",
    }
    data.update(change)
    return {key: value for key, value in data.items() if value is not None}


def session_data(**change):
    data = {
        "day": "2027-03-10",
        "start_time": "09:00",
        "end_time": "10:30",
        "session_type": "recap",
        "title": "Recap of needs",
        "place": "Council room",
        "lead": "Maria Mentee",
        "notes": "",
        "seen_version": "",
    }
    data.update(change)
    return data


@pytest.fixture
def planned(personas):
    """Scheme A's first visit planned over three days."""
    facilitator = personas.client("facilitator")
    data = visit_data(host=str(personas.mentee_city.pk))
    data["seen_version"] = facilitator.get(f"{VISITS}1/edit/").context["form"]["seen_version"].value()
    response = facilitator.post(f"{VISITS}1/edit/", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return personas.a.visits.get(order=1)


def test_the_series_keeps_two_to_ten_visits_in_order(personas):
    facilitator = personas.client("facilitator")
    assert [v.title for v in personas.a.visits.order_by("order")] == [
        "Setting the scene",
        "Inspiration",
        "Consolidation of the action plan",
    ]
    for n in range(4, 11):
        response = facilitator.post(f"{VISITS}new/", visit_data(title=f"Follow-up {n}"))
        assert response.status_code == 302, response.context["form"].errors
    assert personas.a.visits.count() == 10
    response = facilitator.post(f"{VISITS}new/", visit_data(title="Eleventh"), follow=True)
    assert "at most 10 visits" in response.content.decode() and personas.a.visits.count() == 10

    # Moving renumbers; removing closes the gap; never below two.
    facilitator.post(f"{VISITS}3/move/", {"direction": "up"})
    assert list(personas.a.visits.order_by("order").values_list("title", flat=True)[:3]) == [
        "Setting the scene",
        "Consolidation of the action plan",
        "Inspiration",
    ]
    for _ in range(8):
        facilitator.post(f"{VISITS}1/delete/", {"confirmed": "1"})
    assert list(personas.a.visits.order_by("order").values_list("order", flat=True)) == [1, 2]
    response = facilitator.post(f"{VISITS}1/delete/", {"confirmed": "1"}, follow=True)
    assert "at least 2 visits" in response.content.decode() and personas.a.visits.count() == 2
    # Every change is in the history.
    assert Visit.history.filter(history_type="-").count() == 8


def test_a_visit_needs_an_aim_and_unusual_plans_are_flagged(personas, planned):
    facilitator = personas.client("facilitator")
    url = f"{VISITS}1/edit/"
    form = facilitator.get(url).context["form"]
    seen = form["seen_version"].value()
    before = Visit.objects.get(pk=planned.pk)
    bad = {
        "no aim": ({"aim": ""}, "This field is required."),
        "end before start": ({"end_date": "2027-03-01"}, "The last day is before the first day."),
        "not a date": ({"start_date": "next week"}, "Enter a valid date."),
        "markup": ({"location": "<script>alert(1)</script>"}, "Write plain text"),
        "other scheme's city": ({"host": str(personas.b_mentee.pk)}, "Select a valid choice"),
        "too long": ({"aim": "x" * 100_000}, "at most 20000 characters"),
        "stale": ({"seen_version": "1"}, "Someone else saved changes"),
    }
    for case, (change, message) in bad.items():
        response = facilitator.post(url, visit_data(**{"host": str(personas.mentee_city.pk), "seen_version": seen, **change}))
        assert response.status_code == (409 if case == "stale" else 200), case
        assert message in response.content.decode(), case
        if case == "markup":
            assert escape("<script>alert(1)</script>") in response.content.decode()
    after = Visit.objects.get(pk=planned.pk)
    assert (after.aim, after.start_date, after.location, after.host_id) == (
        before.aim,
        before.start_date,
        before.location,
        before.host_id,
    )

    # Seven days: saved, with a warning. (Its preparation meeting is a meeting of its own:
    # tests/test_meetings.py.)
    response = facilitator.post(
        url,
        visit_data(host=str(personas.mentee_city.pk), seen_version=seen, end_date="2027-03-16"),
        follow=True,
    )
    content = response.content.decode()
    assert "This visit lasts 7 days" in content
    assert Visit.objects.get(pk=planned.pk).end_date == datetime.date(2027, 3, 16)


def test_the_agenda_refuses_overlaps_and_outside_days_and_shows_day_totals(personas, planned):
    facilitator = personas.client("facilitator")
    new = f"{VISITS}1/sessions/new/"
    assert facilitator.post(new, session_data(participants=[str(personas.users["mentee"].pk)])).status_code == 302
    assert (
        facilitator.post(
            new, session_data(start_time="11:00", end_time="12:30", title="Site visit", session_type="site_visit")
        ).status_code
        == 302
    )
    # Forty sessions in one hour: each overlaps the first.
    for n in range(40):
        response = facilitator.post(new, session_data(start_time="09:00", end_time="10:00", title=f"Crowded {n}"))
        assert response.status_code == 200 and "This overlaps “Recap of needs” (09:00–10:30)" in response.content.decode()
    cases = {
        "end before start": (session_data(start_time="15:00", end_time="14:00"), "The session ends before it starts."),
        "outside the visit": (session_data(day="2027-03-20"), "Select a valid choice"),
        "someone of another scheme": (
            session_data(start_time="16:00", end_time="17:00", participants=[str(personas.users["b_mentee"].pk)]),
            "Select a valid choice",
        ),
        "a member of another scheme's group": (
            session_data(
                start_time="16:00",
                end_time="17:00",
                support_group_members=[
                    str(
                        LocalSupportGroupMember.objects.create(
                            group=LocalSupportGroup.objects.create(scheme=personas.b, city=personas.b_mentee),
                            name="Outsider",
                            stakeholder_type="ngo",
                        ).pk
                    )
                ],
            ),
            "Select a valid choice",
        ),
        "empty title": (session_data(start_time="16:00", end_time="17:00", title=""), "This field is required."),
    }
    for case, (data, message) in cases.items():
        response = facilitator.post(new, data)
        assert response.status_code == 200 and message in response.content.decode(), (case, response.context["form"].errors)
    assert AgendaItem.objects.filter(visit=planned).count() == 2

    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert "2 sessions · 3 h 00 in all" in page  # 1 h 30 + 1 h 30
    # Moving the site visit earlier swaps the two slots, keeping lengths and the gap.
    site = AgendaItem.objects.get(title="Site visit")
    facilitator.post(f"{VISITS}1/sessions/{site.pk}/move/", {"direction": "up"})
    slots = {s.title: (s.start_time.strftime("%H:%M"), s.end_time.strftime("%H:%M")) for s in AgendaItem.objects.all()}
    assert slots == {"Site visit": ("09:00", "10:30"), "Recap of needs": ("11:00", "12:30")}


def test_agenda_pdf_keeps_short_days_together_with_the_participants(personas, planned):
    facilitator = personas.client("facilitator")
    mentee = personas.users["mentee"]
    mentee.organisation = personas.mentee_city
    mentee.save()
    new = f"{VISITS}1/sessions/new/"
    facilitator.post(new, session_data(participants=[str(mentee.pk)]))
    facilitator.post(
        new, session_data(day="2027-03-11", title="Action-planning workshop", session_type="workshop", place="Library")
    )
    response = facilitator.get(f"{VISITS}1/agenda.pdf")
    assert response["Content-Type"] == "application/pdf"
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert "Pages:           1" in info  # three short days and the participants fit on one page (issue 26)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    pages = text.split("\f")
    assert "Wednesday 10 March 2027" in pages[0] and "09:00–10:30" in pages[0] and "Council room" in pages[0]
    assert "Scheme A" in pages[0] and "Visit 1: Setting the scene" in pages[0]  # the running header
    assert "Action-planning workshop" in pages[0] and "Library" in pages[0]
    assert "Participants" in pages[0] and "Mentee Tester" in pages[0] and "Menteeville" in pages[0]


def test_calendar_files_parse_back_with_time_zones_and_links(personas, planned):
    facilitator = personas.client("facilitator")
    facilitator.post(f"{VISITS}1/sessions/new/", session_data())
    response = facilitator.get(f"{VISITS}1/visit.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    visit, session = events
    assert visit.decoded("dtstart") == datetime.date(2027, 3, 10) and visit.decoded("dtend") == datetime.date(2027, 3, 13)
    assert str(visit["url"]).endswith("/programmes/test-programme/schemes/1/visits/1/")
    start = session.decoded("dtstart")
    assert start.tzinfo is not None and start.utcoffset() == datetime.timedelta(hours=1)  # Rome in March
    assert session["dtstart"].params["TZID"] == "Europe/Rome"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    # The scheme's feed has every dated visit.
    response = facilitator.post(
        f"{VISITS}2/edit/",
        visit_data(
            title="Inspiration",
            host=str(personas.mentor_city.pk),
            start_date="2027-06-01",
            end_date="2027-06-02",
            time_zone="Europe/Brussels",
            seen_version=facilitator.get(f"{VISITS}2/edit/").context["form"]["seen_version"].value(),
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    feed = Calendar.from_ical(facilitator.get(f"{VISITS}calendar.ics").content)
    assert [str(e["summary"]) for e in feed.walk("VEVENT") if "Visit" in str(e["summary"])][:2] == [
        "Scheme A: Visit 1: Setting the scene",
        "Recap of needs (Visit 1: Setting the scene)",
    ]
    assert len(feed.walk("VEVENT")) == 3 and [tz["tzid"] for tz in feed.walk("VTIMEZONE")] == [
        "Europe/Rome"
    ]  # visit 2 is all-day events only


def test_after_the_visit_notes_outcomes_and_attendance(personas, planned):
    facilitator = personas.client("facilitator")
    group = LocalSupportGroup.objects.create(scheme=personas.a, city=personas.mentee_city)
    member = LocalSupportGroupMember.objects.create(group=group, name="Giulia", organisation="Caritas", stakeholder_type="ngo")
    url = f"{VISITS}1/record/"
    seen = facilitator.get(url).context["form"]["seen_version"].value()
    response = facilitator.post(
        url,
        {
            "status": "held",
            "notes": "Good exchange.",
            "outcomes": "Three priorities.",
            "next_steps": "Draft the plan.",
            "support_group_attendance": [str(member.pk)],
            "seen_version": seen,
        },
    )
    assert response.status_code == 302
    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert "Three priorities." in page and "Giulia (Menteeville)" in page
    visit = Visit.objects.get(pk=planned.pk)
    assert visit.status == "held" and visit.history.first().history_change_reason.startswith("Recorded after the visit")
    # The mentee may read it but not record it.
    assert personas.client("mentee").post(url, {"notes": "x"}).status_code == 403


def test_visit_pages_keep_their_query_count_as_the_agenda_grows(personas, planned, django_assert_max_num_queries):
    group = LocalSupportGroup.objects.create(scheme=personas.a, city=personas.mentee_city)
    members = [LocalSupportGroupMember.objects.create(group=group, name=f"M{n}", stakeholder_type="ngo") for n in range(5)]
    people = [personas.users[key] for key in ("mentee", "mentor", "facilitator")]

    def add_sessions(day, count):
        for n in range(count):
            session = AgendaItem.objects.create(
                visit=planned,
                day=day,
                start_time=datetime.time(8 + n),
                end_time=datetime.time(8 + n, 45),
                session_type="other",
                title=f"S{day}{n}",
            )
            session.participants.add(*people)
            session.support_group_members.add(*members)

    facilitator = personas.client("facilitator")
    urls = [f"{VISITS}", f"{VISITS}1/", f"{VISITS}1/agenda.pdf", f"{VISITS}1/visit.ics", f"{VISITS}calendar.ics", SCHEME]
    add_sessions(datetime.date(2027, 3, 10), 2)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(15) as queries:
            assert facilitator.get(url).status_code == 200
        counts[url] = len(queries.captured_queries)
    add_sessions(datetime.date(2027, 3, 11), 12)
    add_sessions(datetime.date(2027, 3, 12), 12)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert facilitator.get(url).status_code == 200, url


def test_a_private_address_lets_a_calendar_application_subscribe(personas, planned):
    from django.test import Client

    mentee = personas.client("mentee")
    page = mentee.get(VISITS)
    assert "Create my private calendar address" in page.content.decode()
    mentee.post("/accounts/calendar/", {"next": VISITS})
    feed = mentee.get(VISITS).context["feed"]
    token = personas.users["mentee"].__class__.objects.get(pk=personas.users["mentee"].pk).calendar_token
    assert len(token) >= 32 and feed.endswith(f"/calendar/{token}/test-programme/1/visits.ics")
    Meeting.objects.create(scheme=personas.a, purpose="preparation", visit=planned, title="Preparation", date="2027-01-27")
    app = Client()  # a calendar application: no session
    response = app.get(feed)
    assert response.status_code == 200
    assert [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")] == [
        "Scheme A: Visit 1: Setting the scene",
        "Scheme A: Preparation",
    ]
    # The same secret does not open a scheme the person does not see, nor an unknown one.
    assert app.get(f"/calendar/{token}/test-programme/2/visits.ics").status_code == 404
    assert app.get(f"/calendar/{token}/other-programme/1/visits.ics").status_code == 404
    assert app.get(f"/calendar/{'x' * 43}/test-programme/1/visits.ics").status_code == 404
    # Renewing ends the old address.
    mentee.post("/accounts/calendar/", {"next": "https://evil.example/"})
    assert app.get(feed).status_code == 404
