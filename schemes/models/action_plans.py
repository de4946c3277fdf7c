"""Action plans (Annex 6), their frozen versions and implementation updates."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ActionPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


class ActionPlan(models.Model):
    """A scheme's action plan (Annex 6). A mentoring scheme has one, shared by its two
    sides (``organisation`` empty). In a community of practice "every city both learns and
    contributes" (seed 000 §6, seed 002): each peer city has its own plan
    (``organisation``: the city), which its own officers write, submit and approve while
    the other peers comment on it (issue 23)."""

    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="action_plans")
    organisation = models.ForeignKey(
        "schemes.Organisation",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_action_plans",
        help_text=_("The peer city whose plan this is, in a community of practice; empty for a mentoring scheme's plan."),
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=ActionPlanStatus.choices, default=ActionPlanStatus.DRAFT)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reference = models.CharField(_("formal decision reference"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Revisions of an approved plan (issue 23, seed 002: "review progress on the action
    # plan, with the mentor, and adjust it where necessary"): the plan's revision number
    # (1: the first plan), and the frozen version approved last, in force while a
    # revision is drafted.
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    approved_version = models.ForeignKey(
        "schemes.ActionPlanVersion",
        verbose_name=_("approved version in force"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme"], condition=models.Q(organisation__isnull=True), name="one_shared_action_plan_per_scheme"
            ),
            models.UniqueConstraint(fields=["scheme", "organisation"], name="one_action_plan_per_scheme_city"),
        ]

    def __str__(self):
        return self.title

    @property
    def shown_version(self):
        """The version number a reader is shown: an approved plan is its approved version
        (the frozen copy of what was approved, issue 26: it read "Version 3 · Approved"
        beside "2 · Final version"); a plan being written is the version it will be frozen as."""
        if self.status == ActionPlanStatus.APPROVED and self.approved_version_id:
            return self.approved_version.number
        return self.version

    @property
    def latest_version_name(self):
        """The latest frozen version's name, from the plan page's summary annotations."""
        return VersionName.said(getattr(self, "latest_version_label_message", None), getattr(self, "latest_version_label", ""))


class Need(models.Model):
    """One need the plan answers (from the needs analysis), so actions can be traced to it."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="needs")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("need"), max_length=500)
    # A need taken from the needs analysis (seed 002: "the mentor and mentee jointly
    # drafting an initial action plan" from what the mentee city said it needs): the
    # answer it came from, and that answer's text when it was taken, so the plan can say
    # when the needs analysis changed since.
    from_answer = models.ForeignKey(
        "schemes.Answer",
        verbose_name=_("from the needs analysis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_needs",
    )
    answer_text = models.TextField(_("needs analysis text when taken"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["plan_id", "order", "id"]

    def __str__(self):
        return self.text


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """One row of Annex 6: the six columns, plus links to focus key factors."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    action = models.TextField(_("action"), help_text=_("What you will do to meet the needs identified."))
    outcomes = models.TextField(_("outcomes"), blank=True, help_text=_("Which outcomes do you expect from this action?"))
    timeframe = models.CharField(_("timeframe"), max_length=300, blank=True, help_text=_("When will it happen?"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    lead = models.CharField(_("who leads"), max_length=300, blank=True)
    resources = models.TextField(_("resources and partners"), blank=True, help_text=_("Staff, partners, funding you will use."))
    evaluation = models.TextField(_("evaluating success"), blank=True, help_text=_("What will show we have been successful?"))
    key_factors = models.ManyToManyField(
        "benchmarks.KeyFactor", verbose_name=_("focus key factors"), related_name="actions", blank=True
    )
    needs = models.ManyToManyField(Need, verbose_name=_("needs addressed"), related_name="actions", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The recommendation of a visit report this action was made from (visit reports).
    from_recommendation = models.ForeignKey(
        "schemes.VisitReportItem",
        verbose_name=_("from the recommendation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    # The good practice this action transfers (seed 000: "the pilot 'Buddy Project', which
    # Capaci decided to transfer from its mentor, Mechelen"): one of the programme's.
    transfers_practice = models.ForeignKey(
        "schemes.GoodPractice",
        verbose_name=_("good practice it transfers"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferring_actions",
    )

    history = HistoricalRecords(m2m_fields=[key_factors, needs])

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="action_progress_at_most_100"),
        ]

    def __str__(self):
        return self.action if len(self.action) <= 80 else self.action[:79] + "…"


class PlanConsultation(models.Model):
    """A consultation of a city department or an outside partner on the draft plan (seed
    000, chapter 5: "consulting relevant city departments and outside partners to add
    detail, amend actions and get wider views on whether the actions planned are
    viable")."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="consultations")
    consulted = models.CharField(
        _("who was consulted"), max_length=300, help_text=_("The city department or outside organisation consulted.")
    )
    date = models.DateField(_("when"))
    said = models.TextField(_("what they said"), help_text=_("Their views on whether the actions planned are viable."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation on the action plan")
        verbose_name_plural = _("consultations on the action plan")
        ordering = ["plan_id", "date", "id"]

    def __str__(self):
        return self.consulted


class VersionName:
    """The names the application gives the versions it freezes. A version keeps its name
    as a message (``ActionPlanVersion.label_message``), so that each reader reads it in
    their own language; the label beside it is the name in its writer's language, which
    keeps the labels of one plan apart."""

    AFTER_VISIT = gettext_noop("Draft after visit %(number)s")
    FINAL = gettext_noop("Final version")
    FINAL_DATED = gettext_noop("Final version (%(date)s)")
    APPROVED = gettext_noop("Approved version %(number)s (approved on %(date)s)")
    ALL = (AFTER_VISIT, FINAL, FINAL_DATED, APPROVED)

    @staticmethod
    def message(text, *, number=None, date=None, copy=None):
        """The message to keep: ``text`` (one of the names above), the number and date it
        is said with, and which copy it is when the plan has the name already (2, 3…)."""
        message = {"text": text}
        if number is not None:
            message["number"] = number
        if date is not None:
            message["date"] = date.isoformat()
        if copy:
            message["copy"] = copy
        return message

    @classmethod
    def said(cls, message, default=""):
        """``message`` in the active language; ``default`` for a version someone named."""
        if not isinstance(message, dict) or message.get("text") not in cls.ALL:
            return default
        try:
            values = {"number": message.get("number", ""), "date": ""}
            if message.get("date"):
                values["date"] = date_format(datetime.date.fromisoformat(message["date"]), "DATE_FORMAT")
            name = gettext(message["text"]) % values
        except (TypeError, ValueError):
            return default
        return f"{name} ({message['copy']})" if message.get("copy") else name


class ActionPlanVersion(models.Model):
    """A frozen copy of the plan ("draft after visit 1"), kept as JSON so later edits
    never change it."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=200)
    # A name the application gave (``VersionName``), said in each reader's language;
    # empty for a version someone named.
    label_message = models.JSONField(_("name given by the application"), null=True, blank=True, editable=False)
    visit = models.ForeignKey(
        "schemes.Visit", verbose_name=_("after visit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(_("content"))
    is_final = models.BooleanField(_("final version"), default=False)
    created_at = models.DateTimeField(_("frozen"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An approved version (issue 23): when, by whom, under which formal decision.
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reference = models.CharField(_("formal decision reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("action plan version")
        verbose_name_plural = _("action plan versions")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_action_plan_version_number"),
            models.UniqueConstraint(fields=["plan", "label"], name="unique_action_plan_version_label"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.name}"

    @property
    def name(self):
        """What the version is called, in the reader's language where the application
        named it."""
        return VersionName.said(self.label_message, self.label)


class ImplementationUpdate(models.Model):
    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("update"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A local support group member's progress note, through their personal link (no author).
    member = models.ForeignKey(
        "schemes.LocalSupportGroupMember",
        verbose_name=_("support group member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation update")
        verbose_name_plural = _("implementation updates")
        ordering = ["action_id", "-date", "-id"]

    def __str__(self):
        return f"{date_format(self.date, 'DATE_FORMAT')}: {self.text[:60]}"

    @property
    def written_by(self):
        return written_by(self)


class ActionComment(models.Model):
    """The mentor's (or an organiser's) comment on an action being implemented, or a
    local support group member's on a draft action (``member``, without an author)."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A local support group member's comment, through their personal link (no author).
    member = models.ForeignKey(
        "schemes.LocalSupportGroupMember",
        verbose_name=_("support group member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on an action")
        verbose_name_plural = _("comments on actions")
        ordering = ["action_id", "created_at", "id"]

    def __str__(self):
        return self.text[:60]

    @property
    def written_by(self):
        return written_by(self)


def written_by(row):
    """Who wrote an implementation update or a comment, as the plan's page names them: the
    person, or the local support group member who wrote through their personal link."""
    if row.author_id is not None and row.author is not None:
        return row.author.display_name
    if row.member_id is not None and row.member is not None:
        return _("%(name)s (%(organisation)s), local support group member") % {
            "name": row.member.name,
            "organisation": row.member.organisation,
        }
    return _("a person no longer registered")
