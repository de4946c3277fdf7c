"""Reminders by e-mail (``manage.py send_reminders``, run daily by cron).

Two kinds, in one e-mail per person and run, in the person's language:
- **before a visit**: everyone of the scheme (observers aside) hears of a visit
  REMINDER_DAYS_BEFORE_VISIT days before its first day (14 and 3 by default), and of its
  preparation meeting as many days before that; a visit or meeting moved to new dates is
  announced again;
- **a document waits**: each task of the person's "Waiting for you" list (a document to
  fill and submit, a scope to agree, a plan to approve, an agenda to build, a mentee to
  pair) is sent once, when it first appears.

Each reminder is recorded (person, subject) before its e-mail leaves, in the same
transaction: running the command twice, or two runs at once, sends nothing twice, and a
failed e-mail is not recorded, so the next run sends it.
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

from ..models import ProgrammeRole, Reminder, SchemeRole, Visit, VisitStatus
from .my_work import tasks_for


@dataclass
class Item:
    key: str
    text: str
    url: str


@dataclass
class Outcome:
    people: int = 0
    visit_items: int = 0
    task_items: int = 0
    failed: list = field(default_factory=list)


def _visit_items(today):
    """{user id: [Item]} for the visits whose reminder day has come."""
    days = sorted(settings.REMINDER_DAYS_BEFORE_VISIT)
    if not days:
        return {}
    window = {"gt": today, "lte": today + datetime.timedelta(days=days[-1])}
    visits = (
        Visit.objects.filter(
            Q(start_date__gt=window["gt"], start_date__lte=window["lte"])
            | Q(preparation_meeting__gt=window["gt"], preparation_meeting__lte=window["lte"]),
            status__in=[VisitStatus.PLANNED, VisitStatus.CONFIRMED],
        )
        .select_related("scheme__programme", "host")
        .filter(scheme__archived=False, scheme__programme__archived=False)
    )
    visits = list(visits)
    people = {}
    for scheme_id, user_id in (
        SchemeRole.objects.filter(scheme__in={v.scheme_id for v in visits})
        .exclude(role="observer")
        .values_list("scheme_id", "user_id")
    ):
        people.setdefault(scheme_id, set()).add(user_id)
    items = {}
    for visit in visits:
        url = reverse(
            "schemes:visit",
            kwargs={"programme": visit.scheme.programme.slug, "number": visit.scheme.number, "visit": visit.order},
        )
        # The visit, and its preparation meeting (entries: visit, days left, item, meeting day).
        for prefix, day, meeting in (("visit", visit.start_date, None), ("preparation", visit.preparation_meeting, True)):
            if day is None or not window["gt"] < day <= window["lte"]:
                continue
            left = (day - today).days
            threshold = min(n for n in days if left <= n)
            for user_id in people.get(visit.scheme_id, ()):
                items.setdefault(user_id, []).append(
                    (visit, left, Item(f"{prefix}:{visit.pk}:{day}:{threshold}", str(visit), url), day if meeting else None)
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
                Item(f"task:{task.key}", f"{task.text} ({task.nearness})" if task.nearness else task.text, task.url)
                for task in tasks_for(user, today=today)
                if task.key
            ]
            sent = set(
                Reminder.objects.filter(
                    user=user, key__in=[entry[2].key for entry in visits] + [t.key for t in tasks]
                ).values_list("key", flat=True)
            )
            visits = [entry for entry in visits if entry[2].key not in sent]
            tasks = [task for task in tasks if task.key not in sent]
            if not visits and not tasks:
                continue
            if dry_run:
                outcome.people += 1
                outcome.visit_items += len(visits)
                outcome.task_items += len(tasks)
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.bulk_create([Reminder(user=user, key=item.key) for item in [e[2] for e in visits] + tasks])
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
            {"visit": visit, "scheme": visit.scheme, "days": left, "link": site + item.url, "preparation": meeting}
            for visit, left, item, meeting in sorted(visits, key=lambda entry: entry[3] or entry[0].start_date)
        ],
        "tasks": [{"text": task.text, "link": site + task.url} for task in tasks],
        "home": site + "/",
    }
    if visits and not tasks:
        subject = _("Reminder: a visit is coming up")
    elif tasks and not visits:
        subject = _("Reminder: something is waiting for you")
    else:
        subject = _("Reminder: a visit is coming up and something is waiting for you")
    send_mail(subject, render_to_string("emails/reminder.txt", context), None, [user.email])
