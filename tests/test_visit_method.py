"""Visits that start from the method (issue 22): each visit carries the method's aim and
expected outcome for its place in the series, a kind and clarifying questions; an agenda
can be started from the method's elements; sessions name a good practice and focus key
factors; the guiding questions sit beside the forms; the scheme page says what is worth
checking."""

import datetime
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from mentoring.models import LogEntry
from schemes import method
from schemes.models import (
    AgendaItem,
    GoodPractice,
    LocalSupportGroup,
    LocalSupportGroupMember,
    Organisation,
    Side,
    Visit,
    VisitKind,
)
from schemes.services.schemes import scheme_create
from schemes.views.visits import agenda_document

SCHEME = "/programmes/test-programme/schemes/1/"
VISITS = SCHEME + "visits/"
FROM_METHOD = VISITS + "1/agenda/from-method/"


def edit_data(client, number, **change):
    """What the visit's edit page posts, as it stands, with ``change``."""
    form = client.get(f"{VISITS}{number}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data.update(change)
    return data


@pytest.fixture
def dated(personas):
    """Scheme A's first visit over two days, no session yet."""
    visit = personas.a.visits.get(order=1)
    visit.start_date, visit.end_date = datetime.date(2027, 3, 10), datetime.date(2027, 3, 11)
    visit.save()
    return visit


def method_data(client):
    """The "start from the method" page's form as proposed (every element ticked)."""
    page = client.get(FROM_METHOD)
    assert page.status_code == 200
    formset = page.context["formset"]
    data = {field.html_name: field.value() for field in formset.management_form}
    data["submission"] = page.context["form"]["submission"].value()
    for form in formset.forms:
        for name in ("session_type", "title", "day", "start_time", "end_time"):
            value = form[name].value()
            data[form[name].html_name] = value.strftime("%H:%M") if isinstance(value, datetime.time) else value
        if form["included"].value():
            data[form["included"].html_name] = "on"
    return data


# 1. The method's aim and expected outcome, per place in the series.


def test_default_visits_carry_the_methods_aim_and_expected_outcome(personas):
    visits = {visit.order: visit for visit in personas.a.visits.all()}
    assert visits[1].aim.startswith("The first visit to the mentee city should introduce the mentors to the local context")
    assert visits[1].expected_outcome == "A first list of actions to be developed, drawing on the action planning template."
    assert "mentor city context" in visits[2].aim and "revised" in visits[2].expected_outcome
    assert "clarify some final details of the action plan and think ahead towards its implementation" in visits[3].aim
    assert "Presentation of final action plan in the presence of politicians and local stakeholders" in (
        visits[3].expected_outcome
    )
    # More visits: the ones in between follow up the implementation.
    city = Organisation.objects.create(kind="city", name="Fivetown", country="FR")
    five = scheme_create(
        programme=personas.programme,
        title="Five visits",
        theme="Housing",
        parties=[(city, Side.MENTEE), (personas.mentor_city, Side.MENTOR)],
        visit_count=5,
    )
    aims = list(five.visits.order_by("order").values_list("aim", flat=True))
    assert aims[0].startswith("The first visit") and aims[4].startswith("The last visit")
    assert all(aim.startswith("Regular exchange with mentors") for aim in aims[2:4])
    # The visit page shows them; the plan's form edits them.
    facilitator = personas.client("facilitator")
    assert "drawing on the action planning template" in facilitator.get(f"{VISITS}1/").content.decode()
    response = facilitator.post(f"{VISITS}1/edit/", edit_data(facilitator, 1, aim="Our own aim."))
    assert response.status_code == 302
    assert personas.a.visits.get(order=1).aim == "Our own aim."


# 2. The kind of visit and the clarifying questions.


def test_kind_follows_the_host_and_is_edited_shown_and_listed(personas):
    kinds = dict(personas.a.visits.values_list("order", "kind"))
    assert kinds == {1: VisitKind.MENTEE_CITY, 2: VisitKind.STUDY_VISIT, 3: VisitKind.MENTEE_CITY}
    facilitator = personas.client("facilitator")
    assert "Study visit or site visit to the mentor city" in facilitator.get(VISITS).content.decode()

    data = edit_data(facilitator, 2, kind="work_shadowing", clarifying_questions="Who runs the welcome desk?\nHow is it funded?")
    assert facilitator.post(f"{VISITS}2/edit/", data).status_code == 302
    page = facilitator.get(f"{VISITS}2/").content.decode()
    assert "Work shadowing" in page and "Who runs the welcome desk?" in page
    assert "Work shadowing" in facilitator.get(VISITS).content.decode()

    # A new visit left to its host: the mentor side's is a study visit, an online one online.
    new = {
        "title": "Extra",
        "mode": "in_person",
        "status": "planned",
        "time_zone": "Europe/Brussels",
        "aim": "See more.",
        "expected_outcome": "Ideas.",
        "host": str(personas.mentor_city.pk),
        "kind": "",
    }
    assert facilitator.post(f"{VISITS}new/", new).status_code == 302
    assert personas.a.visits.get(order=4).kind == VisitKind.STUDY_VISIT
    assert facilitator.post(f"{VISITS}new/", {**new, "title": "Online", "mode": "online"}).status_code == 302
    assert personas.a.visits.get(order=5).kind == VisitKind.ONLINE
    # A kind that does not exist is refused.
    response = facilitator.post(f"{VISITS}2/edit/", edit_data(facilitator, 2, kind="holiday"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_clarifying_questions_are_plain_text_and_shown_escaped(personas, dated):
    facilitator = personas.client("facilitator")
    hostile = '<script>alert("x")</script><b>bold</b>'
    response = facilitator.post(f"{VISITS}1/edit/", edit_data(facilitator, 1, clarifying_questions=hostile))
    assert response.status_code == 200 and "Write plain text" in response.content.decode()
    # Text that came in another way (an old row, the admin) is shown as text, never run.
    Visit.objects.filter(pk=dated.pk).update(clarifying_questions=hostile)
    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert hostile not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    html = agenda_document(personas.a, Visit.objects.get(pk=dated.pk)).html
    assert hostile not in html and "&lt;script&gt;" in html and "Clarifying questions" in html


# 3. Starting the agenda from the method.


def test_start_the_agenda_from_the_method(personas, dated):
    facilitator = personas.client("facilitator")
    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert "Start the agenda from the method" in page
    assert "Start the agenda from the method" not in personas.client("mentor").get(f"{VISITS}1/").content.decode()

    response = facilitator.get(FROM_METHOD)
    text = response.content.decode()
    for element in method.AGENDA_ELEMENTS[method.SCENE]:
        assert str(element.title) in text
    proposals = response.context["formset"].forms
    assert all(form["included"].value() for form in proposals)
    first = proposals[0]
    assert (first["day"].value(), first["start_time"].value()) == ("2027-03-10", datetime.time(9, 0))
    assert {form["day"].value() for form in proposals} == {"2027-03-10", "2027-03-11"}  # spread over both days

    # Untick the informal activity, add the rest.
    data = method_data(facilitator)
    informal = next(i for i, form in enumerate(proposals) if form["session_type"].value() == "informal")
    del data[f"sessions-{informal}-included"]
    response = facilitator.post(FROM_METHOD, data)
    assert response.status_code == 302 and response.url.endswith(f"{VISITS}1/#agenda")
    sessions = list(dated.agenda_items.order_by("day", "start_time"))
    assert [s.session_type for s in sessions] == ["recap", "presentation", "interviews", "good_practice", "workshop"]
    assert sessions[0].title.startswith("Recap by mentee city and association on key issues from needs analysis")
    assert all(s.history.count() == 1 for s in sessions)
    assert LogEntry.objects.filter(action="session.added", scheme=personas.a).count() == 5
    page = facilitator.get(response.url).content.decode()
    assert "5 sessions added from the method." in page and "Workshop on action planning with local stakeholder group" in page
    # The same form sent again adds nothing more.
    facilitator.post(FROM_METHOD, data)
    assert dated.agenda_items.count() == 5

    # Proposed again, the elements find the free slots around what is on the agenda.
    proposals = facilitator.get(FROM_METHOD).context["formset"].forms
    for form in proposals:
        if form["included"].value():
            day = datetime.date.fromisoformat(form["day"].value())
            start, end = form["start_time"].value(), form["end_time"].value()
            assert not dated.agenda_items.filter(day=day, start_time__lt=end, end_time__gt=start).exists()


def test_agenda_from_the_method_refuses_an_overlap_and_adds_nothing(personas, dated):
    facilitator = personas.client("facilitator")
    data = method_data(facilitator)
    AgendaItem.objects.create(
        visit=dated, day="2027-03-10", start_time="09:30", end_time="10:00", session_type="other", title="Mayor's welcome"
    )
    response = facilitator.post(FROM_METHOD, data)
    text = response.content.decode()
    assert response.status_code == 200 and "This overlaps “Mayor’s welcome”" in text.replace("&#x27;", "’")
    assert list(dated.agenda_items.values_list("title", flat=True)) == ["Mayor's welcome"]

    # Two ticked sessions at the same time: the second is refused, none is added.
    data = method_data(facilitator)
    data["sessions-1-day"], data["sessions-1-start_time"], data["sessions-1-end_time"] = (
        data["sessions-0-day"],
        data["sessions-0-start_time"],
        data["sessions-0-end_time"],
    )
    response = facilitator.post(FROM_METHOD, data)
    assert response.status_code == 200 and "This overlaps" in response.content.decode()
    assert dated.agenda_items.count() == 1

    # Nothing ticked, an end before the start: said, nothing added.
    data = method_data(facilitator)
    bare = {key: value for key, value in data.items() if not key.endswith("-included")}
    assert "Tick at least one session to add." in facilitator.post(FROM_METHOD, bare).content.decode()
    data["sessions-0-end_time"] = "08:00"
    assert "The session ends before it starts." in facilitator.post(FROM_METHOD, data).content.decode()
    data = method_data(facilitator)
    data["sessions-1-title"] = ""
    data["sessions-2-title"] = "<b>Loud</b>"
    text = facilitator.post(FROM_METHOD, data).content.decode()
    assert "Row 2, Title: This field is required." in text and "Write plain text" in text
    # An unticked element is not checked (nor saved).
    del data["sessions-1-included"], data["sessions-2-included"]
    assert facilitator.post(FROM_METHOD, data).status_code == 302
    assert dated.agenda_items.count() == 5  # the welcome and the four ticked


def test_agenda_from_the_method_needs_the_visits_days_and_an_organiser(personas):
    facilitator = personas.client("facilitator")
    response = facilitator.get(FROM_METHOD, follow=True)
    assert "Give the visit its first and last day" in response.content.decode()
    assert personas.client("mentee").get(FROM_METHOD).status_code == 403
    # The mentor city's visit gets the elements of "inspiration".
    visit = personas.a.visits.get(order=2)
    visit.start_date = visit.end_date = datetime.date(2027, 5, 4)
    visit.save()
    text = facilitator.get(f"{VISITS}2/agenda/from-method/").content.decode()
    assert "Visits of good practice in the mentor city" in text and "Recap by mentee city" not in text


# 4. Sessions linked to a good practice and focus key factors.


def test_a_session_names_a_good_practice_of_the_programme_and_focus_key_factors(personas, dated):
    p = personas
    key_factors = list(p.a.benchmark.key_factors.order_by("order")[:3])
    p.a.focus_key_factors.add(*key_factors[:2])
    ours = GoodPractice.objects.create(programme=p.programme, city=p.mentor_city, title="One-stop welcome desk")
    theirs = GoodPractice.objects.create(programme=p.other_programme, city=p.b_mentor, title="Someone else's practice")
    facilitator = p.client("facilitator")
    new = f"{VISITS}1/sessions/new/"
    form = facilitator.get(new).context["form"]
    assert list(form.fields["good_practice"].queryset) == [ours]
    assert list(form.fields["key_factors"].queryset) == key_factors[:2]
    base = {
        "day": "2027-03-10",
        "start_time": "09:00",
        "end_time": "10:00",
        "session_type": "good_practice",
        "title": "The welcome desk",
        "seen_version": "",
    }
    for bad in ({"good_practice": str(theirs.pk)}, {"key_factors": [str(key_factors[2].pk)]}):
        response = facilitator.post(new, {**base, **bad})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not dated.agenda_items.exists()

    response = facilitator.post(
        new, {**base, "good_practice": str(ours.pk), "key_factors": [str(kf.pk) for kf in key_factors[:2]]}
    )
    assert response.status_code == 302
    session = dated.agenda_items.get()
    assert session.good_practice == ours and set(session.key_factors.all()) == set(key_factors[:2])
    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert "One-stop welcome desk" in page and escape(key_factors[0].title) in page
    html = agenda_document(p.a, dated).html
    assert "One-stop welcome desk" in html and escape(key_factors[1].title) in html
    pdf = facilitator.get(f"{VISITS}1/agenda.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "One-stop welcome desk" in text and "Focus key factors" in text


# 5. The guiding questions beside the forms.


def test_guiding_questions_beside_the_session_and_record_forms(personas, dated):
    facilitator = personas.client("facilitator")
    for url in (f"{VISITS}1/sessions/new/", f"{VISITS}1/record/"):
        page = facilitator.get(url).content.decode()
        assert "Questions to guide this session" in page and "<details" in page
        assert "What needs to change – where are the gaps and problems?" in page  # seeds 002 and 004
        assert "What are the strengths of its current work programme which the city can build on?" in page  # seed 002
        assert "What are the key elements for replication/transferability?" in page  # seed 004


# 6. What is worth checking, on the scheme page.


def warnings_on(client):
    response = client.get(SCHEME)
    return {warning.key for warning in response.context["progress"].warnings}, response.content.decode()


def test_worth_checking_appears_and_disappears(personas):
    p = personas
    client = p.client("mentee")
    keys, page = warnings_on(client)
    assert keys == set() and "Worth checking" not in page

    # Every visit on the mentee side.
    second = p.a.visits.get(order=2)
    second.host = p.mentee_city
    second.save()
    keys, page = warnings_on(client)
    assert keys == {method.ONE_SIDE_ONLY} and "visits to both mentor and mentee city are important" in page
    second.status = "cancelled"  # a cancelled visit does not count either way
    second.save()
    assert warnings_on(client)[0] == {method.ONE_SIDE_ONLY}
    second.host, second.status = p.mentor_city, "planned"
    second.save()
    assert warnings_on(client)[0] == set()

    # Every visit online.
    Visit.objects.filter(scheme=p.a).update(mode="online")
    keys, page = warnings_on(client)
    assert keys == {method.ALL_ONLINE} and "much harder to establish trust and understanding" in page
    Visit.objects.filter(scheme=p.a, order=2).update(mode="in_person", kind="study_visit")
    assert warnings_on(client)[0] == set()

    # A local support group without a migrant representative.
    group = LocalSupportGroup.objects.create(scheme=p.a, city=p.mentee_city)
    LocalSupportGroupMember.objects.create(group=group, name="Ann", organisation="NGO", stakeholder_type="ngo")
    keys, page = warnings_on(client)
    assert keys == {method.NO_MIGRANT_REPRESENTATIVE}
    assert "The local support group of Menteeville has no migrant representative." in page
    assert "should always include migrant representatives" in page
    LocalSupportGroupMember.objects.create(
        group=group, name="Bo", organisation="Migrant council", stakeholder_type="migrant_association"
    )
    assert warnings_on(client)[0] == set()


def test_worth_checking_costs_no_query(personas):
    p = personas
    client = p.client("coordinator")
    client.get(SCHEME)
    client.get("/programmes/test-programme/")
    with CaptureQueriesContext(connection) as before:
        client.get(SCHEME)
    with CaptureQueriesContext(connection) as dashboard_before:
        client.get("/programmes/test-programme/dashboard/")
    Visit.objects.filter(scheme=p.a).update(mode="online")
    group = LocalSupportGroup.objects.create(scheme=p.a, city=p.mentee_city)
    LocalSupportGroupMember.objects.create(group=group, name="Ann", organisation="NGO", stakeholder_type="ngo")
    with CaptureQueriesContext(connection) as after:
        response = client.get(SCHEME)
    assert len(response.context["progress"].warnings) == 2
    assert len(after.captured_queries) == len(before.captured_queries)
    with CaptureQueriesContext(connection) as dashboard_after:
        client.get("/programmes/test-programme/dashboard/")
    assert len(dashboard_after.captured_queries) == len(dashboard_before.captured_queries)


def test_the_visit_page_reads_practices_and_key_factors_in_fixed_queries(personas, dated):
    p = personas
    key_factors = list(p.a.benchmark.key_factors.order_by("order")[:2])
    p.a.focus_key_factors.add(*key_factors)

    def session(hour):
        practice = GoodPractice.objects.create(programme=p.programme, city=p.mentor_city, title=f"Practice {hour}")
        item = AgendaItem.objects.create(
            visit=dated,
            day="2027-03-10",
            start_time=datetime.time(hour),
            end_time=datetime.time(hour, 45),
            session_type="good_practice",
            title=f"Session {hour}",
            good_practice=practice,
        )
        item.key_factors.set(key_factors)

    session(8)
    client = p.client("facilitator")
    client.get(f"{VISITS}1/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{VISITS}1/")
    for hour in range(9, 15):
        session(hour)
    with CaptureQueriesContext(connection) as seven:
        page = client.get(f"{VISITS}1/").content.decode()
    assert "Practice 14" in page
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_the_sources_are_named_as_readers_know_them(personas, dated):
    page = personas.client("facilitator").get(FROM_METHOD).content.decode()
    assert "IncluCities mentoring guide, chapter 5" in page and "seed 0" not in page.lower()
    visit_page = personas.client("facilitator").get(f"{VISITS}1/record/").content.decode()
    assert "ImpleMentoring method: the critical issues of a mentoring visit" in visit_page
    assert "seed 0" not in visit_page.lower()


def test_a_visit_cannot_move_before_its_preparation_meeting(personas, dated):
    from schemes.models import Meeting

    Meeting.objects.create(
        scheme=personas.a, visit=dated, purpose="preparation", title="Preparation", date=datetime.date(2027, 2, 1)
    )
    facilitator = personas.client("facilitator")
    data = edit_data(facilitator, 1, start_date="2027-01-25", end_date="2027-01-26")
    response = facilitator.post(f"{VISITS}1/edit/", data)
    assert response.status_code == 200
    assert "Its preparation meeting “Preparation” is on 1 Feb 2027" in response.content.decode()
    dated.refresh_from_db()
    assert dated.start_date == datetime.date(2027, 3, 10)
