"""Deadlines that reach people through their notifications (run daily by the
``deadlines_notify`` task; e-mailed as each person chooses, the "deadlines" kind).

- **Due soon**: each task of a person's "Waiting for you" list that has a due date (a
  document to fill or submit, an agenda to build, a visit to confirm...) is told to them
  ``days`` before it (the programme's days before a due date), once per threshold, in
  their language, linking to the page where it is done.
- **Overdue**: an action of an approved action plan whose due date has passed and that
  is not finished (in a scheme that takes implementation in: schemes/focus.py) is told
  to the mentee city's officers (the city leads its plan), once
  per due date (moved to a new date, and late again: told again).

Each notice is an entry of the activity log written by the application ("deadline.near",
"deadline.overdue"), so it is a notification like any other; the scheme's recent changes
leave these notices out. Running the task twice on a day tells nothing twice."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from mentoring.activity import log_action
from mentoring.models import LogEntry

from ..focus import scope_q
from ..models import Action, ActionPlanStatus, SchemeRole
from .action_plans import FINISHED
from .my_work import tasks_for

# The kinds of task that are the next visit itself (its reminders go by e-mail already).
VISIT_KINDS = {"visit", "preparation"}


def due_days(programme):
    """The days before a due date when people are told: the programme's (set by its
    coordinators, the same days as its e-mailed reminders), smallest first."""
    return sorted(programme.days_before_due)


def _told(since):
    """(person, task key, threshold) of the notices already written since ``since``."""
    told = set()
    for data in LogEntry.objects.filter(action="deadline.near", time__gte=since).values_list("data", flat=True):
        told.add((data.get("user"), data.get("task"), data.get("threshold")))
    return told


def notify_due_soon(today=None):
    """Tell each person of their tasks due within the programme's days; returns how many
    notices were written."""
    today = today or timezone.localdate()
    told = _told(timezone.now() - datetime.timedelta(days=120))
    people = (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=SchemeRole.objects.filter(scheme__archived=False, scheme__programme__archived=False).values("user_id"),
        )
        .order_by("pk")
    )
    written = 0
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            for task in tasks_for(person, today=today):
                if not task.key or task.when is None or task.kind in VISIT_KINDS or task.when < today:
                    continue
                left = (task.when - today).days
                thresholds = [day for day in due_days(task.scheme.programme) if left <= day]
                if not thresholds:
                    continue
                threshold = min(thresholds)
                if (person.pk, task.key, threshold) in told:
                    continue
                with transaction.atomic():
                    log_action(
                        actor=None,
                        action="deadline.near",
                        obj=task.scheme,
                        scheme=task.scheme,
                        label=task.text,
                        data={
                            "user": person.pk,
                            "task": task.key,
                            "threshold": threshold,
                            "due": task.when.isoformat(),
                            "url": task.url,
                        },
                    )
                told.add((person.pk, task.key, threshold))
                written += 1
    return written


def notify_overdue(today=None):
    """Tell the mentee city's officers of the actions of approved plans that are late;
    returns how many notices were written."""
    today = today or timezone.localdate()
    late = (
        Action.objects.filter(
            # Approved, or being revised: the approved version stays in force (issue 23).
            Q(plan__status=ActionPlanStatus.APPROVED) | Q(plan__approved_version__isnull=False),
            due_date__lt=today,
            plan__scheme__archived=False,
            plan__scheme__programme__archived=False,
        )
        # Only where implementation is part of the scheme (its focus: schemes/focus.py).
        .filter(scope_q("implementation", "plan__scheme__"))
        .exclude(status__in=FINISHED)
        .select_related("plan__scheme__programme")
        .order_by("pk")
    )
    late = list(late)
    told = {
        (entry["object_id"], entry["data"].get("due"))
        for entry in LogEntry.objects.filter(action="deadline.overdue", object_id__in=[a.pk for a in late]).values(
            "object_id", "data"
        )
    }
    written = 0
    for action in late:
        if (action.pk, action.due_date.isoformat()) in told:
            continue
        with transaction.atomic():
            log_action(
                actor=None,
                action="deadline.overdue",
                obj=action,
                scheme=action.plan.scheme,
                label=action.action,
                data={"due": action.due_date.isoformat()},
            )
        written += 1
    return written
