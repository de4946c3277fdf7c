"""A benchmark per stage of a scheme (seed 001): “The ‘general benchmark’ will help to
structure the first mentoring visit focusing on the general setup of integration
policies” and “The four specific benchmarks will help to structure the visits of the
second half of the mentoring process”.

A scheme's stages are rows, in order: each names its part of the process, the benchmark
version it assesses against and the visit it starts from. ``Scheme.benchmark`` stays the
first stage's benchmark (schemes.services.benchmark_stages keeps the two in step), so
what reads one benchmark per scheme keeps working. Self-assessment rounds are kept per
benchmark (``SelfAssessment.benchmark``); the focus key factors of a stage are those of
``Scheme.focus_key_factors`` that belong to its benchmark, agreed by both sides per
stage (the first stage's agreement is the scheme's own fields).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SchemeBenchmark(models.Model):
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="benchmark_stages"
    )
    benchmark = models.ForeignKey(
        "benchmarks.BenchmarkVersion",
        verbose_name=_("benchmark"),
        on_delete=models.PROTECT,
        related_name="scheme_stages",
    )
    name = models.CharField(
        _("stage"), max_length=200, help_text=_("The part of the process it structures: e.g. “First part: general set-up”.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("1 is the first stage."))
    starts_from = models.ForeignKey(
        "schemes.Visit",
        verbose_name=_("starts from visit"),
        on_delete=models.SET_NULL,
        related_name="benchmark_stages",
        null=True,
        blank=True,
        help_text=_("The visit from which this benchmark applies: once it is held or has begun, the stage is in force."),
    )
    # The agreement of each side to this stage's focus key factors (a later stage's: the
    # first stage's agreement is the scheme's own fields, read by the rest of the code).
    focus_agreed_by_mentee = models.DateTimeField(_("focus agreed by the mentee side"), null=True, blank=True)
    focus_agreed_by_mentor = models.DateTimeField(_("focus agreed by the mentor side"), null=True, blank=True)

    history = HistoricalRecords()
    history_restore_keeps = ("focus_agreed_by_mentee", "focus_agreed_by_mentor")

    class Meta:
        verbose_name = _("benchmark stage")
        verbose_name_plural = _("benchmark stages")
        ordering = ["scheme_id", "order", "pk"]
        constraints = [
            # Rounds, focus and agreement are kept per benchmark: one stage per benchmark.
            models.UniqueConstraint(
                fields=["scheme", "benchmark"],
                name="one_stage_per_benchmark",
                violation_error_message=_("This benchmark is already the benchmark of another stage of the scheme."),
            )
        ]

    def __str__(self):
        return self.name
