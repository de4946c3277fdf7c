"""Mentoring visits and their agendas (docs/method.md §3.2)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MeetingMode(models.TextChoices):
    """How a visit or a training session meets."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class VisitKind(models.TextChoices):
    """What kind of visit it is (seed 004: visits "to the mentor's city (such as study
    visits and site visits) or to the mentee's city", "work shadowing visits"; seed 002:
    the "peer review" model; seed 000: a virtual "visit")."""

    MENTEE_CITY = "mentee_city", _("Visit to the mentee city")
    STUDY_VISIT = "study_visit", _("Study visit or site visit to the mentor city")
    WORK_SHADOWING = "work_shadowing", _("Work shadowing")
    PEER_REVIEW = "peer_review", _("Peer review")
    ONLINE = "online", _("Online visit")


class Visit(models.Model):
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="visits")
    order = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    host = models.ForeignKey(
        "schemes.Organisation",
        verbose_name=_("host city"),
        on_delete=models.PROTECT,
        related_name="hosted_visits",
        null=True,
        blank=True,
    )
    mode = models.CharField(_("mode"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    kind = models.CharField(_("kind of visit"), max_length=20, choices=VisitKind.choices, default=VisitKind.MENTEE_CITY)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    # Printed under every day of the agenda that has no contact of its own (issue 26,
    # VisitDay): whom the visitors call on the day.
    contact = models.CharField(
        _("contact on the day"),
        max_length=300,
        blank=True,
        help_text=_("Whom the visitors call on the day, with a phone number: for example “Ana Silva, +351 912 345 678”."),
    )
    aim = models.TextField(_("aim"), blank=True)
    expected_outcome = models.TextField(_("expected outcome"), blank=True)
    clarifying_questions = models.TextField(
        _("clarifying questions"),
        blank=True,
        help_text=_("Clarifying questions to be answered during the visit (IncluCities mentoring guide, chapter 5)."),
    )
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        help_text=_("Where the visit takes place: the agenda's times are local times there."),
    )
    notes = models.TextField(_("notes"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    support_group_attendance = models.ManyToManyField(
        "schemes.LocalSupportGroupMember",
        verbose_name=_("local support group members who attended"),
        related_name="visits_attended",
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=[support_group_attendance])

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["scheme_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "order"], name="unique_visit_number_per_scheme"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="visit_ends_after_start",
            ),
        ]

    def __str__(self):
        return _("Visit %(number)s: %(title)s") % {"number": self.order, "title": self.title}

    @property
    def days(self):
        """The visit's days, first to last (empty until both dates are set)."""
        if not (self.start_date and self.end_date):
            return []
        return [self.start_date + datetime.timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)]


class VisitDay(models.Model):
    """A day of a visit with its own contact (issue 26): a visit of several days often has
    a different host officer each day (day 1 the city hall, day 2 a partner NGO). A day
    without a row, or with an empty contact, prints the visit's ``contact``."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="visit_days")
    day = models.DateField(_("day"))
    contact = models.CharField(
        _("contact on the day"),
        max_length=300,
        blank=True,
        help_text=_("Whom the visitors call on this day, with a phone number. Empty: the visit's contact on the day."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact of a day of a visit")
        verbose_name_plural = _("contacts of the days of visits")
        ordering = ["visit_id", "day"]
        constraints = [models.UniqueConstraint(fields=["visit", "day"], name="unique_day_per_visit")]

    def __str__(self):
        return f"{date_format(self.day, 'DATE_FORMAT')}: {self.contact}"


class SessionType(models.TextChoices):
    RECAP = "recap", _("Recap of needs")
    PRESENTATION = "presentation", _("Presentation by host or stakeholders")
    INTERVIEWS = "interviews", _("Interviews and focus groups")
    GOOD_PRACTICE = "good_practice", _("Good-practice presentation")
    SITE_VISIT = "site_visit", _("Site visit")
    WORKSHOP = "workshop", _("Action-planning workshop")
    INFORMAL = "informal", _("Informal activity")
    OTHER = "other", _("Other")


class AgendaItem(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="agenda_items")
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    session_type = models.CharField(_("type of session"), max_length=20, choices=SessionType.choices)
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=300, blank=True)
    lead = models.CharField(_("led by"), max_length=300, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="agenda_items", blank=True
    )
    support_group_members = models.ManyToManyField(
        "schemes.LocalSupportGroupMember", verbose_name=_("local support group members"), related_name="agenda_items", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    good_practice = models.ForeignKey(
        "schemes.GoodPractice",
        verbose_name=_("good practice presented"),
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        null=True,
        blank=True,
    )
    key_factors = models.ManyToManyField(
        "benchmarks.KeyFactor", verbose_name=_("focus key factors discussed"), related_name="agenda_items", blank=True
    )

    history = HistoricalRecords(m2m_fields=[participants, support_group_members, key_factors])

    class Meta:
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")
        ordering = ["visit_id", "day", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return (
            f"{date_format(self.day, 'DATE_FORMAT')} {time_format(self.start_time, 'TIME_FORMAT')}–"
            f"{time_format(self.end_time, 'TIME_FORMAT')} {self.title}"
        )
