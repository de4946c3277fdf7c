import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarks.services import BenchmarkFormatError, benchmark_import, benchmark_load_json


class Command(BaseCommand):
    help = (
        "Read a benchmark from a JSON file (format mentoring-benchmark/1; '-' for standard "
        "input). A benchmark whose slug exists gets a new version. Nothing is written "
        "unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the JSON file, or - for standard input.")

    def handle(self, *args, file, **options):
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            version = benchmark_import(data=benchmark_load_json(raw))
        except BenchmarkFormatError as exc:
            lines = "\n".join(f"  - {error}" for error in exc.errors[:50])
            more = f"\n  ... and {len(exc.errors) - 50} more" if len(exc.errors) > 50 else ""
            raise CommandError(f"{file} is not a valid benchmark; nothing was imported:\n{lines}{more}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {version.benchmark.slug} version {version.number}: "
                f"{version.key_factors.count()} key factors, {version.context_factors.count()} context factors."
            )
        )
