"""Meetings between the visits (schemes.models.meetings): saving and removing them (with
the activity log and a history reason), the next meeting of many schemes in one query,
and a meeting as a calendar event."""

import datetime
import zoneinfo

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action

from ..models import Meeting, VisitStatus
from .setup import form_save_with_history


def meeting_path(meeting):
    """The meeting's page (its scheme and programme read with it: ``scheme_meetings``)."""
    scheme = meeting.scheme
    return reverse("schemes:meeting", kwargs={"programme": scheme.programme.slug, "number": scheme.number, "pk": meeting.pk})


def scheme_meetings(scheme):
    """The scheme's meetings in date order, with what their pages and events show: one query."""
    return scheme.meetings.select_related("scheme__programme", "visit").order_by("date", "start_time", "pk")


def _data(meeting):
    return {"purpose": meeting.purpose, "date": meeting.date.isoformat()}


@transaction.atomic
def meeting_save(*, form, scheme, actor):
    """Save the meeting of ``form`` (new or changed) in ``scheme``; the form checked it
    (dates within the scheme's, a visit of this scheme). ``EditConflict`` when someone
    saved it first."""
    created = form.instance.pk is None
    form.instance.scheme = scheme
    return form_save_with_history(
        form,
        actor=actor,
        action="meeting.added" if created else "meeting.changed",
        scheme=scheme,
        data=_data(form.instance),
        reason=gettext_lazy("Planned") if created else "",
    )


@transaction.atomic
def meeting_remove(*, meeting, scheme, actor):
    """Remove a meeting of ``scheme`` (it stays in the history)."""
    log_action(actor=actor, action="meeting.removed", obj=meeting, scheme=scheme, data=_data(meeting))
    meeting.delete()


def _upcoming(today):
    """Meetings from ``today`` on, a preparation meeting of a cancelled visit aside."""
    return Meeting.objects.filter(date__gte=today).exclude(visit__status=VisitStatus.CANCELLED)


def next_meeting_annotations(today, scheme="pk"):
    """Annotations of a queryset whose column ``scheme`` is a scheme's id with that
    scheme's next meeting (``next_meeting_pk``, ``_date``, ``_title``): read with its rows,
    no query of their own, for any number of schemes."""
    first = _upcoming(today).filter(scheme_id=OuterRef(scheme)).order_by("date", "start_time", "pk")
    return {
        "next_meeting_pk": Subquery(first.values("pk")[:1]),
        "next_meeting_date": Subquery(first.values("date")[:1]),
        "next_meeting_title": Subquery(first.values("title")[:1]),
    }


def _at(meeting, time):
    return datetime.datetime.combine(meeting.date, time).replace(tzinfo=zoneinfo.ZoneInfo(meeting.time_zone))


def meeting_event(meeting, *, url, stamp):
    """The meeting as an iCalendar event: timed in its time zone when it has times, else
    an all-day event on its date."""
    from icalendar import Event

    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@mentoring-schemes")
    event.add("dtstamp", stamp)
    event.add("summary", f"{meeting.scheme.title}: {meeting.title}")
    if meeting.start_time and meeting.end_time:
        event.add("dtstart", _at(meeting, meeting.start_time))
        event.add("dtend", _at(meeting, meeting.end_time))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
    location = meeting.link or meeting.place
    if location:
        event.add("location", location)
    event.add(
        "description",
        "\n\n".join(
            filter(None, [meeting.get_purpose_display(), str(meeting.visit) if meeting.visit else "", meeting.agenda, url])
        ),
    )
    event.add("url", url)
    cancelled = meeting.visit is not None and meeting.visit.status == VisitStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def meeting_calendar(meeting, *, url, now=None):
    """One meeting as an iCalendar document."""
    from .visits import calendar

    return calendar([], url_of=None, meetings=[meeting], meeting_url=lambda _meeting: url, now=now)
