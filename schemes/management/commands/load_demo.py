from django.conf import settings
from django.core.management.base import BaseCommand

from schemes.services.demo import demo_load


class Command(BaseCommand):
    help = (
        "Load the seed benchmarks, the annex templates and the demo data (IncluCities and "
        "ImpleMentoring programmes, one demo account per role). Safe to run twice. Demo "
        "accounts can only log in while DEBUG is on."
    )

    def handle(self, *args, **options):
        logins = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins (password: %s):" % settings.DEMO_PASSWORD))
        for email, role in logins:
            self.stdout.write(f"  {email:40} {role}")
        if not settings.DEBUG:
            self.stdout.write(self.style.WARNING("DEBUG is off: demo accounts cannot log in."))
