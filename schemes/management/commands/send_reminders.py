"""manage.py send_reminders: e-mail the reminders due today (run it daily from cron, or
let the ``reminders_send`` background task do it: mentoring/tasks.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from schemes.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail the reminders due today, on each programme's days: visits coming up (14 and 3 days before by "
        "default) and tasks waiting for someone (when they appear, 7 and 1 days before they are due by default, "
        "and once late). Each reminder is sent once: running it again sends nothing twice. Run it daily, e.g. "
        "from cron: 0 7 * * * cd /srv/mentoring && .venv/bin/python manage.py send_reminders (or leave it to the "
        "reminders_send background task, which manage.py schedule_tasks starts)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send and record nothing.")
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD), to test a schedule.")

    def handle(self, *args, dry_run=False, today=None, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today: {error}") from error
        outcome = send_reminders(today=today, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{verb} reminders to {outcome.people} people: {outcome.visit_items} about visits, "
            f"{outcome.task_items} about waiting documents"
        )
        for email, error in outcome.failed:
            self.stderr.write(f"not sent to {email} (will be tried again next run): {error}")
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} e-mails failed")
