"""manage.py files_backup DIR: copy every attached file of the configured store (the
directory on disk or the S3 bucket) into DIR, with manifest.json (name, size and
SHA-256 of each). Run it after pg_dump (docs/deployment.md, the restore drill)."""

from django.core.management.base import BaseCommand, CommandError

from mentoring.file_store import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy every attached file of the configured store (directory or S3 bucket) into DIR (new or empty), "
        "with manifest.json: the name, size and SHA-256 of each file. Run it after pg_dump."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a new or empty directory for the copy")

    def handle(self, *args, directory, **options):
        try:
            entries = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(entry.size for entry in entries)
        self.stdout.write(f"{len(entries)} files backed up ({total} bytes) into {directory}, with manifest.json")
