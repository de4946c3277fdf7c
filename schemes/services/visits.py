"""The visit series of a scheme and their agendas: adding, removing and reordering visits
(2 to 10, numbers kept consecutive), moving agenda sessions, the day totals, and the
iCalendar export."""

import datetime
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import changed_fields, log_action

from ..models import SchemeKind, SchemePhase, Visit, VisitStatus
from ..models.action_plans import VersionName
from .attachments import attachments_with
from .limits import check_document_text, text_length
from .schemes import MAX_VISITS, MIN_VISITS
from .setup import form_save_with_history


class VisitLimit(Exception):
    """A scheme has 2 to 10 visits."""


# What a session's agenda text is counted in (the agenda is one printed document).
SESSION_TEXT = ["title", "place", "lead", "notes"]


def _lock(scheme):
    return list(Visit.objects.select_for_update().filter(scheme=scheme).order_by("order"))


def _renumber(visits):
    """Give ``visits`` the numbers 1..n in their list order. Numbers are unique per scheme,
    so the rows that change first step aside to numbers no one uses (each step is saved,
    so the history has it)."""
    changed = [visit for number, visit in enumerate(visits, start=1) if visit.order != number]
    for visit in changed:
        visit.order += 1000
        visit._change_reason = gettext_lazy("Renumbered")
        visit.save()
    for number, visit in enumerate(visits, start=1):
        if visit in changed:
            visit.order = number
            visit._change_reason = gettext_lazy("Renumbered")
            visit.save()


# The working group meets "1-2 months before" a visit to prepare it: a preparation
# meeting planned from the visit's page is proposed this long before its first day.
PREPARATION_LEAD = datetime.timedelta(weeks=6)


@transaction.atomic
def visit_save(*, form, actor):
    """Save the visit's plan with the contact of each of its days (issue 26), in one
    entry of the activity log. The form's version check (``ConcurrentEditMixin``) locks
    the visit's row first, and the day contacts are edited only on this form, so someone
    else's save of either refuses the form. When the dates change, the contacts of the
    days still inside them are kept and the others removed (they stay in the history)."""
    typed = form.day_contacts()
    fields = [name for name in changed_fields(form) if name not in form.day_fields]
    reason = gettext_lazy("Contacts of the days changed") if form.day_contacts_changed() else ""
    visit = form_save_with_history(form, actor=actor, action=None, reason=reason)
    days = set(visit.days)
    changed = day_contacts_write(visit, {day: text for day, text in typed.items() if day in days})
    if changed:
        fields.append("day_contacts")
    log_action(
        actor=actor,
        action="visit.changed",
        obj=visit,
        scheme=visit.scheme,
        data={"fields": fields, **({"days": [day.isoformat() for day in changed]} if changed else {})},
    )
    return visit


def day_contacts_write(visit, contacts):
    """Write ``contacts`` ({day: contact}, an empty contact clears the day's) for
    ``visit``, each change saved with a history reason; remove the contacts of days no
    longer part of the visit. A day outside the visit's dates is refused (ValueError,
    nothing written). Runs inside the caller's transaction, the visit's row locked.
    Returns the days whose contact changed, in order."""
    from ..models import VisitDay

    days = set(visit.days)
    outside = sorted(day for day in contacts if day not in days)
    if outside:
        raise ValueError(f"{outside[0].isoformat()} is not a day of the visit")
    rows = {row.day: row for row in VisitDay.objects.select_for_update().filter(visit=visit)}
    changed = []
    for day, row in rows.items():
        if day not in days:
            row._change_reason = gettext_lazy("No longer a day of the visit")
            row.delete()
            changed.append(day)
    for day, contact in contacts.items():
        row = rows.get(day)
        if (row.contact if row is not None else "") == contact:
            continue
        row = row or VisitDay(visit=visit, day=day)
        row.contact = contact
        row._change_reason = gettext_lazy("Contact of the day changed") if contact else gettext_lazy("Contact of the day cleared")
        row.save()
        changed.append(day)
    return sorted(changed)


