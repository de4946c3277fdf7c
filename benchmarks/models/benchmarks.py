"""Benchmarks: qualitative standards with key factors and context factors (docs/method.md §4).

A ``Benchmark`` is the lasting identity (slug, theme); each ``BenchmarkVersion`` is one
text of it ("second draft February 2013"). Schemes point at a version, so a published
version used by a scheme never changes under it; a revision is a new version.

A benchmark belongs to the programme that wrote it: only that programme's coordinators
add versions to it. The seed benchmarks (reference data) belong to no programme: they
are shared reference, offered to any programme and changed by none; a programme that
adapts one, or imports a file carrying its slug, gets a benchmark of its own.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mentoring.translations import Translatable


class Benchmark(models.Model):
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    theme = models.CharField(_("theme"), max_length=300)
    programme = models.ForeignKey(
        "schemes.Programme",
        verbose_name=_("programme"),
        help_text=_("The programme whose coordinators write this benchmark; empty for a shared reference benchmark."),
        on_delete=models.CASCADE,
        related_name="own_benchmarks",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("benchmark")
        verbose_name_plural = _("benchmarks")
        ordering = ["slug"]

    def __str__(self):
        return self.theme

    def latest_version(self):
        return self.versions.order_by("-number").first()


class BenchmarkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class BenchmarkVersion(Translatable):
    translatable_fields = ("title", "standard", "rationale", "notes_on_terms", "coverage")

    benchmark = models.ForeignKey(Benchmark, verbose_name=_("benchmark"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version number"))
    version_label = models.CharField(_("version label"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BenchmarkStatus.choices, default=BenchmarkStatus.PUBLISHED)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=500, blank=True)
    standard = models.TextField(_("Integrating Cities standard"), blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    notes_on_terms = models.TextField(_("notes on terms"), blank=True)
    coverage = models.TextField(_("coverage"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # A draft belongs to the programme whose coordinators write it; only that programme
    # sees it. Once published, every signed-in person may read it.
    programme = models.ForeignKey(
        "schemes.Programme",
        verbose_name=_("written in programme"),
        on_delete=models.CASCADE,
        related_name="benchmark_drafts",
        null=True,
        blank=True,
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.SET_NULL, related_name="drafts", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benchmark version")
        verbose_name_plural = _("benchmark versions")
        ordering = ["benchmark__slug", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["benchmark", "number"], name="unique_benchmark_version_number"),
        ]

    def __str__(self):
        label = self.version_label or _("version %(number)s") % {"number": self.number}
        return f"{self.title} – {label}"

    def get_absolute_url(self):
        return reverse("benchmarks:detail", kwargs={"slug": self.benchmark.slug, "number": self.number})

    @property
    def is_draft(self):
        return self.status == BenchmarkStatus.DRAFT

    @property
    def label(self):
        return self.version_label or _("version %(number)s") % {"number": self.number}


class BenchmarkSection(Translatable):
    translatable_fields = ("title",)

    """An optional group of key factors (theme C+D: core and neighbourhood)."""

    version = models.ForeignKey(
        BenchmarkVersion, verbose_name=_("benchmark version"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benchmark section")
        verbose_name_plural = _("benchmark sections")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_section_key_per_version"),
        ]

    def __str__(self):
        return self.title


class KeyFactor(Translatable):
    translatable_fields = ("title", "statement", "rationale", "practical_tips")

    version = models.ForeignKey(
        BenchmarkVersion, verbose_name=_("benchmark version"), on_delete=models.CASCADE, related_name="key_factors"
    )
    section = models.ForeignKey(
        BenchmarkSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="key_factors", null=True, blank=True
    )
    number = models.CharField(_("number"), max_length=10, help_text=_("As people cite it: 4, N3."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    statement = models.TextField(_("statement"), blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    practical_tips = models.TextField(_("practical tips"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key factor")
        verbose_name_plural = _("key factors")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_key_factor_number_per_version"),
        ]

    def __str__(self):
        return _("Key factor %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class GuideQuestion(Translatable):
    translatable_fields = ("text",)

    key_factor = models.ForeignKey(
        KeyFactor, verbose_name=_("key factor"), on_delete=models.CASCADE, related_name="guide_questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("question"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guide question")
        verbose_name_plural = _("guide questions")
        ordering = ["key_factor_id", "order"]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class GoodPracticeExample(models.Model):
    key_factor = models.ForeignKey(KeyFactor, verbose_name=_("key factor"), on_delete=models.CASCADE, related_name="examples")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("example"))
    city = models.CharField(_("city"), max_length=200, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("good-practice example")
        verbose_name_plural = _("good-practice examples")
        ordering = ["key_factor_id", "order"]

    def __str__(self):
        head = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.city}: {head}" if self.city else head

    @property
    def href(self):
        """The link as an address a browser can follow (the seeds write some without a scheme)."""
        if not self.link:
            return ""
        if self.link.startswith(("http://", "https://")):
            return self.link
        return "https://" + self.link


class ContextFactor(Translatable):
    translatable_fields = ("title", "description")

    version = models.ForeignKey(
        BenchmarkVersion, verbose_name=_("benchmark version"), on_delete=models.CASCADE, related_name="context_factors"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("context factor")
        verbose_name_plural = _("context factors")
        ordering = ["version_id", "order"]

    def __str__(self):
        return self.title
