import json

from django.core.management.base import BaseCommand, CommandError

from benchmarks.models import BenchmarkVersion
from benchmarks.services import benchmark_export


class Command(BaseCommand):
    help = (
        "Write a benchmark as JSON (format mentoring-benchmark/1) on standard output: "
        "its latest version, or the one given with --number."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The benchmark's short name, e.g. implementoring-theme-a.")
        parser.add_argument("--number", type=int, dest="number", help="Version number (default: the latest).")

    def handle(self, *args, slug, number=None, **options):
        versions = BenchmarkVersion.objects.filter(benchmark__slug=slug).select_related("benchmark")
        if number is not None:
            versions = versions.filter(number=number)
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError(f"No benchmark {slug!r}" + (f" version {number}" if number else "") + ".")
        self.stdout.write(json.dumps(benchmark_export(version=version), ensure_ascii=False, indent=2))
