"""Programmes, schemes, the parties of a scheme, and people's roles in them.

A programme (IncluCities, ImpleMentoring) is run by a coordinating body with
facilitators; it offers benchmarks and holds schemes. A scheme pairs a mentee side with a
mentor side (each a city and, usually, its municipal association), or gathers peers in a
community of practice (docs/method.md §3.4).
"""

import functools
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..terms import (
    MAX_TERM,
    MENTEE_DEFAULT,
    MENTEE_TERM_CHOICES,
    MENTOR_DEFAULT,
    MENTOR_TERM_CHOICES,
    OWN_WORDS,
    terms_for,
    validate_term,
)
from .attachments import attachment_storage
from .organisations import COORDINATING_KINDS, PARTY_KINDS, OrganisationKind

# Reminder days (Programme.reminder_days_before_visit and _before_due): whole days from 0
# (on the day) to MAX_REMINDER_DAYS, at most MAX_REMINDERS of them, kept as text
# ("14, 3") so that the same column works on SQLite and PostgreSQL.
MAX_REMINDER_DAYS = 90
MAX_REMINDERS = 4


def branding_path(instance, filename):
    """``p<programme id>/branding-<uuid>.png``: nothing of the name the person gave the
    file (the image is re-encoded as PNG before it is saved)."""
    return f"p{instance.pk or 'new'}/branding-{uuid.uuid4().hex}.png"


def reminder_days_parse(text):
    """The day counts of ``text`` ("14, 3"; commas, semicolons or spaces between them),
    largest first, each once; raises ``ValidationError`` with what is wrong."""
    parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
    if not all(re.fullmatch(r"-?[0-9]{1,6}", part) for part in parts):
        raise ValidationError(
            _("Enter whole numbers of days separated by commas, for example: 14, 3."), code="invalid_reminder_days"
        )
    days = sorted({int(part) for part in parts}, reverse=True)
    if any(not 0 <= day <= MAX_REMINDER_DAYS for day in days):
        raise ValidationError(
            _("Each number of days is between 0 (on the day) and %(max)s."),
            code="reminder_days_range",
            params={"max": MAX_REMINDER_DAYS},
        )
    if len(days) > MAX_REMINDERS:
        raise ValidationError(
            _("Enter at most %(max)s numbers of days."), code="too_many_reminder_days", params={"max": MAX_REMINDERS}
        )
    return days


def reminder_days_text(days):
    """``[14, 3]`` as the text kept in the column: "14, 3"."""
    return ", ".join(str(day) for day in sorted(set(days), reverse=True))


def reminder_days_validate(text):
    reminder_days_parse(text)


def default_days_before_visit():
    return reminder_days_text(settings.REMINDER_DAYS_BEFORE_VISIT)


def default_days_before_due():
    return reminder_days_text(settings.REMINDER_DAYS_BEFORE_DUE)


class ProgrammeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Programmes the user may see: where they hold a programme role, or a role in
        one of its schemes."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        # Subqueries rather than joins: no duplicate rows to remove (no DISTINCT over a
        # join of every role), which keeps this fast at network scale.
        return self.filter(
            Q(pk__in=ProgrammeRole.objects.filter(user=user).values("programme_id"))
            | Q(pk__in=SchemeRole.objects.filter(user=user).values("scheme__programme_id"))
        )

    def active(self):
        return self.filter(archived=False)


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    coordinating_body = models.ForeignKey(
        "schemes.Organisation",
        verbose_name=_("coordinating body"),
        on_delete=models.PROTECT,
        related_name="coordinated_programmes",
        # A network, or a municipal association brokering mentoring between its members
        # (seed 000: "City associations are ideal to broker mentoring arrangements between
        # members to improve integration practice").
        limit_choices_to={"kind__in": list(COORDINATING_KINDS)},
    )
    facilitator_organisations = models.ManyToManyField(
        "schemes.Organisation",
        verbose_name=_("facilitator organisations"),
        related_name="facilitated_programmes",
        blank=True,
        limit_choices_to={"kind": "facilitator"},
    )
    cities = models.ManyToManyField(
        "schemes.Organisation",
        verbose_name=_("participating cities and associations"),
        related_name="programmes",
        blank=True,
    )
    benchmarks = models.ManyToManyField(
        "benchmarks.BenchmarkVersion",
        verbose_name=_("benchmarks offered"),
        related_name="programmes",
        blank=True,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    funding = models.CharField(_("funding"), max_length=200, blank=True)
    default_visit_count = models.PositiveSmallIntegerField(
        _("visits per scheme by default"),
        default=3,
        help_text=_("New schemes start with this many visits (2 to 10)."),
    )
    reminder_days_before_visit = models.CharField(
        _("reminders before a visit (days)"),
        max_length=20,
        blank=True,
        default=default_days_before_visit,
        validators=[reminder_days_validate],
        help_text=_(
            "How many days before a visit, and before its preparation meeting, its people are reminded: "
            "for example 14, 3. Leave empty to send no reminder before visits."
        ),
    )
    reminder_days_before_due = models.CharField(
        _("reminders before a due date (days)"),
        max_length=20,
        blank=True,
        default=default_days_before_due,
        validators=[reminder_days_validate],
        help_text=_(
            "How many days before a task is due (a document to submit before the first visit, an agenda "
            "to build...) the people it waits for are reminded again: for example 7, 1. Leave empty to "
            "remind them only when the task appears and when it is late."
        ),
    )
    # Seed 000 chapter 4: mentors record their strengths "with the support of a city
    # association". The mentor side's association always comments on them; editing is the
    # programme's choice (issue 23).
    associations_edit_strengths = models.BooleanField(
        _("Associations may edit the strengths of their mentor cities"),
        default=False,
        help_text=_(
            "Mentor cities record their strengths and experience “with the support of a city association” "
            "(IncluCities mentoring guide, chapter 4). The association of a scheme's mentor side always "
            "comments on them; tick this to let it also write the answers."
        ),
    )
    # The programme's words for the two sides (issue 23; schemes/terms.py): a preset,
    # translated in every language, or its own words, shown as typed.
    mentee_term = models.CharField(
        _("word for the mentee city"),
        max_length=20,
        choices=MENTEE_TERM_CHOICES,
        default=MENTEE_DEFAULT,
        help_text=_(
            "The word the programme's pages, e-mails and documents use for the city that learns. ImpleMentoring "
            "says “implementing city”; other programmes “‘follower city,’ ‘fellow city,’ ‘replicator city,’ and "
            "‘coachee’” (method card)."
        ),
    )
    mentee_term_own = models.CharField(
        _("own word for the mentee city"),
        max_length=MAX_TERM,
        blank=True,
        validators=[validate_term],
        help_text=_("Only with the programme's own words: in the singular, as in a sentence (“learning city”)."),
    )
    mentee_term_own_plural = models.CharField(
        _("own word for the mentee city, plural"),
        max_length=MAX_TERM,
        blank=True,
        validators=[validate_term],
        help_text=_("The same word in the plural (“learning cities”)."),
    )
    mentor_term = models.CharField(
        _("word for the mentor city"),
        max_length=20,
        choices=MENTOR_TERM_CHOICES,
        default=MENTOR_DEFAULT,
        help_text=_(
            "The word the programme's pages, e-mails and documents use for the experienced city that helps; "
            "other programmes say “‘lighthouse cities,’ ‘role-model cities,’ and ‘coach city’” (method card)."
        ),
    )
    mentor_term_own = models.CharField(
        _("own word for the mentor city"),
        max_length=MAX_TERM,
        blank=True,
        validators=[validate_term],
        help_text=_("Only with the programme's own words: in the singular, as in a sentence (“peer city”)."),
    )
    mentor_term_own_plural = models.CharField(
        _("own word for the mentor city, plural"),
        max_length=MAX_TERM,
        blank=True,
        validators=[validate_term],
        help_text=_("The same word in the plural (“peer cities”)."),
    )
    # What every printed document carries (issue 26): the programme's logo, and the line
    # and emblem its funder asks for ("Funded by the Asylum, Migration and Integration
    # Fund" beside the EU emblem). The images are checked and re-encoded as PNG by
    # schemes/branding.py and kept in the attachments storage; documents embed them as
    # data: URIs, so the document fetcher stays closed.
    logo = models.FileField(_("logo"), storage=attachment_storage, upload_to=branding_path, max_length=200, blank=True)
    funding_line = models.CharField(
        _("funding line"),
        max_length=300,
        blank=True,
        help_text=_(
            "Printed on every document, as the funder asks for it: for example “Funded by the Asylum, "
            "Migration and Integration Fund”. Plain text. Empty: “Funded by” and the funding above."
        ),
    )
    emblem = models.FileField(
        _("funder's emblem"), storage=attachment_storage, upload_to=branding_path, max_length=200, blank=True
    )
    archived = models.BooleanField(_("archived"), default=False)

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_start",
            ),
        ]

    def __str__(self):
        if self.start_date and self.end_date:
            return f"{self.name} ({self.start_date.year}-{self.end_date.year})"
        return self.name

    def get_absolute_url(self):
        return reverse("schemes:programme", kwargs={"programme": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        for choice, singular, plural in (
            ("mentee_term", "mentee_term_own", "mentee_term_own_plural"),
            ("mentor_term", "mentor_term_own", "mentor_term_own_plural"),
        ):
            if getattr(self, choice) != OWN_WORDS:
                continue
            for name in (singular, plural):
                if not getattr(self, name).strip():
                    errors[name] = ValidationError(
                        _("Write the programme's own word here, or choose one of the words offered above."),
                        code="term_missing",
                    )
        if errors:
            raise ValidationError(errors)

    @cached_property
    def terms(self):
        """The programme's words for the two sides (schemes/terms.py), read from this row."""
        return terms_for(self)

    @property
    def days_before_visit(self):
        """The reminder days before a visit, largest first ([14, 3])."""
        return _days_or_none(self.reminder_days_before_visit)

    @property
    def days_before_due(self):
        """The reminder days before a due date, largest first ([7, 1])."""
        return _days_or_none(self.reminder_days_before_due)


def _days_or_none(text):
    # A value the form refused cannot be saved; one written past the form (a shell) sends
    # no reminder rather than stopping every programme's reminders.
    try:
        return reminder_days_parse(text)
    except ValidationError:
        return []


class SchemeKind(models.TextChoices):
    MENTORING = "mentoring", _("Mentoring: a mentor side helps a mentee side")
    COMMUNITY = "community", _("Community of practice: every city is a peer")


class SchemeFocus(models.TextChoices):
    ACTION_PLANNING = "action_planning", _("Action planning")
    NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
    REVIEW = "review", _("Review of integration work")
    EVALUATION = "evaluation", _("Evaluation of initiatives")


class SchemePhase(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    VISITS = "visits", _("Mentoring visits")
    AFTER = "after", _("After the visits")
    CLOSED = "closed", _("Closed")


class SchemeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Schemes the user may see: as a party of the scheme (any scheme role), or
        as coordinator or observer of its programme. Confidentiality (docs/method.md §2)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(pk__in=SchemeRole.objects.filter(user=user).values("scheme_id"))
            | Q(
                programme_id__in=ProgrammeRole.objects.filter(user=user, role__in=["coordinator", "observer"]).values(
                    "programme_id"
                )
            )
        )

    def active(self):
        return self.filter(archived=False, programme__archived=False)

    def with_parties(self):
        """Each scheme's ``parties.all()`` with their organisations, in one more query."""
        return self.prefetch_related(models.Prefetch("parties", queryset=SchemeParty.objects.select_related("organisation")))

    def waiting_for_mentor(self):
        """Active mentoring schemes with a mentee city and no mentor city yet (EXISTS
        subqueries: no duplicate rows, fast at network scale)."""

        def city_on(side):
            return models.Exists(
                SchemeParty.objects.filter(scheme=models.OuterRef("pk"), side=side, organisation__kind=OrganisationKind.CITY)
            )

        return self.filter(kind=SchemeKind.MENTORING, archived=False).filter(city_on(Side.MENTEE)).exclude(city_on(Side.MENTOR))


class Scheme(models.Model):
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="schemes")
    number = models.PositiveSmallIntegerField(_("number in the programme"))
    title = models.CharField(_("title"), max_length=300)
    theme = models.CharField(_("theme"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind.choices, default=SchemeKind.MENTORING)
    focus = models.CharField(
        _("focus"),
        max_length=20,
        choices=SchemeFocus.choices,
        default=SchemeFocus.ACTION_PLANNING,
        help_text=_(
            "What the mentoring visits are for: “mentoring visits do not have to be focused specifically on action "
            "planning. They can also be used to do needs analysis, review aspects of integration work or as part of "
            "the evaluation of initiatives.” The focus decides which steps the scheme's timeline and the dashboard "
            "show and count."
        ),
    )
    # Implementation out of scope (schemes/focus.py): "the mentoring process can
    # end with a finalised action plan, or can go beyond this and cover the
    # implementation phase" (seed 000 §5).
    ends_with_final_plan = models.BooleanField(
        _("the mentoring ends with the final action plan"),
        default=False,
        help_text=_(
            "“The mentoring process can end with a finalised action plan, or can go beyond this and cover the "
            "implementation phase.” Ticked: implementation is outside the scheme; the scheme is done once its plan "
            "is approved and the closing steps are held. The plan's actions stay, and can still be followed."
        ),
    )
    benchmark = models.ForeignKey(
        "benchmarks.BenchmarkVersion",
        verbose_name=_("benchmark"),
        on_delete=models.PROTECT,
        related_name="schemes",
        null=True,
        blank=True,
        help_text=_("Leave empty for mentoring without a benchmark."),
    )
    focus_key_factors = models.ManyToManyField(
        "benchmarks.KeyFactor",
        verbose_name=_("focus key factors"),
        related_name="focus_of_schemes",
        blank=True,
    )
    focus_agreed_by_mentee = models.DateTimeField(_("focus agreed by the mentee side"), null=True, blank=True)
    focus_agreed_by_mentor = models.DateTimeField(_("focus agreed by the mentor side"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=SchemePhase.choices, default=SchemePhase.PREPARATION)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    history = HistoricalRecords()
    # Each side agrees to the focus key factors, a many-to-many the history rows do not
    # hold: an older row's agreement may have been given to another focus, so restoring
    # an earlier version neither gives nor withdraws an agreement (mentoring.history).
    history_restore_keeps = ("focus_agreed_by_mentee", "focus_agreed_by_mentor")
    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_scheme_number_per_programme"),
        ]

    def __str__(self):
        return f"{self.programme.name} #{self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("schemes:scheme", kwargs={"programme": self.programme.slug, "number": self.number})

    def parties_on(self, side):
        return [party for party in self.parties.all() if party.side == side]

    @property
    def mentee_parties(self):
        return self.parties_on(Side.MENTEE)

    @property
    def mentor_parties(self):
        return self.parties_on(Side.MENTOR)

    @property
    def peer_parties(self):
        return self.parties_on(Side.PEER)

    @property
    def is_community(self):
        return self.kind == SchemeKind.COMMUNITY

    @property
    def action_plan(self):
        """The plan shared by the scheme's sides (a mentoring scheme's one plan; a
        community's cities each have their own, ``action_plans`` with an organisation).
        Like a one-to-one accessor: read once per instance (or from the
        ``shared_action_plans`` prefetch), and a missing plan raises an error that is
        both ``ActionPlan.DoesNotExist`` and ``AttributeError`` (``getattr(scheme,
        "action_plan", None)`` reads None)."""
        if "_shared_action_plan" not in self.__dict__:
            if hasattr(self, "shared_action_plans"):
                plans = self.shared_action_plans
            else:
                plans = list(self.action_plans.filter(organisation__isnull=True)[:1])
            self.__dict__["_shared_action_plan"] = plans[0] if plans else None
        plan = self.__dict__["_shared_action_plan"]
        if plan is None:
            raise no_action_plan_error()("The scheme has no action plan yet.")
        return plan


@functools.cache
def no_action_plan_error():
    """The error ``Scheme.action_plan`` raises without a shared plan: an
    ``ActionPlan.DoesNotExist`` and an ``AttributeError``, as Django's
    ``RelatedObjectDoesNotExist`` of a one-to-one field is."""
    from .action_plans import ActionPlan

    return type("RelatedObjectDoesNotExist", (ActionPlan.DoesNotExist, AttributeError), {"__module__": __name__})


class Side(models.TextChoices):
    MENTEE = "mentee", _("Mentee side")
    MENTOR = "mentor", _("Mentor side")
    PEER = "peer", _("Peer (community of practice)")


class SchemeParty(models.Model):
    """A city, association, service provider or civil-society organisation taking part in
    a scheme, on one side.

    Two mentors are two mentor-side cities; several cities are several parties; in a
    community of practice every party is a peer. An association may sit on both sides of
    a scheme between two of its members ("City associations are ideal to broker mentoring
    arrangements between members", seed 000): one party per side, and each of its
    officers acts for one of them (``SchemeRole.party``), so the side decides their rights.
    """

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "schemes.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="scheme_parties",
        limit_choices_to={"kind__in": list(PARTY_KINDS)},
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party of a scheme")
        verbose_name_plural = _("parties of schemes")
        ordering = ["scheme_id", "side", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "organisation", "side"], name="unique_party_per_scheme_side"),
        ]

    def __str__(self):
        return f"{self.organisation.label} ({self.get_side_display()})"


