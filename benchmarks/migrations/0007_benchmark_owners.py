"""Give every existing benchmark its owner.

A benchmark belongs to the programme that wrote its first version. One whose first
version was written in no programme (the seeds, and files given to import_benchmark)
stays a shared reference benchmark. A draft that a programme started inside another
programme's benchmark or a shared one (possible before benchmarks had an owner) moves
to a benchmark of its own programme, as an import would place it now, so it can still
be edited and published without changing the other benchmark. Published versions stay
where they are: schemes and public addresses (/benchmarks/<slug>/v<n>/) rely on them.

The slug rule is copied from benchmarks/services.py on purpose: a migration must keep
doing what it did when it was written.
"""

import itertools
import re

from django.db import migrations
from django.db.models import Max


def _own_slugs(slug, programme_slug):
    tail = re.sub(r"[^a-z0-9]+", "-", programme_slug.lower()).strip("-") or "programme"
    for n in itertools.count(1):
        suffix = f"-{tail}" if n == 1 else f"-{tail}-{n}"
        head = slug[: 80 - len(suffix)].rstrip("-")
        yield f"{head}{suffix}" if head else suffix.lstrip("-")


def assign_owners(apps, schema_editor):
    Benchmark = apps.get_model("benchmarks", "Benchmark")
    BenchmarkVersion = apps.get_model("benchmarks", "BenchmarkVersion")
    for benchmark in Benchmark.objects.all():
        first = benchmark.versions.order_by("number").first()
        if first is not None and first.programme_id is not None:
            benchmark.programme_id = first.programme_id
            benchmark.save(update_fields=["programme"])

    drafts = BenchmarkVersion.objects.filter(status="draft", programme__isnull=False).select_related("benchmark", "programme")
    for draft in drafts.order_by("pk"):
        if draft.benchmark.programme_id == draft.programme_id:
            continue
        for slug in _own_slugs(draft.benchmark.slug, draft.programme.slug):
            target, _created = Benchmark.objects.get_or_create(
                slug=slug, defaults={"theme": draft.benchmark.theme, "programme_id": draft.programme_id}
            )
            if target.programme_id == draft.programme_id:
                break
        draft.number = (target.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft.benchmark = target
        draft.save(update_fields=["benchmark", "number"])


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0006_benchmark_programme")]
    operations = [migrations.RunPython(assign_owners, migrations.RunPython.noop)]
