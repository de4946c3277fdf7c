"""Calls for mentors and mentees (issue 23).

Seed 000 (§3, matching) speaks of "building mentoring pairs based on a call within a city
network", and seed 004 says "The application process for hosts and participants is
crucial, as it can be challenging to find the perfect match." A coordinator opens a
``Call`` in a programme (its text, its dates, the side it seeks, the questions cities
answer); cities apply through the call's public page, without an account
(``CallApplication``); the coordinator accepts or declines each application. An account
is only ever made by an invitation sent on acceptance: applying creates none.

The call's questions are lines of text, one question a line, answered in free text: a
call asks a few questions of its own, and the cities' full documents (needs analysis,
strengths) are filled with the questionnaire engine once they are accepted.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

MAX_QUESTIONS = 20
QUESTION_LENGTH = 500


def new_call_token():
    return secrets.token_urlsafe(16)


class CallSide(models.TextChoices):
    MENTEES = "mentees", _("Mentee cities")
    MENTORS = "mentors", _("Mentor cities")
    BOTH = "both", _("Mentee and mentor cities")


class ApplicationSide(models.TextChoices):
    """The side a city applies for; the values are ``Side``'s (a scheme's sides)."""

    MENTEE = "mentee", _("As a mentee city (to learn)")
    MENTOR = "mentor", _("As a mentor city (to share experience)")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Call(models.Model):
    programme = models.ForeignKey(
        "schemes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("text of the call"), help_text=_("What the call offers, who may apply and how applications are chosen.")
    )
    side = models.CharField(_("cities sought"), max_length=10, choices=CallSide.choices, default=CallSide.BOTH)
    opens = models.DateField(_("opens on"))
    closes = models.DateField(_("closes on"), help_text=_("The last day applications are taken."))
    questions = models.TextField(
        _("application questions"),
        blank=True,
        help_text=_("One question a line. Each city answers every question in free text when it applies."),
    )
    # The public page's address: random, so a call is found only through its link.
    token = models.CharField(_("token"), max_length=43, unique=True, default=new_call_token, editable=False)
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["token", "created_at"])

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gte=models.F("opens")), name="call_closes_after_it_opens"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("schemes:call", kwargs={"programme": self.programme.slug, "pk": self.pk})

    def get_public_url(self):
        return reverse("call_public", kwargs={"token": self.token})

    @property
    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def is_open(self, today=None):
        """Applications are taken from ``opens`` to ``closes`` (both days included, in
        the site's time zone), unless a coordinator closed the call early."""
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens <= today <= self.closes

    @property
    def state(self):
        today = timezone.localdate()
        if self.closed_at is not None or today > self.closes:
            return "closed"
        return "open" if today >= self.opens else "scheduled"

    def get_state_display(self):
        return {"closed": _("Closed"), "open": _("Open"), "scheduled": _("Not open yet")}[self.state]

    def sides_offered(self):
        """The sides a city may apply for in this call."""
        if self.side == CallSide.MENTEES:
            return [ApplicationSide.MENTEE]
        if self.side == CallSide.MENTORS:
            return [ApplicationSide.MENTOR]
        return [ApplicationSide.MENTEE, ApplicationSide.MENTOR]


class CallApplication(models.Model):
    """A city's application to a call, as its contact person sent it. What they wrote is
    kept as typed and always shown as text."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="applications")
    city_name = models.CharField(_("city"), max_length=200)
    country = CountryField(_("country"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail address"))
    side = models.CharField(_("applies"), max_length=10, choices=ApplicationSide.choices)
    # [{"question": ..., "answer": ...}]: the questions as the call asked them then.
    answers = models.JSONField(_("answers"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("received"), auto_now_add=True)
    # A keyed hash of the sender's address, to limit applications per address and hour.
    sender = models.CharField(_("sender"), max_length=64, editable=False, db_index=True)
    # The language the city applied in: the decision is written to it in that language.
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_message = models.TextField(_("message to the city"), blank=True)
    organisation = models.ForeignKey(
        "schemes.Organisation",
        verbose_name=_("city record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_applications",
    )
    scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("scheme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_applications",
        help_text=_("The mentee's scheme waiting for a mentor, or the mentor's candidacy."),
    )

    history = HistoricalRecords(excluded_fields=["sender", "submitted_at", "language"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One application per address, and per city, to a call.
            models.UniqueConstraint(fields=["call", "contact_email"], name="one_application_per_address_and_call"),
            models.UniqueConstraint(Lower("city_name"), "country", "call", name="one_application_per_city_and_call"),
        ]

    def __str__(self):
        return f"{self.city_name} ({self.country.code})"

    def get_absolute_url(self):
        return reverse(
            "schemes:call_application",
            kwargs={"programme": self.call.programme.slug, "pk": self.call_id, "application": self.pk},
        )
