"""manage.py retention: replace by pseudonyms the personal data of the programmes
archived for longer than RETENTION_DAYS (the ``retention`` background task does it daily:
mentoring/tasks.py; what is rewritten: mentoring/erasure.py). Documents stay."""

from django.core.management.base import BaseCommand

from mentoring.erasure import retention_apply


class Command(BaseCommand):
    help = (
        "Pseudonymise the people, invitations, login records, sessions and activity-log entries of the programmes "
        "archived for longer than RETENTION_DAYS (people in another programme still open are left alone); "
        "the documents stay. The retention background task runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be pseudonymised; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = retention_apply(dry_run=dry_run)
        self.stdout.write(f"retention period ends for programmes archived before {report.cutoff:%Y-%m-%d}")
        for programme, since in report.programmes:
            self.stdout.write(f"  {programme.name} ({programme.slug}): archived {since:%Y-%m-%d}")
        verb = "would pseudonymise" if dry_run else "pseudonymised"
        self.stdout.write(
            f"{verb}: {len(report.people)} people, {report.invitations} invitations, "
            f"{report.login_records} login records, {report.sessions} sessions, {report.log_entries} log entries"
        )
