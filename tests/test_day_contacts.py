"""A contact for each day of a visit (issue 26): the visit form has one "Contact on <day>"
field per day of its dates, the agenda page and the agenda PDF print each day's own
contact under that day, else the visit's contact on the day."""

import datetime
import subprocess

import pytest
from django.utils.html import escape

from mentoring.models import LogEntry
from schemes.models import AgendaItem, VisitDay

SCHEME = "/programmes/test-programme/schemes/1/"
VISITS = SCHEME + "visits/"
EDIT = f"{VISITS}1/edit/"
TUESDAY, WEDNESDAY = datetime.date(2027, 3, 9), datetime.date(2027, 3, 10)
CITY_HALL = "Ana Silva, city hall, +351 912 345 678"
NGO = "Bruno Costa, Casa do Migrante, +351 913 000 111"
VISIT_CONTACT = "Front desk, +351 210 000 000"


def visit_data(**change):
    data = {
        "title": "Setting the scene",
        "mode": "in_person",
        "status": "planned",
        "start_date": "2027-03-09",
        "end_date": "2027-03-10",
        "time_zone": "Europe/Lisbon",
        "location": "Town hall",
        "contact": VISIT_CONTACT,
        "aim": "Understand the city's needs first-hand.",
        "expected_outcome": "A shared picture of the needs.",
    }
    data.update(change)
    return data


def post_edit(client, **change):
    """Post the visit form as a person who has just opened it (its version)."""
    seen = client.get(EDIT).context["form"]["seen_version"].value()
    return client.post(EDIT, visit_data(seen_version=seen, **change))


@pytest.fixture
def two_days(personas):
    """Scheme A's first visit over Tuesday 9 and Wednesday 10 March 2027, a session each day."""
    facilitator = personas.client("facilitator")
    response = post_edit(facilitator)
    assert response.status_code == 302, response.context and response.context["form"].errors
    visit = personas.a.visits.get(order=1)
    for day, title in ((TUESDAY, "Recap of needs"), (WEDNESDAY, "Site visit to the NGO")):
        AgendaItem.objects.create(
            visit=visit, day=day, start_time=datetime.time(9), end_time=datetime.time(10), session_type="other", title=title
        )
    return visit


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()


def day_section(html, day):
    """The visit page's section of ``day``."""
    start = html.index(f'id="day-{day.isoformat()}"')
    end = html.find("<section", start + 1)
    return html[start : end if end != -1 else len(html)]


def test_the_form_has_a_contact_field_for_each_day_after_the_visits_own(personas, two_days):
    form = personas.client("facilitator").get(EDIT).context["form"]
    names = list(form.fields)
    at = names.index("contact")
    assert names[at + 1 : at + 3] == ["day_contact_2027-03-09", "day_contact_2027-03-10"]
    assert form.fields["day_contact_2027-03-09"].label == "Contact on Tuesday 9 March 2027"
    assert form.fields["day_contact_2027-03-10"].label == "Contact on Wednesday 10 March 2027"
    page = personas.client("facilitator").get(EDIT).content.decode()
    assert "Contact on Tuesday 9 March 2027" in page


def test_a_visit_without_dates_has_no_day_fields(personas):
    form = personas.client("facilitator").get(EDIT).context["form"]
    assert not personas.a.visits.get(order=1).days
    assert not [name for name in form.fields if name.startswith("day_contact_")]


def test_each_day_prints_its_own_contact_on_the_page_and_in_the_pdf(personas, two_days):
    facilitator = personas.client("facilitator")
    response = post_edit(facilitator, **{"day_contact_2027-03-09": CITY_HALL, "day_contact_2027-03-10": NGO})
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert dict(VisitDay.objects.filter(visit=two_days).values_list("day", "contact")) == {TUESDAY: CITY_HALL, WEDNESDAY: NGO}

    # The form shows them again.
    form = facilitator.get(EDIT).context["form"]
    assert form["day_contact_2027-03-09"].value() == CITY_HALL

    # The visit's page: each under its own day, the visit's contact under neither.
    html = facilitator.get(f"{VISITS}1/").content.decode()
    tuesday, wednesday = day_section(html, TUESDAY), day_section(html, WEDNESDAY)
    assert "Contact on the day" in tuesday and CITY_HALL in tuesday and NGO not in tuesday
    assert NGO in wednesday and CITY_HALL not in wednesday
    assert VISIT_CONTACT not in html

    # The PDF: Tuesday's contact after Tuesday's heading and before Wednesday's.
    text = pdf_text(facilitator.get(f"{VISITS}1/agenda.pdf"))
    flat = " ".join(text.split())
    tue, wed = flat.index("Tuesday 9 March 2027"), flat.index("Wednesday 10 March 2027")
    assert tue < flat.index(f"Contact on the day: {CITY_HALL}") < wed < flat.index(f"Contact on the day: {NGO}")
    assert VISIT_CONTACT not in flat