def day_contacts_restore(sender, *, instance, until, **kwargs):
    """``version_restored`` receiver (connected in ``schemes.apps``): a visit restored to
    an earlier version gets back the contacts its days had while that version held (until
    ``until``), as their history has them; a day that had none then has none again. Its
    entry in the activity log names ``day_contacts`` among the fields when one changed,
    so the scheme is told as of any change of whom to call."""
    from ..models import VisitDay

    then = {}
    rows = VisitDay.history.filter(visit_id=instance.pk, history_date__lt=until).order_by("history_date", "history_id")
    for row in rows:  # each day's last row before then wins; a removal ("-") leaves none
        then[row.day] = row.contact if row.history_type != "-" else ""
    changed = day_contacts_write(instance, {day: then.get(day, "") for day in instance.days})
    if not changed:
        return None
    return {"fields": ["day_contacts"], "days": [day.isoformat() for day in changed]}


def day_contacts_of(visit):
    """{day: the contact printed under it}: the day's own contact, else the visit's (empty:
    none). Reads ``visit.visit_days.all()`` (no query when prefetched)."""
    own = {row.day: row.contact for row in visit.visit_days.all() if row.contact}
    return {day: own.get(day) or visit.contact for day in visit.days}


@transaction.atomic
def visit_confirm(*, visit, actor):
    """Confirm a planned visit (its dates and place are settled): the "Confirm visit N"
    of the facilitator's "Waiting for you". Returns False when the visit was no longer
    planned (confirmed meanwhile, held or cancelled): nothing changes then."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        return False
    visit.status = VisitStatus.CONFIRMED
    visit._change_reason = gettext_lazy("Confirmed")
    visit.save()
    log_action(actor=actor, action="visit.changed", obj=visit, scheme=visit.scheme, data={"fields": ["status"]})
    return True


@transaction.atomic
def visit_record_save(*, form, user, reason=None):
    """Save the record after the visit. When the visit is held, the action plan (if it has
    actions; in a community of practice each city's) is frozen as "Draft after visit N",
    once: returns that version (the first), or None."""
    visit = form_save_with_history(
        form,
        actor=user,
        action="visit.recorded",
        scheme=form.instance.scheme,
        reason=reason or gettext_lazy("Recorded after the visit"),
    )
    phase_advance(visit.scheme)
    if visit.status != "held":
        return None
    if visit.scheme.kind == SchemeKind.COMMUNITY:  # each peer city's own plan (issue 23)
        plans = list(visit.scheme.action_plans.filter(organisation__isnull=False).select_related("organisation"))
    else:
        plans = [plan] if (plan := getattr(visit.scheme, "action_plan", None)) is not None else []
    frozen = [version for plan in plans if (version := _freeze_after(plan, visit, user))]
    return frozen[0] if frozen else None


def _freeze_after(plan, visit, user):
    """Freeze ``plan`` as "Draft after visit N", once, if it has actions: the version, or None."""
    from .action_plans import VersionLabelTaken, name_taken, version_freeze

    plan.scheme = visit.scheme
    if not plan.actions.exists() or plan.versions.filter(visit=visit).exists():
        return None
    message = VersionName.message(VersionName.AFTER_VISIT, number=visit.order)
    if name_taken(plan, message):
        return None
    try:
        return version_freeze(plan=plan, label=VersionName.said(message), message=message, visit=visit, user=user)
    except VersionLabelTaken:  # frozen under this label by someone else at the same instant
        return None


def phase_advance(scheme):
    """Move the scheme's phase on as its visits are held: the first held visit starts the
    visits phase, the last one (cancelled visits aside) the phase after the visits. The
    phase never moves back by itself, and a closed scheme stays closed."""
    live = list(scheme.visits.exclude(status=VisitStatus.CANCELLED).values_list("status", flat=True))
    held = live.count(VisitStatus.HELD)
    if not held or scheme.phase == SchemePhase.CLOSED:
        return
    phase = SchemePhase.AFTER if held == len(live) else SchemePhase.VISITS
    order = [SchemePhase.PREPARATION, SchemePhase.VISITS, SchemePhase.AFTER]
    if order.index(phase) > order.index(scheme.phase):
        scheme.phase = phase
        scheme._change_reason = gettext_lazy("Phase moved on as visits are held")
        scheme.save(update_fields=["phase"])


@transaction.atomic
def visit_add(*, form, scheme, actor):
    visits = _lock(scheme)
    if len(visits) >= MAX_VISITS:
        raise VisitLimit(_("A scheme has at most %(max)s visits.") % {"max": MAX_VISITS})
    visit = form.save(commit=False)
    visit.scheme = scheme
    visit.order = (scheme.visits.aggregate(n=Max("order"))["n"] or 0) + 1
    visit.save()
    log_action(actor=actor, action="visit.added", obj=visit, scheme=scheme, data={"number": visit.order})
    return visit


@transaction.atomic
def visit_remove(*, visit, actor):
    visits = _lock(visit.scheme)
    if len(visits) <= MIN_VISITS:
        raise VisitLimit(_("A scheme has at least %(min)s visits.") % {"min": MIN_VISITS})
    removed = visit.pk
    log_action(actor=actor, action="visit.removed", obj=visit, scheme=visit.scheme, data={"number": visit.order})
    attachments_with([visit, *visit.agenda_items.all()], actor)
    visit.delete()
    _renumber([v for v in visits if v.pk != removed])


@transaction.atomic
def visit_move(*, visit, up, actor):
    """Swap ``visit`` with the one before (``up``) or after it."""
    visits = _lock(visit.scheme)
    index = next(i for i, v in enumerate(visits) if v.pk == visit.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(visits):
        return False
    visits[index], visits[other] = visits[other], visits[index]
    _renumber(visits)
    log_action(actor=actor, action="visit.moved", obj=visit, scheme=visit.scheme, data={"number": other + 1})
    return True


def _at(day, time):
    return datetime.datetime.combine(day, time)


def _lock_visit(visit):
    """Lock the visit's row until the transaction ends: the changes of its agenda are
    checked (no overlap, at most MAX_SESSIONS_PER_VISIT) and made one at a time."""
    list(Visit.objects.select_for_update().filter(pk=visit.pk).values_list("pk", flat=True))


def session_text(data):
    """The characters of a session's text in ``data`` (a form's cleaned data)."""
    return sum(len(data.get(name) or "") for name in SESSION_TEXT)


def session_check(*, visit, day, start, end, session=None, text=0):
    """ValidationError if a session of ``visit`` on ``day`` from ``start`` to ``end``
    (``session`` itself, when it is saved already, aside) overlaps another one, would be
    one session too many, or would take the agenda's text over the limit (``text``: the
    session's own characters)."""
    clash = (
        visit.agenda_items.filter(day=day, start_time__lt=end, end_time__gt=start)
        .exclude(pk=getattr(session, "pk", None))
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "start_time": _("This overlaps “%(title)s” (%(start)s–%(end)s) on the same day.")
                % {
                    "title": clash.title,
                    "start": time_format(clash.start_time, "TIME_FORMAT"),
                    "end": time_format(clash.end_time, "TIME_FORMAT"),
                }
            }
        )
    if getattr(session, "pk", None) is None and visit.agenda_items.count() >= settings.MAX_SESSIONS_PER_VISIT:
        raise ValidationError(_("An agenda has at most %(max)s sessions.") % {"max": settings.MAX_SESSIONS_PER_VISIT})
    others = text_length(visit.agenda_items.exclude(pk=getattr(session, "pk", None)), SESSION_TEXT)
    check_document_text(others + text)


