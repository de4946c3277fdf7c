"""manage.py schedule_tasks: put the periodic tasks on the task queue (expired sessions
cleared every hour, finished tasks pruned and reminders e-mailed every day). Run once after ``migrate`` on a new
database; running it again adds nothing that is already waiting."""

from django.core.management.base import BaseCommand

from mentoring.tasks import periodic_schedule


class Command(BaseCommand):
    help = (
        "Put the periodic tasks (clearing expired sessions, pruning finished tasks, e-mailing the day's reminders) "
        "on the task queue; "
        "a task already waiting is not added twice. Run after migrate; the workers (db_worker) run them."
    )

    def handle(self, *args, **options):
        enqueued = periodic_schedule()
        self.stdout.write(f"scheduled: {', '.join(enqueued)}" if enqueued else "every periodic task is already waiting")
