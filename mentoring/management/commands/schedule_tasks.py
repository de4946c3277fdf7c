"""manage.py schedule_tasks: put the periodic tasks on the task queue (``PERIODIC`` in
mentoring/tasks.py: clean-ups, notification and summary e-mails, deadline notices,
reminders, purges, retention). Run once after ``migrate`` on a new database; running it
again adds nothing that is already waiting."""

from django.core.management.base import BaseCommand

from mentoring.tasks import periodic_schedule


class Command(BaseCommand):
    help = (
        "Put the periodic tasks on the task queue: expired sessions cleared (hourly), finished tasks pruned "
        "(daily), notification e-mails (every five minutes) and summaries (hourly), deadline notices and "
        "reminders (daily), removed attachments purged (daily), expired data downloads purged (hourly), "
        "archived programmes' personal data pseudonymised and old login records pruned (daily); "
        "a task already waiting is not added twice. Run after migrate; the workers (db_worker) run them."
    )

    def handle(self, *args, **options):
        enqueued = periodic_schedule()
        self.stdout.write(f"scheduled: {', '.join(enqueued)}" if enqueued else "every periodic task is already waiting")
