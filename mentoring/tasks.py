"""Background work that is not a document: e-mail, and the clean-ups that run on a
schedule. On Django's tasks API (django-tasks, database backend): a request enqueues and
answers at once; ``manage.py db_worker`` runs the tasks.

The daily reminders (``reminders_send``) are one of the periodic tasks; ``manage.py
send_reminders`` does the same from cron.

E-mail leaves the request so that a slow or unreachable mail server never holds a page,
and so that a page answers in the same time whether or not it sends one (the password
reset page must not tell, by its speed, which addresses have an account).

Periodic tasks (``PERIODIC``) put themselves back on the queue for their next run when
they run; ``manage.py schedule_tasks`` starts them once on a new database (and is safe
to run again: a task already waiting is not added twice).
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

logger = logging.getLogger("mentoring.tasks")


@task()
def email_send(*, subject, body, to, language=None):
    """Send one e-mail, as plain text and as the same text in HTML (paragraphs, links
    made clickable, everything else escaped); subject and body are already written in the
    reader's language by the request that enqueued it."""
    message = EmailMultiAlternatives(subject, body, None, to)
    with translation.override(language):
        html = render_to_string("emails/plain.html", {"subject": subject, "body": body})
    message.attach_alternative(html, "text/html")
    message.send()


def email_enqueue(*, subject, body, to):
    # The language they are written in (the active one), for the HTML part's lang.
    email_send.enqueue(subject=str(subject), body=str(body), to=list(to), language=translation.get_language())


@task()
def sessions_clear():
    """Delete expired sessions (what ``manage.py clearsessions`` does), then come back in
    an hour."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("expired sessions cleared: %s", deleted)
    _again(sessions_clear)


@task()
def task_results_prune():
    """Forget finished tasks older than a week (their arguments hold e-mails and
    documents' HTML), then come back in a day."""
    from django_tasks_db.models import DBTaskResult

    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - timedelta(days=7)).delete()
    logger.info("finished tasks pruned: %s", deleted)
    _again(task_results_prune)


@task()
def notifications_email(entry_id):
    """E-mail the notifications of one activity-log entry that go at once (enqueued
    after the commit that wrote them; ``mentoring.emails``)."""
    from .emails import send_immediate

    send_immediate(entry_id)


@task()
def notifications_email_sweep():
    """E-mail the notifications that go at once and are not sent yet (a refused e-mail,
    a lost task), then come back in five minutes."""
    from .emails import send_immediate

    with _then_again(notifications_email_sweep):
        outcome = send_immediate()
        logger.info("notification e-mails sent: %s, failed: %s", outcome.emails, len(outcome.failed))


@task()
def digests_send():
    """Send the daily and weekly summaries that are due, then come back in an hour."""
    from .emails import send_digests

    with _then_again(digests_send):
        outcome = send_digests()
        logger.info("summaries sent: %s, failed: %s", outcome.emails, len(outcome.failed))


@task()
def deadlines_notify():
    """Tell people of what they must do that is due soon, and of overdue actions
    (``schemes.services.deadlines``), then come back in a day."""
    from schemes.services.deadlines import notify_due_soon, notify_overdue

    with _then_again(deadlines_notify):
        logger.info("deadline notices: %s due soon, %s overdue", notify_due_soon(), notify_overdue())


@task()
def reminders_send():
    """E-mail the reminders due today (what ``manage.py send_reminders`` does, for a site
    without cron), then come back the next day. Each reminder is recorded as it goes, so
    a run of the command as well sends nothing twice; an e-mail that failed goes next run."""
    from schemes.services.reminders import send_reminders  # mentoring never imports schemes at import time

    with _then_again(reminders_send):
        outcome = send_reminders()
        logger.info(
            "reminders sent to %s people: %s about visits, %s about tasks",
            outcome.people,
            outcome.visit_items,
            outcome.task_items,
        )
        for email, error in outcome.failed:
            logger.warning("reminder not sent to %s (tried again next run): %s", email, error)


