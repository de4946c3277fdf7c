"""manage.py attachments_purge: delete the files (and rows) of the attachments removed
more than ATTACHMENT_RETENTION_DAYS ago (the ``attachments_purge`` background task does it
daily: mentoring/tasks.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from schemes.services.attachments import attachments_purge


class Command(BaseCommand):
    help = (
        "Delete the stored files, and their rows, of the attachments removed more than ATTACHMENT_RETENTION_DAYS "
        "ago (no longer restorable with their object's earlier version). A file the store cannot delete is kept "
        "for the next run. The attachments_purge background task runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        outcome = attachments_purge(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {outcome.files} removed attachments ({filesizeformat(outcome.size)})")
        for pk, error in outcome.failed:
            self.stderr.write(f"attachment {pk} not deleted (tried again next run): {error}")
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} files could not be deleted")
