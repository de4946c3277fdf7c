"""Good practices (Annex 4), political commitment, training sessions and the
mentoring-styles survey (seed 001)."""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .visits import MeetingMode


class GoodPractice(models.Model):
    """A good practice a city records (Annex 4); visible to every scheme of its
    programme, edited by its owners."""

    programme = models.ForeignKey(
        "schemes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="good_practices"
    )
    city = models.ForeignKey(
        "schemes.Organisation", verbose_name=_("city"), on_delete=models.PROTECT, related_name="good_practices"
    )
    title = models.CharField(_("name/title of good practice"), max_length=300)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    where = models.CharField(_("where is it?"), max_length=300, blank=True)
    lead_agencies = models.CharField(_("lead agencies"), max_length=500, blank=True)
    context = models.TextField(_("context and rationale"), blank=True)
    description = models.TextField(_("description"), blank=True)
    resources = models.TextField(_("resources needed (inputs)"), blank=True)
    results = models.TextField(_("result (outcomes, benefits)"), blank=True)
    success_factors = models.TextField(_("success factors"), blank=True)
    risks = models.TextField(_("risks and challenges"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    further_information = models.TextField(_("further information"), blank=True)
    key_factors = models.ManyToManyField(
        "benchmarks.KeyFactor", verbose_name=_("key factors"), related_name="good_practices", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(m2m_fields=[key_factors])

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["programme_id", "title"]

    def __str__(self):
        return f"{self.title} ({self.city.label})"

    # The Annex 4 headings after the title, in the template's order.
    ANNEX_FIELDS = (
        "where",
        "lead_agencies",
        "context",
        "description",
        "resources",
        "results",
        "success_factors",
        "risks",
        "transferability",
        "contact",
        "further_information",
    )

    def annex_fields(self):
        """(heading, text) of each Annex 4 field, in order."""
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.ANNEX_FIELDS]


class CommitmentScope(models.TextChoices):
    DEVELOPING = "developing", _("Developing the action plan")
    IMPLEMENTING = "implementing", _("Implementing the action plan")
    BOTH = "both", _("Developing and implementing the action plan")


class PoliticalCommitment(models.Model):
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="commitments")
    name = models.CharField(_("name"), max_length=200)
    office = models.CharField(_("office"), max_length=200)
    party = models.CharField(_("party"), max_length=200, blank=True)
    cross_party = models.BooleanField(_("cross-party"), default=False)
    date = models.DateField(_("date"))
    scope = models.CharField(_("committed to"), max_length=20, choices=CommitmentScope.choices)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("A decision, a letter: what shows the commitment."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("political commitment")
        verbose_name_plural = _("political commitments")
        ordering = ["scheme_id", "-date"]

    def __str__(self):
        return f"{self.name}, {self.office} ({date_format(self.date, 'DATE_FORMAT')})"


class TrainingSession(models.Model):
    programme = models.ForeignKey(
        "schemes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="training_sessions"
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.ONLINE)
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attended"), related_name="training_sessions", blank=True
    )

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["programme_id", "date"]

    def __str__(self):
        return f"{self.title} ({date_format(self.date, 'DATE_FORMAT')})"


class MentoringStyle(models.TextChoices):
    """The four mentoring styles of the IncluCities training (seed 001)."""

    ACTIVE_LISTENING = "active_listening", _("Active listening")
    ADVISORY = "advisory", _("Advisory")
    PRESCRIBING = "prescribing", _("Prescribing")
    COOPERATIVE = "cooperative", _("Cooperative")


class SurveySide(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class MentoringStyleResponse(models.Model):
    """One person's answers to the mentoring-styles survey: how far each statement
    describes how they mentor (mentors) or want to be mentored (mentees)."""

    programme = models.ForeignKey(
        "schemes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="style_responses"
    )
    training_session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="style_responses",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("respondent"), on_delete=models.CASCADE, related_name="style_responses"
    )
    organisation = models.ForeignKey(
        "schemes.Organisation", verbose_name=_("city or association"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("answering as"), max_length=10, choices=SurveySide.choices)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring-styles survey response")
        verbose_name_plural = _("mentoring-styles survey responses")
        constraints = [
            models.UniqueConstraint(fields=["programme", "respondent", "side"], name="unique_style_response"),
        ]

    def __str__(self):
        return f"{self.respondent.display_name} ({self.get_side_display()})"


class MentoringStyleAnswer(models.Model):
    response = models.ForeignKey(
        MentoringStyleResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    style = models.CharField(_("style"), max_length=20, choices=MentoringStyle.choices)
    statement = models.CharField(_("statement"), max_length=300)
    agreement = models.PositiveSmallIntegerField(_("agreement (1-5)"))

    class Meta:
        verbose_name = _("mentoring-styles answer")
        verbose_name_plural = _("mentoring-styles answers")
        constraints = [
            models.CheckConstraint(condition=models.Q(agreement__gte=1, agreement__lte=5), name="style_agreement_1_to_5"),
        ]

    def __str__(self):
        return f"{self.get_style_display()}: {self.statement} = {self.agreement}"