@task()
def attachments_purge():
    """Delete the files of the attachments removed more than ATTACHMENT_RETENTION_DAYS
    ago (what ``manage.py attachments_purge`` does), then come back the next day."""
    from schemes.services.attachments import attachments_purge as purge  # mentoring never imports schemes at import time

    with _then_again(attachments_purge):
        outcome = purge()
        logger.info("removed attachments purged: %s (%s bytes)", outcome.files, outcome.size)
        for pk, error in outcome.failed:
            logger.warning("attachment %s not purged (tried again next run): %s", pk, error)


@task()
def data_export_build(export_id):
    """Build one person's “Download my data” ZIP and e-mail them its link
    (``mentoring.data_exports``; the link is made here, never passed as an argument)."""
    from .data_exports import export_build

    export_build(export_id)


@task()
def data_exports_purge():
    """Delete the files of expired data downloads (what ``manage.py data_exports_purge``
    does), then come back in an hour."""
    from .data_exports import exports_purge

    with _then_again(data_exports_purge):
        files, rows = exports_purge()
        logger.info("expired data downloads purged: %s files, %s rows", files, rows)


@task()
def retention():
    """Pseudonymise the personal data of the programmes archived for longer than
    RETENTION_DAYS (what ``manage.py retention`` does; mentoring.erasure), then come back
    the next day."""
    from .erasure import retention_apply

    with _then_again(retention):
        report = retention_apply()
        logger.info(
            "retention: %s programmes past the period, %s people and %s invitations pseudonymised",
            len(report.programmes),
            len(report.people),
            report.invitations,
        )


@task()
def login_records_prune():
    """Forget django-axes' records of logins older than LOGIN_RECORD_DAYS (what
    ``manage.py axes_reset_logs --age`` does), then come back in a day."""
    from axes.handlers.proxy import AxesProxyHandler

    with _then_again(login_records_prune):
        deleted = AxesProxyHandler.reset_logs(age_days=settings.LOGIN_RECORD_DAYS)
        logger.info("login records older than %s days forgotten: %s", settings.LOGIN_RECORD_DAYS, deleted)


# Each periodic task and how often it runs.
PERIODIC = {
    sessions_clear: timedelta(hours=1),
    task_results_prune: timedelta(days=1),
    notifications_email_sweep: timedelta(minutes=5),
    digests_send: timedelta(hours=1),
    deadlines_notify: timedelta(days=1),
    reminders_send: timedelta(days=1),
    attachments_purge: timedelta(days=1),
    data_exports_purge: timedelta(hours=1),
    retention: timedelta(days=1),
    login_records_prune: timedelta(days=1),
}


@contextmanager
def _then_again(periodic):
    """Run the block, then put ``periodic`` back on the queue for its next run, even when
    the block fails: tomorrow's run is queued when today's fails half way, and catches
    up what was missed."""
    try:
        yield
    finally:
        _again(periodic)


def _again(periodic):
    # A backend that runs tasks at once (tests) has no "later": the task runs once.
    if periodic.get_backend().supports_defer:
        periodic.using(run_after=timezone.now() + PERIODIC[periodic]).enqueue()


def periodic_schedule():
    """Enqueue each periodic task that is not waiting on the queue already (on the
    database backend; other backends run them at once). Returns the names enqueued."""
    from django_tasks import default_task_backend

    enqueued = []
    for periodic in PERIODIC:
        if default_task_backend.supports_get_result and _waiting(periodic):
            continue
        periodic.enqueue()
        enqueued.append(periodic.name)
    return enqueued


def _waiting(periodic):
    from django_tasks_db.models import DBTaskResult

    # Waiting: ready now or later (its next run), or running.
    return DBTaskResult.objects.filter(task_path=periodic.module_path, status__in=["READY", "RUNNING"]).exists()
