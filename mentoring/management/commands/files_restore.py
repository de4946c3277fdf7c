"""manage.py files_restore DIR: write the files of a files_backup copy into the
configured store, which must be empty (--force: write over files of the same name),
each checked against the manifest's SHA-256 before and after; --check only compares the
store with the backup (docs/deployment.md, the restore drill)."""

from django.core.management.base import BaseCommand, CommandError

from mentoring.file_store import BackupError, read_manifest, restore, verify


class Command(BaseCommand):
    help = (
        "Restore the attached files of a files_backup directory into the configured store (directory or S3 "
        "bucket), which must be empty unless --force; every file is checked against manifest.json (SHA-256) "
        "before it is written and read back after. --check compares the store with the backup, writing nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a directory written by files_backup")
        parser.add_argument("--force", action="store_true", help="restore into a store that already holds files")
        parser.add_argument("--check", action="store_true", help="only compare the store with the backup")

    def handle(self, *args, directory, force, check, **options):
        try:
            if check:
                count = len(read_manifest(directory))
                wrong = verify(directory)
                if wrong:
                    raise CommandError(f"{len(wrong)} of {count} files missing or different: {', '.join(wrong[:20])}")
                self.stdout.write(f"{count} files in the store, checksums equal")
                return
            entries = restore(directory, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(entries)} files restored, checksums equal")
