from django.db import migrations
from django.db.models import F


def published_when_created(apps, schema_editor):
    """Versions published before drafts existed were published when they were created."""
    BenchmarkVersion = apps.get_model("benchmarks", "BenchmarkVersion")
    BenchmarkVersion.objects.filter(status="published", published_at__isnull=True).update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0003_drafts")]
    operations = [migrations.RunPython(published_when_created, migrations.RunPython.noop)]