def test_a_day_without_its_own_contact_prints_the_visits(personas, two_days):
    facilitator = personas.client("facilitator")
    assert post_edit(facilitator, **{"day_contact_2027-03-10": NGO}).status_code == 302
    html = facilitator.get(f"{VISITS}1/").content.decode()
    assert VISIT_CONTACT in day_section(html, TUESDAY) and NGO not in day_section(html, TUESDAY)
    assert NGO in day_section(html, WEDNESDAY) and VISIT_CONTACT not in day_section(html, WEDNESDAY)
    flat = " ".join(pdf_text(facilitator.get(f"{VISITS}1/agenda.pdf")).split())
    wed = flat.index("Wednesday 10 March 2027")
    assert flat.index(f"Contact on the day: {VISIT_CONTACT}") < wed < flat.index(f"Contact on the day: {NGO}")

    # Neither the day's nor the visit's: nothing is printed.
    assert post_edit(facilitator, contact="", **{"day_contact_2027-03-10": ""}).status_code == 302
    html = facilitator.get(f"{VISITS}1/").content.decode()
    assert "Contact on the day" not in day_section(html, TUESDAY)
    assert "Contact on the day" not in pdf_text(facilitator.get(f"{VISITS}1/agenda.pdf"))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("<script>alert('day')</script> Ana", "Write plain text"),
    ],
)
def test_too_long_or_markup_is_refused_with_the_summary_and_nothing_saved(personas, two_days, typed, message):
    facilitator = personas.client("facilitator")
    before = LogEntry.objects.filter(action="visit.changed").count()
    response = post_edit(facilitator, title="Renamed", **{"day_contact_2027-03-09": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(message) in page
    assert 'href="#id_day_contact_2027-03-09"' in page  # the error summary links to the field
    assert escape(typed) in page and "<script>alert" not in page  # what was typed is kept, escaped
    assert not VisitDay.objects.exists()
    assert personas.a.visits.get(order=1).title == "Setting the scene"
    assert LogEntry.objects.filter(action="visit.changed").count() == before


def test_a_contact_saved_another_way_is_escaped_on_the_page_and_in_the_pdf(personas, two_days):
    VisitDay.objects.create(visit=two_days, day=TUESDAY, contact="<b>Ana</b> & co")
    facilitator = personas.client("facilitator")
    html = facilitator.get(f"{VISITS}1/").content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; co" in day_section(html, TUESDAY)
    assert "<b>Ana</b>" not in html
    assert "<b>Ana</b> & co" in pdf_text(facilitator.get(f"{VISITS}1/agenda.pdf"))  # printed as text


def test_another_schemes_visit_is_a_404_and_nothing_is_saved(personas, two_days):
    stranger = personas.client("b_mentee")
    assert stranger.get(EDIT).status_code == 404
    assert stranger.post(EDIT, visit_data(**{"day_contact_2027-03-09": CITY_HALL})).status_code == 404
    assert stranger.get(f"{VISITS}1/agenda.pdf").status_code == 404
    assert not VisitDay.objects.exists()


def test_a_day_outside_the_visit_is_refused(personas, two_days):
    from django.db import transaction

    from schemes.services.visits import day_contacts_write

    facilitator = personas.client("facilitator")
    # A posted field for a day the form does not offer is not read.
    assert post_edit(facilitator, **{"day_contact_2027-03-11": NGO}).status_code == 302
    assert not VisitDay.objects.exists()
    # The service refuses it outright.
    with pytest.raises(ValueError), transaction.atomic():
        day_contacts_write(two_days, {datetime.date(2027, 3, 11): NGO})
    assert not VisitDay.objects.exists()


def test_new_dates_keep_the_contacts_of_the_days_still_inside(personas, two_days):
    facilitator = personas.client("facilitator")
    post_edit(facilitator, **{"day_contact_2027-03-09": CITY_HALL, "day_contact_2027-03-10": NGO})
    AgendaItem.objects.filter(day=TUESDAY).delete()
    response = post_edit(
        facilitator,
        start_date="2027-03-10",
        end_date="2027-03-11",
        **{"day_contact_2027-03-09": CITY_HALL, "day_contact_2027-03-10": NGO},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert dict(VisitDay.objects.values_list("day", "contact")) == {WEDNESDAY: NGO}
    followed = facilitator.get(response.url).content.decode()
    assert "The contact of Tuesday 9 March 2027 is removed: that day is no longer part of the visit." in followed
    assert list(personas.client("facilitator").get(EDIT).context["form"].day_fields.values()) == [
        WEDNESDAY,
        datetime.date(2027, 3, 11),
    ]
    removed = VisitDay.history.filter(day=TUESDAY, history_type="-").get()
    assert removed.history_change_reason == "No longer a day of the visit"


def test_the_change_is_in_the_history_and_the_activity_log(personas, two_days):
    facilitator = personas.client("facilitator")
    post_edit(facilitator, **{"day_contact_2027-03-09": CITY_HALL})
    record = VisitDay.history.get(day=TUESDAY)
    assert record.history_type == "+" and record.contact == CITY_HALL
    assert record.history_change_reason == "Contact of the day changed"
    assert record.history_user == personas.users["facilitator"]
    assert two_days.history.first().history_change_reason == "Contacts of the days changed"
    entry = LogEntry.objects.filter(action="visit.changed").latest("id")
    assert entry.actor == personas.users["facilitator"] and entry.object_id == two_days.pk
    assert "day_contacts" in entry.data["fields"] and entry.data["days"] == ["2027-03-09"]
    assert not [name for name in entry.data["fields"] if name.startswith("day_contact_") or name == "contact"]
    # Cleared: a new version, and the visit's contact is printed again.
    post_edit(facilitator, **{"day_contact_2027-03-09": ""})
    assert VisitDay.history.filter(day=TUESDAY).first().history_change_reason == "Contact of the day cleared"
    assert VISIT_CONTACT in day_section(facilitator.get(f"{VISITS}1/").content.decode(), TUESDAY)


def test_the_schemes_people_are_told_when_a_days_contact_changes(personas, two_days):
    from mentoring.models import Notification

    post_edit(personas.client("facilitator"), **{"day_contact_2027-03-09": CITY_HALL})
    entry = LogEntry.objects.filter(action="visit.changed").latest("id")
    told = set(Notification.objects.filter(entry=entry).values_list("recipient__email", flat=True))
    assert "mentee@test.example" in told and "mentor@test.example" in told and "facilitator@test.example" not in told
    page = personas.client("mentee").get("/notifications/").content.decode()
    assert f'href="{VISITS}1/"' in page


def test_restoring_an_earlier_version_of_the_visit_brings_back_its_days_contacts(personas, two_days):
    """Version A: Tuesday and Wednesday with their own contacts. Then the dates move a
    day later (Tuesday's contact goes) and Wednesday's contact changes. Restoring version
    A from the history page puts back its dates and both contacts, as one restore."""
    from mentoring.models import Notification

    facilitator = personas.client("facilitator")
    post_edit(facilitator, **{"day_contact_2027-03-09": CITY_HALL, "day_contact_2027-03-10": NGO})
    version_a = two_days.history.first()
    AgendaItem.objects.filter(day=TUESDAY).delete()
    response = post_edit(
        facilitator, start_date="2027-03-10", end_date="2027-03-11", **{"day_contact_2027-03-10": "Someone else, +351 1"}
    )
    assert response.status_code == 302
    assert dict(VisitDay.objects.values_list("day", "contact")) == {WEDNESDAY: "Someone else, +351 1"}

    response = facilitator.post(f"{VISITS}1/history/{version_a.history_id}/restore/")
    assert response.status_code == 302
    assert "The earlier version is restored" in facilitator.get(response.url).content.decode()
    two_days.refresh_from_db()
    assert (two_days.start_date, two_days.end_date) == (TUESDAY, WEDNESDAY)
    assert dict(VisitDay.objects.values_list("day", "contact")) == {TUESDAY: CITY_HALL, WEDNESDAY: NGO}
    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert escape(CITY_HALL) in day_section(page, TUESDAY) and escape(NGO) in day_section(page, WEDNESDAY)
    # One restore in the activity log, naming the dates and the days' contacts; the
    # scheme's people are told, as of the same change made in the form.
    entry = LogEntry.objects.filter(action="history.restored").get()
    assert {"start_date", "end_date", "day_contacts"} <= set(entry.data["fields"])
    assert entry.data["days"] == ["2027-03-09", "2027-03-10"]
    told = set(Notification.objects.filter(entry=entry).values_list("recipient__email", flat=True))
    assert "mentee@test.example" in told and "facilitator@test.example" not in told
    # Each day's row has the restore in its own history.
    assert VisitDay.history.filter(day=TUESDAY).first().history_change_reason == "Contact of the day changed"


def test_restoring_a_version_without_day_contacts_clears_those_added_since(personas, two_days):
    facilitator = personas.client("facilitator")
    before = two_days.history.first()
    post_edit(facilitator, **{"day_contact_2027-03-09": CITY_HALL})
    facilitator.post(f"{VISITS}1/history/{before.history_id}/restore/")
    assert list(VisitDay.objects.exclude(contact="")) == []
    page = facilitator.get(f"{VISITS}1/").content.decode()
    assert escape(VISIT_CONTACT) in day_section(page, TUESDAY)


def test_restoring_something_else_than_a_visit_tells_no_one_of_a_visit(personas):
    from mentoring.models import Notification

    coordinator = personas.client("coordinator")
    scheme = personas.a
    title = scheme.title
    scheme.title = "A new title"
    scheme.save()
    old = scheme.history.filter(title=title).first()
    assert coordinator.post(f"{SCHEME}history/{old.history_id}/restore/").status_code == 302
    entry = LogEntry.objects.filter(action="history.restored").get()
    assert entry.data["fields"] == ["title"]
    assert not Notification.objects.filter(entry=entry).exists()


def test_a_concurrent_save_refuses_the_day_contacts_too(personas, two_days):
    facilitator, coordinator = personas.client("facilitator"), personas.client("coordinator")
    seen = facilitator.get(EDIT).context["form"]["seen_version"].value()
    assert post_edit(coordinator, **{"day_contact_2027-03-09": NGO}).status_code == 302
    response = facilitator.post(EDIT, visit_data(seen_version=seen, **{"day_contact_2027-03-09": CITY_HALL}))
    assert response.status_code == 409  # the form again, with what was typed and the message
    assert "Someone else saved changes" in response.content.decode() and CITY_HALL in response.content.decode()
    assert VisitDay.objects.get(day=TUESDAY).contact == NGO


def test_the_agenda_reads_the_contacts_in_one_query_whatever_the_days(personas, two_days, django_assert_max_num_queries):
    facilitator = personas.client("facilitator")
    post_edit(facilitator, **{"day_contact_2027-03-09": CITY_HALL})
    urls = [f"{VISITS}1/", f"{VISITS}1/agenda.pdf"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as queries:
            assert facilitator.get(url).status_code == 200
        counts[url] = len(queries.captured_queries)
    # Ten days, each with its own contact: the same number of queries.
    response = post_edit(facilitator, end_date="2027-03-18")
    assert response.status_code == 302
    days = [TUESDAY + datetime.timedelta(days=n) for n in range(10)]
    response = post_edit(
        facilitator, end_date="2027-03-18", **{f"day_contact_{day.isoformat()}": f"Officer {n}" for n, day in enumerate(days)}
    )
    assert response.status_code == 302
    assert VisitDay.objects.count() == 10
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            response = facilitator.get(url)
            assert response.status_code == 200
    assert "Officer 9" in " ".join(pdf_text(facilitator.get(f"{VISITS}1/agenda.pdf")).split())


def test_the_contacts_a_person_saved_are_in_their_data_download(personas, two_days):
    from mentoring.data_exports import writings

    post_edit(personas.client("facilitator"), **{"day_contact_2027-03-09": CITY_HALL})
    saved = writings(personas.users["facilitator"])["visit_day_contacts_versions_you_saved"]
    assert [(row["contact"], row["change"]) for row in saved] == [(CITY_HALL, "created")]
    assert writings(personas.users["mentee"])["visit_day_contacts_versions_you_saved"] == []
