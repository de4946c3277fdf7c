"""manage.py data_exports_purge: delete the files of the “Download my data” ZIPs whose
link has expired (the ``data_exports_purge`` background task does it every hour:
mentoring/tasks.py)."""

from django.core.management.base import BaseCommand

from mentoring.data_exports import exports_purge


class Command(BaseCommand):
    help = (
        "Delete the stored ZIPs of the data downloads whose link has expired (DATA_EXPORT_VALID_HOURS), and the "
        "rows of those expired over 30 days ago. The data_exports_purge background task runs it every hour."
    )

    def handle(self, *args, **options):
        files, rows = exports_purge()
        self.stdout.write(f"deleted {files} expired data downloads ({rows} old records)")
