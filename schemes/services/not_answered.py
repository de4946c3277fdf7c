"""Who has not answered (``/programmes/<slug>/reminders/``, for the programme's
coordinators): per active scheme, each person's open tasks (what, due when, how near or
late) with the last reminder e-mailed to them about it, and the visits coming up with
whether they are confirmed and who was reminded of them.

The tasks are those of each person's "Waiting for you" list (``my_work.tasks_of_everyone``)
and the reminders the rows ``send_reminders`` wrote (``reminders.task_reminder_keys``):
all read in a fixed number of queries, for one scheme or a thousand.

Visits have no attendance of their own to confirm (people are not asked whether they
come): a visit shows whether its facilitators confirmed it, and its reminders."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Reminder, Scheme, SchemeRole, Visit, VisitStatus
from .my_work import _url, scope_for_programme, tasks_of_everyone


@dataclass
class Sent:
    at: datetime.datetime
    what: str  # "when it appeared", "7 days before the due date", "when late"


@dataclass
class OpenTask:
    person: object
    task: object
    reminded: Sent | None = None


@dataclass
class VisitRow:
    visit: object
    url: str
    facilitators: list
    reminded: int = 0  # people reminded of it (its dates as they are now)
    last_reminded: datetime.datetime | None = None

    @property
    def confirmed(self):
        return self.visit.status == VisitStatus.CONFIRMED


@dataclass
class SchemeRows:
    scheme: Scheme
    tasks: list = field(default_factory=list)
    visits: list = field(default_factory=list)


def _reminder_label(key):
    """What a task reminder's key says, in words."""
    if ":late:" in key:
        return _("when late")
    if ":before:" in key:
        days = int(key.rsplit(":", 1)[1])
        if days == 0:
            return _("on the due date")
        return ngettext("%(count)s day before the due date", "%(count)s days before the due date", days) % {"count": days}
    return _("when it appeared")


def _task_base(key):
    # "task:<task key>[:before:<date>:<days> | :late:<date>]" -> "<task key>"
    return key[len("task:") :].split(":before:")[0].split(":late:")[0]


def not_answered(programme, today=None, schemes=None):
    """[SchemeRows] of the programme's active schemes (those of ``schemes``, ids: a page
    of them), by number; the people's tasks soonest due first."""
    today = today or timezone.localdate()
    scope = scope_for_programme(programme, schemes)
    schemes = {
        scheme.pk: SchemeRows(scheme)
        for scheme in Scheme.objects.filter(pk__in=scope.schemes).select_related("programme").order_by("number")
    }
    everyone = tasks_of_everyone(scope, today)
    people = SchemeRole.objects.filter(scheme_id__in=scope.schemes).values("user_id")
    # Every reminder of the programme's people about a task or a visit, in one query;
    # the latest of each (person, task) and each visit's.
    latest, visit_reminders = {}, {}
    for user_id, key, sent_at in (
        Reminder.objects.filter(user_id__in=people)
        .filter(Q(key__startswith="task:") | Q(key__startswith="visit:"))
        .order_by("sent_at", "pk")
        .values_list("user_id", "key", "sent_at")
    ):
        if key.startswith("task:"):
            latest[(user_id, _task_base(key))] = Sent(sent_at, _reminder_label(key))
        else:
            _kind, visit_id, day, _days = key.split(":", 3)  # "visit:<id>:<first day>:<days>"
            visit_reminders.setdefault((int(visit_id), day), {})[user_id] = sent_at

    for person, tasks in everyone.items():
        for task in tasks:
            rows = schemes.get(task.scheme.pk)
            if rows is not None:
                rows.tasks.append(OpenTask(person, task, latest.get((person.pk, task.key)) if task.key else None))
    for rows in schemes.values():
        rows.tasks.sort(key=lambda row: (row.task.when or datetime.date.max, str(row.person), row.task.text))

    facilitators = {}
    for role in scope.roles:
        if role.role == "facilitator":
            facilitators.setdefault(role.scheme_id, []).append(role.user)
    for visit in _upcoming(scope, today):
        told = visit_reminders.get((visit.pk, str(visit.start_date)), {})
        rows = schemes[visit.scheme_id]
        rows.visits.append(
            VisitRow(
                visit,
                _url("visit", visit.scheme, visit=visit.order),
                sorted(facilitators.get(visit.scheme_id, []), key=str),
                reminded=len(told),
                last_reminded=max(told.values(), default=None),
            )
        )
    return list(schemes.values())


def _upcoming(scope, today):
    return (
        Visit.objects.filter(scheme_id__in=scope.schemes, start_date__gte=today)
        .filter(status__in=[VisitStatus.PLANNED, VisitStatus.CONFIRMED])
        .select_related("scheme__programme", "host")
        .order_by("start_date", "order")
    )
