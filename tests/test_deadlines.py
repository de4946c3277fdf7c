"""Deadlines that reach people (schemes.services.deadlines): what is due soon is told to
whoever must do it, on the programme's days before the due date, once each; an overdue
action of an approved plan is told to the mentee city's officers; the notices link to
where the work is done and stay out of the scheme's recent changes."""

import datetime

from django.utils import timezone

from mentoring.activity import recent_changes
from mentoring.models import Notification
from schemes.models import Action, ActionPlanStatus
from schemes.services.action_plans import plan_get_or_create
from schemes.services.deadlines import notify_due_soon, notify_overdue


def _visit_in(personas, days):
    visit = personas.a.visits.get(order=1)
    visit.start_date = visit.end_date = timezone.localdate() + datetime.timedelta(days=days)
    visit.host = personas.mentee_city
    visit.save()
    return visit


def _told(user):
    return [(n.entry.action, n.entry.label, n.kind) for n in Notification.objects.filter(recipient=user).select_related("entry")]


def _days(personas, days):
    personas.programme.reminder_days_before_due = days
    personas.programme.save()


def test_a_task_due_soon_is_told_on_each_threshold_once(personas):
    _days(personas, "7, 1")
    _visit_in(personas, 10)
    today = timezone.localdate()
    mentee = personas.users["mentee"]
    assert notify_due_soon(today) == 0  # ten days ahead: not yet
    notify_due_soon(today + datetime.timedelta(days=3))  # seven days ahead
    told = _told(mentee)
    assert ("deadline.near", "Fill and submit the needs analysis of Menteeville", "deadlines") in told
    count = len(told)
    notify_due_soon(today + datetime.timedelta(days=4))  # six days ahead: same threshold
    assert len(_told(mentee)) == count
    notify_due_soon(today + datetime.timedelta(days=9))  # the day before: told again
    assert len(_told(mentee)) > count
    # The mentor city's officer is not told of the mentee city's document.
    assert not any("needs analysis of Menteeville" in label for _a, label, _k in _told(personas.users["mentor"]))


def test_the_notice_reads_with_its_date_and_links_to_the_task(personas):
    _days(personas, "7")
    visit = _visit_in(personas, 5)
    notify_due_soon()
    page = personas.client("mentee").get("/notifications/").content.decode()
    assert f"Fill and submit the needs analysis of Menteeville: due on {visit.start_date.day} {visit.start_date:%b %Y}" in page
    assert f'href="/programmes/test-programme/schemes/1/needs-analysis/{personas.mentee_city.pk}/"' in page
    # Not a change of the scheme.
    assert not any("due on" in change.text for change in recent_changes(personas.a))


def test_an_overdue_action_is_told_to_the_mentee_side_once_per_due_date(personas):
    plan = plan_get_or_create(scheme=personas.a)
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    today = timezone.localdate()
    action = Action.objects.create(plan=plan, action="Open a welcome desk", due_date=today - datetime.timedelta(days=2))
    Action.objects.create(plan=plan, action="Done already", due_date=today - datetime.timedelta(days=2), status="done")
    assert notify_overdue(today) == 1
    assert notify_overdue(today) == 0
    told = _told(personas.users["mentee"])
    assert told == [("deadline.overdue", "Open a welcome desk", "deadlines")]
    assert not _told(personas.users["mentor"])
    page = personas.client("mentee").get("/notifications/").content.decode()
    assert "The action “Open a welcome desk” is overdue" in page
    assert f"#action-{action.pk}" in page
    # Moved to a new date, and late again: told again.
    action.due_date = today - datetime.timedelta(days=1)
    action.save()
    assert notify_overdue(today) == 1
