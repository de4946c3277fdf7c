"""Reminders by e-mail (``manage.py send_reminders`` from cron, or the daily
``reminders_send`` background task: mentoring/tasks.py).

Two kinds, in one e-mail per person and run, in the person's language, on the days each
programme's coordinators chose (``Programme.reminder_days_before_visit`` and
``reminder_days_before_due``; a new programme starts with REMINDER_DAYS_BEFORE_VISIT and
REMINDER_DAYS_BEFORE_DUE):
- **before a visit**: everyone of the scheme (observers aside) hears of a visit on each of
  the programme's days before its first day (14 and 3 by default), and of each meeting
  between the visits (a visit's preparation meeting among them) as many days before its
  date; a visit or meeting moved to new dates is announced again;
- **a task waits**: each task of the person's "Waiting for you" list (a document to fill
  and submit, a scope to agree, a plan to approve, an agenda to build, a mentee to pair)
  is sent when it first appears; a task with a due date again on each of the programme's
  days before that date (7 and 1 by default), and once when it is late. A due date that
  moves starts its reminders again. One line per task and e-mail, whichever of these
  reminders fall on the same day.

Each reminder is recorded (person, subject) before its e-mail leaves, in the same
transaction: running the command twice, or two runs at once, sends nothing twice, and a
failed e-mail is not recorded, so the next run sends it. A day missed (no run that day)
is caught up by the next run, with the reminder of the nearest day not yet passed.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Meeting, ProgrammeRole, Reminder, SchemeRole, Visit, VisitStatus
from ..models.programmes import MAX_REMINDER_DAYS
from .my_work import tasks_for


@dataclass
class Item:
    keys: list  # the Reminder keys the line stands for
    text: str
    url: str


def _threshold(days, left):
    """The reminder day ``left`` days ahead falls under: the nearest of ``days`` not yet
    passed (3 of [14, 3] two days ahead, when the run of three days ahead was missed),
    None when it is further than the largest."""
    later = [n for n in days if n >= left]
    return min(later) if later else None


def task_reminder_keys(task, today):
    """The reminders of ``task`` due ``today``: when it first appears (``task:<key>``);
    before its due date, at its programme's day it falls under
    (``task:<key>:before:<date>:<days>``); once late (``task:<key>:late:<date>``)."""
    keys = [f"task:{task.key}"]
    if task.when:
        left = (task.when - today).days
        if left < 0:
            keys.append(f"task:{task.key}:late:{task.when.isoformat()}")
        else:
            threshold = _threshold(task.scheme.programme.days_before_due, left)
            if threshold is not None:
                keys.append(f"task:{task.key}:before:{task.when.isoformat()}:{threshold}")
    return keys


@dataclass
class Outcome:
    people: int = 0
    visit_items: int = 0
    task_items: int = 0
    failed: list = field(default_factory=list)


def _people(scheme_ids):
    """{scheme id: {user id}}: who of each scheme hears of its visits and meetings
    (observers aside)."""
    people = {}
    for scheme_id, user_id in (
        SchemeRole.objects.filter(scheme__in=scheme_ids).exclude(role="observer").values_list("scheme_id", "user_id")
    ):
        people.setdefault(scheme_id, set()).add(user_id)
    return people


def _visit_items(today):
    """{user id: [(day, days left, Item, what the e-mail says of it)]} for the visits and
    the meetings whose reminder day has come, on each one's programme's days."""
    # Read up to the largest day any programme may choose; each visit is then held to its
    # own programme's days.
    window = {"gte": today, "lte": today + datetime.timedelta(days=MAX_REMINDER_DAYS)}
    active = {"scheme__archived": False, "scheme__programme__archived": False}
    visits = list(
        Visit.objects.filter(
            start_date__gte=window["gte"],
            start_date__lte=window["lte"],
            status__in=[VisitStatus.PLANNED, VisitStatus.CONFIRMED],
            **active,
        ).select_related("scheme__programme", "host")
    )
    # The meetings between the visits (a preparation meeting of a cancelled visit aside).
    meetings = list(
        Meeting.objects.filter(date__gte=window["gte"], date__lte=window["lte"], **active)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .select_related("scheme__programme")
    )
    people = _people({v.scheme_id for v in visits} | {m.scheme_id for m in meetings})
    items = {}
    events = [("visit", visit, visit.start_date, {"visit": visit}) for visit in visits] + [
        ("meeting", meeting, meeting.date, {"meeting": meeting}) for meeting in meetings
    ]
    for prefix, thing, day, what in events:
        scheme = thing.scheme
        kwargs = {"programme": scheme.programme.slug, "number": scheme.number}
        if prefix == "visit":
            url = reverse("schemes:visit", kwargs={**kwargs, "visit": thing.order})
        else:
            url = reverse("schemes:meeting", kwargs={**kwargs, "pk": thing.pk})
        days = scheme.programme.days_before_visit
        left = (day - today).days
        if left == 0 and 0 not in days:
            continue  # on the day itself only when the programme asks for it
        threshold = _threshold(days, left)
        if threshold is None:
            continue
        for user_id in people.get(scheme.pk, ()):
            items.setdefault(user_id, []).append(
                (day, left, Item([f"{prefix}:{thing.pk}:{day}:{threshold}"], str(thing), url), {"scheme": scheme, **what})
            )
    return items


def send_reminders(today=None, dry_run=False):
    """Send what is due today; returns an ``Outcome``."""
    today = today or timezone.localdate()
    outcome = Outcome()
    visit_items = _visit_items(today)
    # Everyone a reminder may concern (visits go to people of active schemes, among them).
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=SchemeRole.objects.filter(scheme__archived=False).values("user_id"))
            | Q(pk__in=ProgrammeRole.objects.filter(role="coordinator").values("user_id"))
        )
        .order_by("pk")
    )
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            visits = visit_items.get(user.pk, [])
            tasks = [
                Item(task_reminder_keys(task, today), f"{task.text} ({task.nearness})" if task.nearness else task.text, task.url)
                for task in tasks_for(user, today=today)
                if task.key
            ]
            sent = set(
                Reminder.objects.filter(
                    user=user, key__in=[key for item in [e[2] for e in visits] + tasks for key in item.keys]
                ).values_list("key", flat=True)
            )
            # A line goes when one of its reminders is new; the new ones are recorded.
            for item in [e[2] for e in visits] + tasks:
                item.keys = [key for key in item.keys if key not in sent]
            visits = [entry for entry in visits if entry[2].keys]
            tasks = [task for task in tasks if task.keys]
            if not visits and not tasks:
                continue
            if dry_run:
                outcome.people += 1
                outcome.visit_items += len(visits)
                outcome.task_items += len(tasks)
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.bulk_create(
                        [Reminder(user=user, key=key) for item in [e[2] for e in visits] + tasks for key in item.keys]
                    )
                    _send(user, visits, tasks)
            except IntegrityError:
                continue  # another run sent these meanwhile
            except Exception as error:  # the mail server refused: not recorded, sent next run
                outcome.failed.append((user.email, str(error)))
                continue
            outcome.people += 1
            outcome.visit_items += len(visits)
            outcome.task_items += len(tasks)
    return outcome


def _send(user, visits, tasks):
    site = settings.SITE_URL
    context = {
        "user": user,
        "visits": [
            {**what, "days": left, "link": site + item.url}
            for _day, left, item, what in sorted(visits, key=lambda entry: entry[0])
        ],
        "tasks": [{"text": task.text, "link": site + task.url} for task in tasks],
        "home": site + "/",
    }
    only_meetings = not any("visit" in what for *_rest, what in visits)
    if visits and not tasks:
        subject = _("Reminder: a meeting is coming up") if only_meetings else _("Reminder: a visit is coming up")
    elif tasks and not visits:
        subject = _("Reminder: something is waiting for you")
    elif only_meetings:
        subject = _("Reminder: a meeting is coming up and something is waiting for you")
    else:
        subject = _("Reminder: a visit is coming up and something is waiting for you")
    send_mail(subject, render_to_string("emails/reminder.txt", context), None, [user.email])
