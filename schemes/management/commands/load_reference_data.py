from django.core.management.base import BaseCommand

from schemes.services.demo import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the seed benchmarks (fixtures/benchmarks) and the annex questionnaire "
        "templates (fixtures/templates) that are not in the database yet. For production."
    )

    def handle(self, *args, **options):
        loaded = reference_data_load()
        self.stdout.write(self.style.SUCCESS(f"Loaded: {', '.join(loaded)}" if loaded else "Nothing new to load."))
