"""Meetings between the visits (issue 22).

"The visits described below are only the highlights of the mentoring process. Between the
visits, online collaboration needs to take place, e.g. to prepare the technical side of
the visits and to work on drafts of the action plan." (the IncluCities guide, §5.) Each
visit "is prepared by working group meeting of all participants 1-2 months before", and
at the end "a final meeting provides the opportunity to reflect on what all parties have
learned".

A meeting is not a visit: the visits step of the timeline counts visits only. A scheme
has any number of meetings.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .visits import MeetingMode


class MeetingPurpose(models.TextChoices):
    WORKING = "working", _("Working meeting")
    PREPARATION = "preparation", _("Preparation of a visit")
    FINAL = "final", _("Final meeting")


class Meeting(models.Model):
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="meetings")
    purpose = models.CharField(_("purpose"), max_length=20, choices=MeetingPurpose.choices, default=MeetingPurpose.WORKING)
    visit = models.ForeignKey(
        "schemes.Visit",
        verbose_name=_("visit prepared"),
        on_delete=models.SET_NULL,
        related_name="preparation_meetings",
        null=True,
        blank=True,
        help_text=_("For a preparation meeting: the visit it prepares."),
    )
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("mode"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.ONLINE)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        help_text=_("The meeting's times are local times in this zone."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Where the participants meet in person."))
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=_("The address of the online meeting (https://…)."),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="meetings", blank=True
    )
    other_participants = models.TextField(
        _("other participants"), blank=True, help_text=_("Anyone else taking part: names and organisations.")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["scheme_id", "date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(start_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({date_format(self.date, 'DATE_FORMAT')})"

    def get_absolute_url(self):
        scheme = self.scheme
        return reverse("schemes:meeting", kwargs={"programme": scheme.programme.slug, "number": scheme.number, "pk": self.pk})

    @property
    def web_link(self):
        """The link, when it is a web address (only such a link is shown as one)."""
        return self.link if self.link.lower().startswith(("https://", "http://")) else ""

    def clean(self):
        """The rules a meeting keeps, whoever saves it (the form, a restore): within the
        scheme's dates, ending after it starts, preparing a visit of its own scheme."""
        errors = {}
        if bool(self.start_time) != bool(self.end_time):
            errors["end_time" if self.start_time else "start_time"] = _("Give both the start and the end time, or neither.")
        elif self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The meeting ends before it starts.")
        scheme = self.scheme if self.scheme_id else None
        if scheme is not None and self.date:
            start, end = scheme.start_date, scheme.end_date
            if (start and self.date < start) or (end and self.date > end):
                if start and end:
                    message = _("The scheme runs from %(start)s to %(end)s: choose a date within these dates.")
                elif start:
                    message = _("The scheme starts on %(start)s: choose a date from then on.")
                else:
                    message = _("The scheme ends on %(end)s: choose a date until then.")
                errors["date"] = message % {
                    "start": date_format(start, "DATE_FORMAT") if start else "",
                    "end": date_format(end, "DATE_FORMAT") if end else "",
                }
        if self.visit_id is not None:
            if self.purpose != MeetingPurpose.PREPARATION:
                errors["visit"] = _("Only a preparation meeting prepares a visit.")
            elif scheme is not None and self.visit.scheme_id != scheme.pk:
                errors["visit"] = _("This visit is not one of this scheme's.")
            elif self.date and self.visit.start_date and self.date >= self.visit.start_date and "date" not in errors:
                errors["date"] = _("The preparation meeting comes before the visit (its first day is %(day)s).") % {
                    "day": date_format(self.visit.start_date, "DATE_FORMAT")
                }
        if errors:
            raise ValidationError(errors)
