"""The closing stage's records (seed 002, "Concluding the ImpleMentoring process"): the
evaluation of the mentoring by each side, the dissemination outputs (the closing event
and what was published), and the associations' record of support gaps and multi-level
issues.

Seed 002: "a final meeting provides the opportunity to reflect on what all parties have
learned ... A closing event is also an opportunity to tell a wider range of stakeholders
about project results, giving individual cities a platform to celebrate their
achievements and good practice." Seed 000: the associations link the scheme to
multi-level governance.

The closing review of progress against the benchmark is another part of the closing
stage, not here.
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A link is a web page: ``javascript:``, ``data:``, ``ftp:`` and the rest are refused.
web_link = URLValidator(schemes=["http", "https"], message=_("Give a web address starting with http:// or https://."))


class EvaluationSide(models.TextChoices):
    """Who writes an evaluation of the mentoring: each side, and the facilitation."""

    MENTEE = "mentee", _("Mentee side")
    MENTOR = "mentor", _("Mentor side")
    FACILITATION = "facilitation", _("Facilitation")


class MentoringEvaluation(models.Model):
    """What one side learned from the mentoring, what worked in the method and what they
    would change: one per scheme and side, a draft until its writers submit it."""

    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="mentoring_evaluations"
    )
    side = models.CharField(_("side"), max_length=20, choices=EvaluationSide.choices)
    learned = models.TextField(
        _("What did we learn?"),
        blank=True,
        help_text=_(
            "The final meeting is “the opportunity to reflect on what all parties have learned” (ImpleMentoring): "
            "about the policy, about the other city, about yourselves."
        ),
    )
    worked = models.TextField(
        _("What worked in the mentoring method?"),
        blank=True,
        help_text=_("The visits, the needs analysis, the benchmark, the action plan, the contact in between…"),
    )
    change = models.TextField(
        _("What would we change?"), blank=True, help_text=_("What you would do differently in another mentoring scheme.")
    )
    again = models.BooleanField(_("Would you take part in mentoring again?"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation of the mentoring")
        verbose_name_plural = _("evaluations of the mentoring")
        ordering = ["scheme_id", "side"]
        constraints = [models.UniqueConstraint(fields=["scheme", "side"], name="unique_evaluation_per_side")]

    def __str__(self):
        return str(_("Evaluation of the mentoring: %(side)s") % {"side": self.get_side_display()})

    @property
    def submitted(self):
        return self.submitted_at is not None


class OutputKind(models.TextChoices):
    CLOSING_EVENT = "closing_event", _("Closing event")
    ARTICLE = "article", _("Article")
    REPORT = "report", _("Report")
    PRESENTATION = "presentation", _("Presentation")
    SOCIAL_MEDIA = "social_media", _("Social media")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


class DisseminationOutput(models.Model):
    """A closing event or a communication output: what, when, for whom, where to find it."""

    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="dissemination_outputs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("When it took place or was published."))
    audience = models.CharField(
        _("audience"),
        max_length=300,
        blank=True,
        help_text=_("Who it is for: politicians, stakeholders, other cities, the public…"),
    )
    link = models.URLField(
        _("link"), max_length=500, blank=True, validators=[web_link], help_text=_("A web address (http:// or https://).")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dissemination output")
        verbose_name_plural = _("dissemination outputs")
        ordering = ["scheme_id", "date", "pk"]

    def __str__(self):
        if self.date:
            return f"{self.title} ({date_format(self.date, 'DATE_FORMAT')})"
        return self.title


class GovernanceLevel(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    EUROPEAN = "european", _("European")


class SupportGap(models.Model):
    """A support gap or multi-level governance issue an association records at the close
    of a scheme: at which level, what it is, and what would help."""

    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="support_gaps")
    level = models.CharField(_("level"), max_length=20, choices=GovernanceLevel.choices)
    issue = models.TextField(_("the gap or issue"))
    would_help = models.TextField(_("what would help"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support gap or multi-level issue")
        verbose_name_plural = _("support gaps and multi-level issues")
        ordering = ["scheme_id", "pk"]

    def __str__(self):
        first_line = self.issue.strip().splitlines()[0] if self.issue.strip() else ""
        summary = first_line if len(first_line) <= 80 else first_line[:79] + "…"
        return f"{self.get_level_display()}: {summary}"