class ProgrammeRoleName(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    FACILITATOR = "facilitator", _("Facilitator")
    OBSERVER = "observer", _("Observer (read only)")


class ProgrammeRole(models.Model):
    """A person's role across a whole programme."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="programme_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=ProgrammeRoleName.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme role")
        verbose_name_plural = _("programme roles")
        ordering = ["programme_id", "role", "user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user", "role"], name="unique_programme_role"),
        ]

    def __str__(self):
        return f"{self.user.display_name}: {self.get_role_display()}, {self.programme.name}"


class SchemeRoleName(models.TextChoices):
    MENTEE = "mentee", _("Mentee city officer")
    MENTOR = "mentor", _("Mentor city officer")
    ASSOCIATION = "association", _("Municipal association officer")
    # An officer of a service provider or civil-society organisation that is a party of
    # the scheme: supports its side like an association's officer (reads, comments),
    # never writes the cities' documents (issue 23; mentoring.access).
    PARTNER = "partner", _("Partner organisation officer")
    FACILITATOR = "facilitator", _("Facilitator")
    OBSERVER = "observer", _("Observer (read only)")


class SchemeRole(models.Model):
    """A person's role in one scheme, on behalf of one of its parties (for city and
    association officers)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="scheme_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=SchemeRoleName.choices)
    party = models.ForeignKey(
        SchemeParty,
        verbose_name=_("on behalf of"),
        on_delete=models.CASCADE,
        related_name="roles",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme role")
        verbose_name_plural = _("scheme roles")
        ordering = ["scheme_id", "role", "user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "user", "role"], name="unique_scheme_role"),
        ]

    def __str__(self):
        return f"{self.user.display_name}: {self.get_role_display()}, {self.scheme}"
