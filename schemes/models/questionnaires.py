"""Questionnaires as data: the annex templates (needs analysis, strengths, good
practice, local support network, action plan) and the answers given to them.

One engine renders, validates, saves and prints any template (docs/contributing.md, house rule 6). A coordinator
adapts a template for a programme by copying it (``programme`` set, ``based_on`` the
original): answers already given keep pointing at the original's questions.
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mentoring.translations import Translatable


class TemplateKind(models.TextChoices):
    NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
    STRENGTHS = "strengths", _("Strengths and experience")
    GOOD_PRACTICE = "good_practice", _("Good practice")
    LOCAL_SUPPORT_GROUP = "local_support_group", _("Local support network")
    ACTION_PLAN = "action_plan", _("Action plan")


class FilledBy(models.TextChoices):
    MENTEE = "mentee", _("Mentee city")
    MENTOR = "mentor", _("Mentor city")
    ASSOCIATION = "association", _("Municipal association")
    FACILITATOR = "facilitator", _("Facilitator")


class QuestionKind(models.TextChoices):
    LONG_TEXT = "long_text", _("Long text")
    SHORT_TEXT = "short_text", _("Short text")
    INTEGER = "integer", _("Whole number")
    MONEY = "money", _("Amount of money")
    PERCENT = "percent", _("Share (percent)")
    LIST = "list", _("List of entries, one per line")
    CHOICE = "choice", _("One choice from a list")
    EMAIL = "email", _("E-mail address")
    DATE = "date", _("Date")


NUMERIC_KINDS = {QuestionKind.INTEGER, QuestionKind.MONEY, QuestionKind.PERCENT}


class QuestionnaireTemplate(Translatable):
    translatable_fields = ("title", "introduction")

    slug = models.SlugField(_("short name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=30, choices=TemplateKind.choices)
    title = models.CharField(_("title"), max_length=300)
    annex = models.CharField(_("annex"), max_length=40, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    programme = models.ForeignKey(
        "schemes.Programme",
        verbose_name=_("adapted for programme"),
        on_delete=models.CASCADE,
        related_name="templates",
        null=True,
        blank=True,
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.PROTECT, related_name="adaptations", null=True, blank=True
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire template")
        verbose_name_plural = _("questionnaire templates")
        ordering = ["kind", "programme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "programme", "version"], name="unique_template_version"),
            models.UniqueConstraint(
                fields=["slug", "version"], condition=models.Q(programme__isnull=True), name="unique_standard_template_version"
            ),
        ]

    def __str__(self):
        parts = [self.title]
        if self.annex:
            parts.append(f"({self.annex})")
        if self.programme_id:
            parts.append(_("adapted for %(programme)s") % {"programme": self.programme.name})
        return " ".join(str(p) for p in parts)


class TemplateSection(Translatable):
    translatable_fields = ("title", "introduction")

    template = models.ForeignKey(
        QuestionnaireTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    filled_by = models.CharField(_("filled by"), max_length=20, choices=FilledBy.choices)
    repeating = models.BooleanField(_("table of rows"), default=False)
    max_rows = models.PositiveSmallIntegerField(_("at most this many rows"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="unique_section_key_per_template"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_filled_by_display()})"


class Question(Translatable):
    translatable_fields = ("group", "text", "help_text", "choices")

    section = models.ForeignKey(TemplateSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    group = models.CharField(_("group heading"), max_length=300, blank=True)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.LONG_TEXT)
    required = models.BooleanField(_("required"), default=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="unique_question_key_per_section"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def is_numeric(self):
        return self.kind in NUMERIC_KINDS

    def show_in(self, code):
        """As ``Translatable.show_in``; a translation of the choices is {value: label}:
        each choice keeps its value and shows its translated label where there is one."""
        super().show_in(code)
        if "choices" in self.originals:
            labels = self.choices if isinstance(self.choices, dict) else {}
            self.choices = [
                {**choice, "label": labels.get(choice["value"]) or choice["label"]} for choice in self.originals["choices"]
            ]
        return self


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(models.Model):
    """One filled copy of a template: a scheme's needs analysis, a mentor city's
    strengths. ``version`` increases with every save and detects concurrent edits."""

    template = models.ForeignKey(
        QuestionnaireTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="responses"
    )
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "schemes.Organisation", verbose_name=_("for"), on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(_("status"), max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    good_practices = models.ManyToManyField(
        "schemes.GoodPractice",
        verbose_name=_("good practices"),
        related_name="strengths",
        blank=True,
        help_text=_("Good practices a mentor city attaches to its strengths."),
    )

    history = HistoricalRecords(m2m_fields=[good_practices])

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ["scheme_id", "template_id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "scheme", "organisation"], name="unique_response_per_party"),
        ]

    def __str__(self):
        return f"{self.template.title}: {self.organisation.label} ({self.get_status_display()})"

    @cached_property
    def shown_version(self):
        """The version a reader is shown: the number it was submitted as (the overview's
        "Version 1, submitted on ..."), or a draft's next one; not ``version``, which counts
        saves (issue 26: the PDF said "Version 8" beside the overview's "Version 1")."""
        submitted = self.submissions.count()
        return submitted if self.status == ResponseStatus.SUBMITTED and submitted else submitted + 1


class Answer(models.Model):
    """The answer to one question (in one row, for a table section)."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    row = models.PositiveSmallIntegerField(_("row"), default=0)
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=17, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response_id", "question__section__order", "row", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question", "row"], name="unique_answer_per_question_row"),
        ]

    def __str__(self):
        value = self.number if self.number is not None else self.text
        value = str(value)
        return f"{self.question}: {value[:60]}"


class ResponseSubmission(models.Model):
    """A submitted version of a response, frozen: it stays readable after the response is
    reopened and edited again. ``answers`` maps "<question id>:<row>" to the text or
    number given."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("submission"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["response_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="unique_submission_number"),
        ]

    def __str__(self):
        return f"{self.response} #{self.number}"


class Comment(models.Model):
    """A question or note on a section of a filled template, or on one of its answers;
    the document's owners answer (replies) and resolve it. A reply has a ``parent``."""

    response = models.ForeignKey(Response, verbose_name=_("document"), on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(TemplateSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("in reply to"), on_delete=models.CASCADE, related_name="replies", null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["response_id", "created_at", "pk"]
        indexes = [models.Index(fields=["response", "resolved_at"])]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def is_open(self):
        return self.resolved_at is None
