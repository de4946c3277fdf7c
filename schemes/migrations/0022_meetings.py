"""Meetings between the visits (issue 22). A visit's preparation meeting was a date on the
visit; each such date becomes a Meeting of purpose "preparation" for that visit (titled
"Preparation of <visit title>", online, in the visit's time zone, with a first history
row, and the reminders already sent of it recorded under the meeting's key), then the
date leaves the visit."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def preparation_meetings_to_meetings(apps, schema_editor):
    Visit = apps.get_model("schemes", "Visit")
    Meeting = apps.get_model("schemes", "Meeting")
    HistoricalMeeting = apps.get_model("schemes", "HistoricalMeeting")
    Reminder = apps.get_model("schemes", "Reminder")
    now = timezone.now()
    for visit in Visit.objects.filter(preparation_meeting__isnull=False).order_by("pk").iterator():
        meeting = Meeting.objects.create(
            scheme_id=visit.scheme_id,
            purpose="preparation",
            visit_id=visit.pk,
            title=f"Preparation of {visit.title}"[:200],
            mode="online",
            date=visit.preparation_meeting,
            time_zone=visit.time_zone,
        )
        # The history pages start from a creation row, as for a meeting planned on a page.
        HistoricalMeeting.objects.create(
            id=meeting.pk,
            scheme_id=meeting.scheme_id,
            purpose=meeting.purpose,
            visit_id=meeting.visit_id,
            title=meeting.title,
            mode=meeting.mode,
            date=meeting.date,
            time_zone=meeting.time_zone,
            history_date=now,
            history_type="+",
            history_change_reason="Moved from the visit's preparation date",
        )
        # The reminders already e-mailed of that date stay sent: the reminders name a
        # meeting by its own key now ("meeting:<id>:<date>:<days>").
        day = meeting.date.isoformat()
        for user_id, key in Reminder.objects.filter(key__startswith=f"preparation:{visit.pk}:{day}:").values_list(
            "user_id", "key"
        ):
            Reminder.objects.get_or_create(user_id=user_id, key=f"meeting:{meeting.pk}:{day}:{key.rsplit(':', 1)[1]}")


def meetings_to_preparation_meetings(apps, schema_editor):
    """Back: each visit takes the date of its first preparation meeting."""
    Visit = apps.get_model("schemes", "Visit")
    Meeting = apps.get_model("schemes", "Meeting")
    for meeting in Meeting.objects.filter(purpose="preparation", visit__isnull=False).order_by("-date"):
        Visit.objects.filter(pk=meeting.visit_id).update(preparation_meeting=meeting.date)


class Migration(migrations.Migration):
    dependencies = [
        ("schemes", "0021_benchmark_stages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalMeeting",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("working", "Working meeting"),
                            ("preparation", "Preparation of a visit"),
                            ("final", "Final meeting"),
                        ],
                        default="working",
                        max_length=20,
                        verbose_name="purpose",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "mode",
                    models.CharField(
                        choices=[("in_person", "In person"), ("online", "Online"), ("hybrid", "Hybrid")],
                        default="online",
                        max_length=20,
                        verbose_name="mode",
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("start_time", models.TimeField(blank=True, null=True, verbose_name="starts")),
                ("end_time", models.TimeField(blank=True, null=True, verbose_name="ends")),
                (
                    "time_zone",
                    models.CharField(
                        default="Europe/Brussels",
                        help_text="The meeting's times are local times in this zone.",
                        max_length=64,
                        verbose_name="time zone",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        blank=True, help_text="Where the participants meet in person.", max_length=300, verbose_name="place"
                    ),
                ),
                (
                    "link",
                    models.URLField(
                        blank=True,
                        help_text="The address of the online meeting (https://…).",
                        max_length=500,
                        validators=[django.core.validators.URLValidator(schemes=["https", "http"])],
                        verbose_name="link",
                    ),
                ),
                (
                    "other_participants",
                    models.TextField(
                        blank=True,
                        help_text="Anyone else taking part: names and organisations.",
                        verbose_name="other participants",
                    ),
                ),
                ("agenda", models.TextField(blank=True, verbose_name="agenda")),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("decisions", models.TextField(blank=True, verbose_name="decisions")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "scheme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schemes.scheme",
                        verbose_name="scheme",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="For a preparation meeting: the visit it prepares.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schemes.visit",
                        verbose_name="visit prepared",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical meeting",
                "verbose_name_plural": "historical meetings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Meeting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("working", "Working meeting"),
                            ("preparation", "Preparation of a visit"),
                            ("final", "Final meeting"),
                        ],
                        default="working",
                        max_length=20,
                        verbose_name="purpose",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "mode",
                    models.CharField(
                        choices=[("in_person", "In person"), ("online", "Online"), ("hybrid", "Hybrid")],
                        default="online",
                        max_length=20,
                        verbose_name="mode",
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("start_time", models.TimeField(blank=True, null=True, verbose_name="starts")),
                ("end_time", models.TimeField(blank=True, null=True, verbose_name="ends")),
                (
                    "time_zone",
                    models.CharField(
                        default="Europe/Brussels",
                        help_text="The meeting's times are local times in this zone.",
                        max_length=64,
                        verbose_name="time zone",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        blank=True, help_text="Where the participants meet in person.", max_length=300, verbose_name="place"
                    ),
                ),
                (
                    "link",
                    models.URLField(
                        blank=True,
                        help_text="The address of the online meeting (https://…).",
                        max_length=500,
                        validators=[django.core.validators.URLValidator(schemes=["https", "http"])],
                        verbose_name="link",
                    ),
                ),
                (
                    "other_participants",
                    models.TextField(
                        blank=True,
                        help_text="Anyone else taking part: names and organisations.",
                        verbose_name="other participants",
                    ),
                ),
                ("agenda", models.TextField(blank=True, verbose_name="agenda")),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("decisions", models.TextField(blank=True, verbose_name="decisions")),
                (
                    "participants",
                    models.ManyToManyField(
                        blank=True, related_name="meetings", to=settings.AUTH_USER_MODEL, verbose_name="participants"
                    ),
                ),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meetings",
                        to="schemes.scheme",
                        verbose_name="scheme",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        help_text="For a preparation meeting: the visit it prepares.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="preparation_meetings",
                        to="schemes.visit",
                        verbose_name="visit prepared",
                    ),
                ),
            ],
            options={
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
                "ordering": ["scheme_id", "date", "start_time", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalMeeting_participants",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to="schemes.historicalmeeting"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schemes.meeting",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalMeeting_participants",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_time__isnull", True),
                    ("start_time__isnull", True),
                    ("end_time__gt", models.F("start_time")),
                    _connector="OR",
                ),
                name="meeting_ends_after_start",
            ),
        ),
        migrations.RunPython(preparation_meetings_to_meetings, meetings_to_preparation_meetings),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="preparation_meeting",
        ),
        migrations.RemoveField(
            model_name="visit",
            name="preparation_meeting",
        ),
    ]