def _session_data(visit):
    return {"visit": visit.title, "visit_id": visit.pk}


@transaction.atomic
def session_save(*, form, visit, actor):
    """Save the agenda session of ``form`` (a new one or a change) in ``visit``. The form
    checked it against the agenda; it is checked again here with the visit's row locked,
    because two people saving overlapping sessions at the same instant both pass the
    form's check. ValidationError, nothing saved, if it no longer fits."""
    _lock_visit(visit)
    data = form.cleaned_data
    session_check(
        visit=visit,
        day=data["day"],
        start=data["start_time"],
        end=data["end_time"],
        session=form.instance,
        text=session_text(data),
    )
    form.instance.visit = visit
    return form_save_with_history(
        form,
        actor=actor,
        action="session.changed" if form.instance.pk else "session.added",
        scheme=visit.scheme,
        data=_session_data(visit),
    )


@transaction.atomic
def session_remove(*, session, visit, actor):
    """Remove a session from ``visit``'s agenda (it stays in the history)."""
    _lock_visit(visit)
    log_action(actor=actor, action="session.removed", obj=session, scheme=visit.scheme, data=_session_data(visit))
    attachments_with([session], actor)
    session.delete()


@transaction.atomic
def session_move(*, session, up, actor):
    """Swap ``session`` with the session before (``up``) or after it on the same day:
    the earlier slot starts when the first of the two started, each keeps its length,
    and the gap between them stays, so no other session is touched."""
    _lock_visit(session.visit)
    siblings = list(session.visit.agenda_items.select_for_update().filter(day=session.day).order_by("start_time"))
    index = next(i for i, s in enumerate(siblings) if s.pk == session.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return False
    first, second = sorted((siblings[index], siblings[other]), key=lambda s: s.start_time)
    gap = _at(second.day, second.start_time) - _at(first.day, first.end_time)
    start = _at(first.day, first.start_time)
    second_length = _at(second.day, second.end_time) - _at(second.day, second.start_time)
    first_length = _at(first.day, first.end_time) - _at(first.day, first.start_time)
    second.start_time, second.end_time = start.time(), (start + second_length).time()
    later = start + second_length + gap
    first.start_time, first.end_time = later.time(), (later + first_length).time()
    for item in (second, first):
        item._change_reason = gettext_lazy("Moved")
        item.save()
    log_action(actor=actor, action="session.moved", obj=session, scheme=session.visit.scheme, data=_session_data(session.visit))
    return True


def duration_text(delta):
    minutes = int(delta.total_seconds()) // 60
    return _("%(hours)d h %(minutes)02d") % {"hours": minutes // 60, "minutes": minutes % 60}


def agenda_days(visit, sessions):
    """[(day, sessions, total time as text, contact on the day)] for each day of the visit
    (and any day a session has outside them), in order. The contact is the day's own,
    else the visit's, else empty (``day_contacts_of``)."""
    by_day = defaultdict(list)
    for session in sessions:
        by_day[session.day].append(session)
    days = sorted(set(visit.days) | set(by_day))
    contacts = day_contacts_of(visit)
    result = []
    for day in days:
        items = sorted(by_day.get(day, []), key=lambda s: s.start_time)
        total = sum((_at(day, s.end_time) - _at(day, s.start_time) for s in items), datetime.timedelta())
        result.append((day, items, duration_text(total), contacts.get(day, visit.contact)))
    return result


def calendar(visits, *, url_of, meetings=(), meeting_url=None, now=None):
    """An iCalendar (RFC 5545) document of ``visits``: each visit as an all-day event over
    its days, each agenda session as a timed event in the visit's time zone (with its
    VTIMEZONE), each linking back to the visit page (``url_of(visit)``); then
    ``meetings`` (``schemes.services.meetings.meeting_event``), each linking to its page
    (``meeting_url(meeting)``)."""
    from icalendar import Calendar, Event

    from .meetings import meeting_event

    stamp = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Mentoring schemes//visits//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for visit in visits:
        if not (visit.start_date and visit.end_date):
            continue
        url = url_of(visit)
        event = Event()
        event.add("uid", f"visit-{visit.pk}@mentoring-schemes")
        event.add("dtstamp", stamp)
        event.add("summary", f"{visit.scheme.title}: {visit}")
        event.add("dtstart", visit.start_date)
        event.add("dtend", visit.end_date + datetime.timedelta(days=1))
        if visit.location:
            event.add("location", visit.location)
        event.add("description", "\n\n".join(filter(None, [visit.aim, visit.expected_outcome, url])))
        event.add("url", url)
        event.add(
            "status",
            "CANCELLED" if visit.status == "cancelled" else "CONFIRMED" if visit.status in ("confirmed", "held") else "TENTATIVE",
        )
        cal.add_component(event)
        zone = zoneinfo.ZoneInfo(visit.time_zone)
        for session in visit.agenda_items.all():
            item = Event()
            item.add("uid", f"session-{session.pk}@mentoring-schemes")
            item.add("dtstamp", stamp)
            item.add("summary", f"{session.title} ({visit})")
            item.add("dtstart", _at(session.day, session.start_time).replace(tzinfo=zone))
            item.add("dtend", _at(session.day, session.end_time).replace(tzinfo=zone))
            if session.place:
                item.add("location", session.place)
            item.add("description", "\n\n".join(filter(None, [session.get_session_type_display(), session.lead, url])))
            item.add("url", url)
            cal.add_component(item)
    for meeting in meetings:  # the meetings between the visits, after them
        cal.add_component(meeting_event(meeting, url=meeting_url(meeting), stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


# Starting an agenda from the method (issue 22): the seed's agenda elements of the
# visit's position in the series, each proposed in a free slot of the visit's days.
DAY_STARTS = datetime.time(9, 0)
DAY_ENDS = datetime.time(18, 0)
EVENING_STARTS = datetime.time(19, 0)
NIGHT = datetime.time(23, 0)
BREAK = datetime.timedelta(minutes=15)


def _defaults_of(focus):
    """{(field, text): position}: the title, aim and expected outcome the method gives a
    visit at each position of the series in a scheme of ``focus``, in every language of
    the interface (a scheme's visits got them in the language of whoever created it)."""
    from .. import method

    defaults = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for position in (method.SCENE, method.INSPIRATION, method.CONSOLIDATION, method.FOLLOW_UP):
                purpose = method.visit_purpose(position, focus)
                defaults["aim", str(purpose.aim)] = position
                defaults["expected_outcome", str(purpose.expected_outcome)] = position
            title = method.consolidation_title(focus)
            defaults["title", str(title)] = method.CONSOLIDATION
    return defaults


def visit_defaults_follow_focus(*, scheme, old_focus, actor):
    """After ``scheme``'s focus changed from ``old_focus``: each visit's aim, expected
    outcome and (for the last visit) title that are still the method's defaults for the
    old focus take the new focus's, for the same place in the series; whatever someone
    wrote is kept. Each visit changed is saved with its history reason and logged. Runs in
    the caller's transaction. Returns how many visits changed."""
    from .. import method

    if scheme.focus == old_focus:
        return 0
    # Schemes created before the visits followed their focus got the action plan's
    # defaults whatever their focus: those are defaults too.
    old = {**_defaults_of("action_planning"), **_defaults_of(old_focus)}
    changed_visits = 0
    for visit in Visit.objects.select_for_update().filter(scheme=scheme).order_by("order"):
        fields = []
        for name in ("title", "aim", "expected_outcome"):
            position = old.get((name, getattr(visit, name)))
            if position is None:
                continue
            if name == "title":
                new = method.consolidation_title(scheme.focus)
            else:
                new = getattr(method.visit_purpose(position, scheme.focus), name)
            if str(new) != getattr(visit, name):
                setattr(visit, name, str(new))
                fields.append(name)
        if fields:
            visit._change_reason = gettext_lazy("Follows the scheme's new focus")
            visit.save()
            log_action(actor=actor, action="visit.changed", obj=visit, scheme=scheme, data={"fields": fields})
            changed_visits += 1
    return changed_visits


def visit_position_of(visit):
    """The visit's place in the method's series (schemes.method.visit_position): two
    small queries, for the one page that proposes an agenda."""
    from .. import method
    from ..models import SchemeParty

    count = visit.scheme.visits.count()
    side = (
        SchemeParty.objects.filter(scheme=visit.scheme, organisation_id=visit.host_id).values_list("side", flat=True).first()
        if visit.host_id
        else None
    )
    return method.visit_position(visit.order, count, side)


def _free_slot(busy, days, first_day, earliest, latest, length):
    """The first (day, start, end) from ``days[first_day]`` at ``earliest`` on, ending
    by ``latest``, that overlaps nothing in ``busy`` ({day: [(start, end)]} as datetimes),
    or None."""
    for day in days[first_day:]:
        cursor = _at(day, earliest)
        while cursor + length <= _at(day, latest):
            clash = next((end for start, end in busy.get(day, []) if start < cursor + length and end > cursor), None)
            if clash is None:
                return day, cursor, cursor + length
            cursor = clash + BREAK
    return None


def method_proposals(visit, position):
    """[{session_type, title, day, start_time, end_time, included}] for the agenda elements
    of ``position`` (schemes.method.AGENDA_ELEMENTS): the working sessions spread over
    the visit's days from 9:00 with a quarter of an hour between them, the informal
    activity in the first evening, none over a session already on the agenda. An element
    that finds no free slot is proposed unticked."""
    from .. import method

    days = visit.days
    if not days:
        return []
    busy = defaultdict(list)
    for session in visit.agenda_items.all():
        busy[session.day].append((_at(session.day, session.start_time), _at(session.day, session.end_time)))
    elements = method.AGENDA_ELEMENTS[position]
    working = sum(1 for element in elements if element.session_type != "informal")
    proposals = []
    worked = 0
    for number, element in enumerate(elements):
        length = datetime.timedelta(minutes=element.minutes)
        if element.session_type == "informal":
            slot = _free_slot(busy, days, 0, EVENING_STARTS, NIGHT, length)
        else:
            # The working sessions are shared out over the days in their order.
            first_day = worked * len(days) // working
            worked += 1
            slot = _free_slot(busy, days, first_day, DAY_STARTS, DAY_ENDS, length) or _free_slot(
                busy, days, 0, DAY_STARTS, DAY_ENDS, length
            )
        if slot:
            day, start, end = slot
            busy[day].append((start, end))
        else:
            day, start = days[0], _at(days[0], DAY_STARTS)
            end = start + length
        proposals.append(
            {
                "number": number,
                "session_type": element.session_type,
                "title": str(element.title),
                "day": day,
                "start_time": start.time(),
                "end_time": end.time(),
                "included": slot is not None,
            }
        )
    return proposals


class MethodSessionRefused(Exception):
    """One of the sessions proposed from the method does not fit: ``index`` says which,
    ``error`` (a ValidationError) why. Nothing was created."""

    def __init__(self, index, error):
        super().__init__(index, error)
        self.index = index
        self.error = error


@transaction.atomic
def sessions_from_method(*, visit, rows, actor):
    """Add the sessions of ``rows`` (dicts with day, start_time, end_time, session_type,
    title) to ``visit``'s agenda, each checked as the session form checks one (no
    overlap, with the agenda or with each other; the number of sessions; the agenda's
    text), with the visit's row locked. All or nothing: MethodSessionRefused (the first
    row that does not fit) and no session is created. Each new session is in the history
    and the activity log as if added one by one."""
    from ..models import AgendaItem

    _lock_visit(visit)
    created = []
    for index, row in enumerate(rows):
        try:
            session_check(
                visit=visit,
                day=row["day"],
                start=row["start_time"],
                end=row["end_time"],
                text=session_text(row),
            )
        except ValidationError as error:
            raise MethodSessionRefused(index, error) from error
        session = AgendaItem(
            visit=visit,
            day=row["day"],
            start_time=row["start_time"],
            end_time=row["end_time"],
            session_type=row["session_type"],
            title=row["title"],
        )
        session._change_reason = gettext_lazy("Started from the method")
        session.save()
        log_action(
            actor=actor,
            action="session.added",
            obj=session,
            scheme=visit.scheme,
            data={"fields": ["day", "start_time", "end_time", "session_type", "title"], **_session_data(visit)},
        )
        created.append(session)
    return created


def worth_checking(*, peer, city_parties, visits):
    """What the seeds' experience says is worth checking on a scheme (never blocking), as
    a list of schemes.method.Warning: every visit still on the plan hosted by one side
    (seed 000 §6), every one of them online (seed 004), a mentee city's local support
    group with members but no migrant representative, the stakeholder type "migrant or
    community association" (seed 000 §4). Reads nothing: ``city_parties`` are the
    scheme's city parties (with ``support_group_size`` and ``migrant_members``, as
    progress_for reads them), ``visits`` its visits."""
    from .. import method
    from ..models import MeetingMode, Side, VisitKind

    result = []
    live = [visit for visit in visits if visit.status != VisitStatus.CANCELLED]
    side_of = {party.organisation_id: party.side for party in city_parties}
    sides = {side_of.get(visit.host_id) for visit in live if visit.host_id in side_of}
    both = {Side.MENTEE, Side.MENTOR} <= {party.side for party in city_parties}
    if not peer and both and len(sides) == 1:
        result.append(
            method.warning(
                method.ONE_SIDE_ONLY,
                _("Every visit is hosted by the mentor side.")
                if Side.MENTOR in sides
                else _("Every visit is hosted by the mentee side."),
            )
        )
    if live and all(visit.mode == MeetingMode.ONLINE or visit.kind == VisitKind.ONLINE for visit in live):
        result.append(method.warning(method.ALL_ONLINE, _("Every visit is online.")))
    for party in city_parties:
        if party.side == Side.MENTOR or not getattr(party, "support_group_size", 0):
            continue
        if not getattr(party, "migrant_members", 0):
            result.append(
                method.warning(
                    method.NO_MIGRANT_REPRESENTATIVE,
                    _("The local support group of %(city)s has no migrant representative.") % {"city": party.organisation.label},
                )
            )
    return result
