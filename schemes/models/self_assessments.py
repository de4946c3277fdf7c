"""Self-assessment of a city against its scheme's benchmark (docs/method.md §4).

A baseline round at the start, re-assessments later; each round assesses every key
factor on a labelled five-step scale, with evidence and whether to focus on it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Level(models.IntegerChoices):
    NOT_IN_PLACE = 0, _("Not in place")
    FIRST_STEPS = 1, _("First steps")
    PARTLY = 2, _("Partly in place")
    LARGELY = 3, _("Largely in place")
    FULLY = 4, _("Fully in place")


class SelfAssessment(models.Model):
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="self_assessments"
    )
    city = models.ForeignKey(
        "schemes.Organisation", verbose_name=_("city"), on_delete=models.PROTECT, related_name="self_assessments"
    )
    benchmark = models.ForeignKey(
        "benchmarks.BenchmarkVersion", verbose_name=_("benchmark"), on_delete=models.PROTECT, related_name="self_assessments"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1, help_text=_("1 is the baseline; later rounds re-assess."))
    # Blank: the round goes by its number ("Baseline", "Round 2"), said in the reader's
    # language; a label someone gave it is shown as they wrote it.
    label = models.CharField(_("label"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["scheme_id", "city", "benchmark_id", "round"]
        # Rounds are counted per benchmark: a scheme with a benchmark per stage
        # (SchemeBenchmark) has a baseline for each.
        constraints = [
            models.UniqueConstraint(fields=["scheme", "city", "benchmark", "round"], name="unique_self_assessment_round"),
        ]

    def __str__(self):
        name = _("baseline") if self.round == 1 else _("round %(round)s") % {"round": self.round}
        return f"{self.city.label}: {_('self-assessment')} ({name})"

    @property
    def name(self):
        """What the round is called, in the reader's language unless someone named it."""
        return round_name(self.round, self.label)


def round_name(number, label=""):
    """Round ``number``'s name: ``label`` if someone gave it one, else "Baseline" or
    "Round N" in the active language."""
    if label:
        return label
    return gettext("Baseline") if number == 1 else gettext("Round %(number)s") % {"number": number}


class KeyFactorAssessment(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="key_factors"
    )
    key_factor = models.ForeignKey(
        "benchmarks.KeyFactor", verbose_name=_("key factor"), on_delete=models.PROTECT, related_name="assessments"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    focus = models.BooleanField(_("focus on it"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key factor assessment")
        verbose_name_plural = _("key factor assessments")
        ordering = ["assessment_id", "key_factor__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key_factor"], name="unique_key_factor_per_assessment"),
        ]

    def __str__(self):
        level = self.get_level_display() if self.level is not None else _("not assessed")
        return f"{self.key_factor.number}: {level}"


class ContextFactorNote(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="context_notes"
    )
    context_factor = models.ForeignKey(
        "benchmarks.ContextFactor", verbose_name=_("context factor"), on_delete=models.PROTECT, related_name="notes"
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note on a context factor")
        verbose_name_plural = _("notes on context factors")
        ordering = ["assessment_id", "context_factor__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "context_factor"], name="unique_context_note_per_assessment"),
        ]

    def __str__(self):
        return f"{self.context_factor}: {self.notes[:60]}"


class SelfAssessmentComment(models.Model):
    """A comment on a city's self-assessment round by a peer of a community of practice
    (issue 23: "each city has its own needs analysis, self-assessment and action plan,
    and peers comment on each other's"), or by a facilitator or coordinator. The round
    itself stays the city's own to edit."""

    assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on a self-assessment")
        verbose_name_plural = _("comments on self-assessments")
        ordering = ["assessment_id", "created_at", "pk"]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"
