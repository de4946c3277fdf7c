"""Where each scheme stands in the process of docs/method.md §3: one state per step (needs
analysis, strengths, pairing, training, scope, local support group, political
commitment, each visit, the action plan, its approval, implementation), what is late,
and the next date.

``progress_for(schemes)`` reads any number of schemes in a fixed number of queries (one
per kind of record), so the programme dashboard costs the same for 5 schemes or 500; the
scheme home shows the same steps as its timeline.

When a step is late (the rule of docs/user-guide/README.md):
- the preparation steps are due by the first day of the first visit;
- a visit is late once its last day has passed and it is not recorded as held;
- the approval of the action plan is due by the scheme's end date, or two months after
  the last visit when the scheme has no end date;
- implementation is late while an action is past its due date and not done;
- the closing steps (each side's evaluation of the mentoring, the closing event, the
  associations' support gaps: schemes/models/closing.py) are due by the scheme's end date.

Which steps a scheme takes in (its focus, and whether the mentoring ends with the final
action plan) is schemes/focus.py's table: a step outside the scheme is ``OUT_OF_SCOPE``,
left off the timeline and out of the counts (``_in_focus``, the only place here that reads
the focus).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..focus import steps_in_scope, why_out
from ..models import (
    Action,
    ActionPlan,
    ActionPlanStatus,
    ActionPlanVersion,
    DisseminationOutput,
    EvaluationSide,
    LocalSupportGroupMember,
    Meeting,
    MeetingPurpose,
    MentoringEvaluation,
    OrganisationKind,
    OutputKind,
    PoliticalCommitment,
    Response,
    ResponseStatus,
    Scheme,
    SchemeBenchmark,
    SchemeKind,
    SchemeParty,
    SchemeRole,
    Side,
    StakeholderType,
    SupportGap,
    TemplateKind,
    TrainingSession,
    Visit,
    VisitStatus,
)
from .action_plans import FINISHED
from .benchmark_stages import agreement_holder, stage_in_force
from .meetings import next_meeting_annotations
from .subqueries import row_count
from .visits import worth_checking

APPROVAL_AFTER_LAST_VISIT = datetime.timedelta(days=61)

DONE = "done"
STARTED = "started"
TODO = "todo"
LATE = "late"
NOT_NEEDED = "not_needed"
OUT_OF_SCOPE = "out_of_scope"  # outside the scheme's focus (schemes/focus.py)

STATE_LABELS = {
    DONE: gettext_lazy("Done"),
    STARTED: gettext_lazy("In progress"),
    TODO: gettext_lazy("To do"),
    LATE: gettext_lazy("Late"),
    NOT_NEEDED: gettext_lazy("Not needed"),
    OUT_OF_SCOPE: gettext_lazy("Outside the focus"),
}
# States a step is not counted in: not needed, or outside the scheme's focus.
UNCOUNTED = (NOT_NEEDED, OUT_OF_SCOPE)

# The steps in the order of the process, as columns of the dashboard. Visits are one
# column: "2 of 3 held".
STEP_LABELS = {
    "needs_analysis": gettext_lazy("Needs analysis"),
    "strengths": gettext_lazy("Strengths"),
    "pairing": gettext_lazy("Pairing"),
    "training": gettext_lazy("Training"),
    "scope": gettext_lazy("Scope"),
    "support_group": gettext_lazy("Local support group"),
    "commitment": gettext_lazy("Political commitment"),
    "visits": gettext_lazy("Visits"),
    "action_plan": gettext_lazy("Action plan"),
    "approval": gettext_lazy("Approval"),
    "implementation": gettext_lazy("Implementation"),
    "final_meeting": gettext_lazy("Final meeting"),
    "evaluation": gettext_lazy("Evaluation"),
    "dissemination": gettext_lazy("Dissemination"),
    "support_gaps": gettext_lazy("Support gaps"),
}
# The closing steps: one "Closing" column on the dashboard (``SchemeProgress.columns``).
CLOSING_STEPS = ("final_meeting", "evaluation", "dissemination", "support_gaps")
CLOSING_LABEL = gettext_lazy("Closing")
COLUMN_LABELS = [label for key, label in STEP_LABELS.items() if key not in CLOSING_STEPS] + [CLOSING_LABEL]
DOCUMENT_TITLES = {
    TemplateKind.NEEDS_ANALYSIS: gettext_lazy("Needs analysis"),
    TemplateKind.STRENGTHS: gettext_lazy("Strengths and experience"),
}
PREPARATION_STEPS = ("needs_analysis", "strengths", "pairing", "training", "scope", "support_group", "commitment")


@dataclass
class Step:
    key: str
    label: str
    state: str
    detail: str = ""
    links: list = field(default_factory=list)  # (label, url) of the documents behind it
    due: datetime.date | None = None
    url: str = ""  # where the step itself is done, when it is one page
    percent: int | None = None  # implementation: the actions' average progress

    @property
    def state_label(self):
        return STATE_LABELS[self.state]


@dataclass
class SchemeProgress:
    scheme: Scheme
    steps: list  # the dashboard's columns, in STEP_LABELS order
    visits: list  # one Step per visit, for the timeline
    next_date: datetime.date | None = None
    next_event: str = ""
    next_visit: Visit | None = None  # the first visit not yet held or cancelled
    plan: ActionPlan | None = None
    warnings: list = field(default_factory=list)  # "Worth checking" (services.visits.worth_checking)
    stages: list = field(default_factory=list)  # the benchmark of each stage (SchemeBenchmark rows)
    stage: SchemeBenchmark | None = None  # the stage in force
    next_date_visit: Visit | None = None  # the visit ``next_date`` is the start of (None: a meeting)

    @property
    def late(self):
        return [step for step in self.steps + self.visits if step.state == LATE and step.key != "visits"]

    def step(self, key):
        return next(step for step in self.steps if step.key == key)

    @property
    def shown(self):
        """The steps on the scheme's timeline: those inside its focus."""
        return [step for step in self.steps if step.state != OUT_OF_SCOPE]

    @property
    def preparation(self):
        return [step for step in self.shown if step.key in PREPARATION_STEPS]

    @property
    def after(self):
        return [step for step in self.shown if step.key in ("action_plan", "approval", "implementation")]

    @property
    def closing(self):
        return [step for step in self.shown if step.key in CLOSING_STEPS]

    @property
    def counted(self):
        """The steps counted in the scheme's figures: inside its focus and needed."""
        return [step for step in self.steps if step.state not in UNCOUNTED]

    @property
    def done_count(self):
        return sum(1 for step in self.counted if step.state == DONE)

    @property
    def total_count(self):
        return len(self.counted)

    @property
    def done(self):
        """Every step the scheme takes in is done (a scheme that ends with the final plan:
        once the plan is approved and the closing steps are held)."""
        return self.done_count == self.total_count

    @property
    def columns(self):
        """The dashboard's cells (``COLUMN_LABELS``): the steps, the closing ones in one."""
        closing = self.closing
        states = [step.state for step in closing if step.state not in UNCOUNTED]
        if LATE in states:
            state = LATE
        elif all(state == DONE for state in states):
            state = DONE
        elif any(state in (DONE, STARTED) for state in states):
            state = STARTED
        else:
            state = TODO
        detail = " · ".join(f"{step.label}: {step.state_label}" for step in closing if step.state not in UNCOUNTED)
        column = Step("closing", str(CLOSING_LABEL), state, detail)
        return [step for step in self.steps if step.key not in CLOSING_STEPS] + [column]


def _url(name, scheme, **kwargs):
    """Lazy: worked out only when a page shows the link (the dashboard shows none)."""
    return reverse_lazy(f"schemes:{name}", kwargs={"programme": scheme.programme.slug, "number": scheme.number, **kwargs})


def _late_or(state, due, today):
    return LATE if state != DONE and due is not None and due <= today else state


def _document_step(key, scheme, cities, responses, kind, page, due, today):
    """Needs analysis or strengths: done when every city of that side submitted."""
    if not cities:
        return Step(key, STEP_LABELS[key], TODO, _("No city on this side yet"), due=due)
    states, links = [], []
    for city in cities:
        response = responses.get((scheme.pk, city.pk, kind))
        if response is None:
            states.append(TODO)
        else:
            states.append(DONE if response == ResponseStatus.SUBMITTED else STARTED)
        links.append(("%s: %s" % (DOCUMENT_TITLES[kind], city.label), _url(page, scheme, organisation=city.pk)))
    submitted = states.count(DONE)
    state = DONE if submitted == len(states) else (STARTED if submitted or STARTED in states else TODO)
    detail = _("%(done)s of %(total)s submitted") % {"done": submitted, "total": len(states)}
    return Step(key, STEP_LABELS[key], _late_or(state, due, today), detail, links, due)


def progress_queryset(queryset):
    """``queryset`` with the programme of each scheme, which ``progress_for`` reads."""
    return queryset.select_related("programme")


def _count(model, field="scheme"):
    return row_count(model.objects.filter(**{field: OuterRef("pk")}), field)


# The shared plan's fields the steps read, annotated on the schemes' row (no query of
# their own): ``_shared_plan`` builds the plan from them.
SHARED_PLAN_FIELDS = ("id", "title", "status", "approved_at", "version", "revision", "approved_version_id")


def _shared_plan_annotations():
    shared = ActionPlan.objects.filter(scheme=OuterRef("pk"), organisation__isnull=True).order_by()
    return {f"shared_plan_{name}": Subquery(shared.values(name)[:1]) for name in SHARED_PLAN_FIELDS}


def _shared_plan(row, scheme):
    """The scheme's shared action plan as read with its row (``ActionPlan.from_db``), or None."""
    if row.shared_plan_id is None:
        return None
    plan = ActionPlan.from_db(
        "default",
        ["scheme_id", *SHARED_PLAN_FIELDS],
        [scheme.pk, *(getattr(row, f"shared_plan_{n}") for n in SHARED_PLAN_FIELDS)],
    )
    plan.scheme = scheme
    return plan


def _city_plan_annotations():
    """In a community of practice, how many of the peer cities' own plans have an action,
    are submitted, and are approved (a revision in progress keeps its approved version in
    force): counted on the schemes' row."""
    of_peers = ActionPlan.objects.filter(
        scheme=OuterRef("pk"),
        organisation__isnull=False,
        organisation__scheme_parties__scheme=OuterRef("pk"),
        organisation__scheme_parties__side=Side.PEER,
    )

    def count(queryset):
        # Distinct plans: the joins (a plan's actions, the city's parties) repeat its row.
        return row_count(queryset, "scheme", distinct=True)

    return {
        "city_plans_started": count(of_peers.filter(actions__isnull=False)),
        "city_plans_submitted": count(of_peers.filter(status=ActionPlanStatus.SUBMITTED)),
        "city_plans_approved": count(of_peers.filter(Q(status=ActionPlanStatus.APPROVED) | Q(approved_version__isnull=False))),
    }


def _focus_count(scheme, version):
    """How many focus key factors of the scheme (the column ``scheme`` of the outer query)
    belong to the benchmark version ``version`` (a column too): a stage's focus."""
    through = Scheme.focus_key_factors.through
    return row_count(through.objects.filter(scheme_id=OuterRef(scheme), keyfactor__version_id=OuterRef(version)), "scheme_id")


def _read_with_schemes(schemes):
    """Put on each scheme what the steps read: its parties (with the size of their local
    support group) and its people (with whether they were trained). Two queries for any
    number of schemes, on schemes already read (the scheme page does not read its scheme
    twice)."""
    members = LocalSupportGroupMember.objects.filter(
        group__scheme_id=OuterRef("scheme_id"), group__city_id=OuterRef("organisation_id")
    )
    trained = TrainingSession.attendees.through.objects.filter(
        user_id=OuterRef("user_id"), trainingsession__programme_id=OuterRef("scheme__programme_id")
    )
    prefetch_related_objects(
        schemes,
        Prefetch(
            "parties",
            queryset=SchemeParty.objects.select_related("organisation")
            .order_by("side", "order")
            .annotate(
                support_group_size=row_count(members, "group_id"),
                # Migrant representatives in the group (seed 000 §4), for "Worth checking".
                migrant_members=row_count(members.filter(stakeholder_type=StakeholderType.MIGRANT_ASSOCIATION), "group_id"),
            ),
        ),
        Prefetch(
            "roles",
            queryset=SchemeRole.objects.select_related("user")
            .order_by("user__last_name", "user__first_name")
            .annotate(trained=Exists(trained)),
        ),
    )
    for scheme in schemes:
        by_pk = {party.pk: party for party in scheme.parties.all()}
        for role in scheme.roles.all():  # a person's party is one of the scheme's, read just above
            if role.party_id is not None:
                role.party = by_pk[role.party_id]


def progress_for(schemes, today=None):
    """``{scheme id: SchemeProgress}`` for ``schemes`` (read with their programme, as
    ``progress_queryset`` does), in a fixed number of queries."""
    today = today or timezone.localdate()
    schemes = list(schemes)
    ids = [scheme.pk for scheme in schemes]
    if not ids:
        return {}
    _read_with_schemes(schemes)
    # Each scheme's action plan, counts of focus key factors, commitments and plan
    # versions, and its next meeting: one query.
    counts = {
        row.pk: row
        for row in Scheme.objects.filter(pk__in=ids)
        .order_by()
        .only("pk", "benchmark")
        .annotate(
            **_shared_plan_annotations(),
            **_city_plan_annotations(),
            focus_count=_focus_count("pk", "benchmark_id"),
            stage_count=_count(SchemeBenchmark),
            commitment_count=_count(PoliticalCommitment),
            version_count=_count(ActionPlanVersion, "plan__scheme"),
            # The closing steps.
            **{
                f"{side}_evaluation": Subquery(
                    MentoringEvaluation.objects.filter(scheme=OuterRef("pk"), side=side)
                    .annotate(submitted=ExpressionWrapper(Q(submitted_at__isnull=False), output_field=BooleanField()))
                    .values("submitted")[:1]
                )
                for side in EvaluationSide.values
            },
            output_count=_count(DisseminationOutput),
            # The final meeting: the last planned (seed 002, "a final meeting provides the
            # opportunity to reflect on what all parties have learned").
            final_meeting=Subquery(
                Meeting.objects.filter(scheme=OuterRef("pk"), purpose=MeetingPurpose.FINAL).order_by("-date").values("date")[:1]
            ),
            closing_event=Subquery(
                DisseminationOutput.objects.filter(scheme=OuterRef("pk"), kind=OutputKind.CLOSING_EVENT, date__isnull=False)
                .order_by()
                .values("scheme")
                .annotate(first=Min("date"))
                .values("first")
            ),
            gap_count=_count(SupportGap),
            **next_meeting_annotations(today),
        )
    }
    responses = {
        (scheme_id, organisation_id, kind): status
        for scheme_id, organisation_id, kind, status in Response.objects.filter(scheme_id__in=ids)
        .order_by()
        .values_list("scheme_id", "organisation_id", "template__kind", "status")
    }
    visits = defaultdict(list)
    for visit in Visit.objects.filter(scheme_id__in=ids).select_related("host").order_by("scheme_id", "order"):
        visits[visit.scheme_id].append(visit)
    # The benchmark of each stage, with its focus count, of the schemes with several
    # stages (one query, none when no scheme has a second stage: a single stage is
    # the scheme's benchmark, whose focus the scheme's row counts).
    stages = defaultdict(list)
    staged = [pk for pk in ids if counts[pk].stage_count > 1]
    if staged:
        for stage in (
            SchemeBenchmark.objects.filter(scheme_id__in=staged)
            .select_related("benchmark__benchmark")
            .annotate(focus_count=_focus_count("scheme_id", "benchmark_id"))
            .order_by("order", "pk")
        ):
            stages[stage.scheme_id].append(stage)
    actions = {
        row["plan__scheme_id"]: row
        for row in Action.objects.filter(plan__scheme_id__in=ids)
        .order_by()
        .values("plan__scheme_id")
        .annotate(
            total=Count("id"),
            average=Avg("progress"),
            finished=Count("id", filter=Q(status__in=FINISHED)),
            overdue=Count("id", filter=Q(due_date__lt=today) & ~Q(status__in=FINISHED)),
        )
    }

    result = {}
    for scheme in schemes:
        cities = [p for p in scheme.parties.all() if p.organisation.kind == OrganisationKind.CITY]
        peer = scheme.kind == SchemeKind.COMMUNITY
        mentee_parties = [p for p in cities if p.side in (Side.MENTEE, Side.PEER)]
        mentees = [p.organisation for p in mentee_parties]
        mentors = [p.organisation for p in cities if p.side in (Side.MENTOR, Side.PEER)]
        scheme_visits = visits.get(scheme.pk, [])
        first_day = min((v.start_date for v in scheme_visits if v.start_date and v.status != VisitStatus.CANCELLED), default=None)
        steps = [
            _document_step(
                "needs_analysis", scheme, mentees, responses, TemplateKind.NEEDS_ANALYSIS, "needs_analysis", first_day, today
            ),
            _document_step("strengths", scheme, mentors, responses, TemplateKind.STRENGTHS, "strengths", first_day, today),
        ]
        # Pairing
        if peer:
            steps.append(Step("pairing", STEP_LABELS["pairing"], NOT_NEEDED, _("Community of practice")))
        elif any(p.side == Side.MENTOR for p in cities):
            steps.append(
                Step(
                    "pairing",
                    STEP_LABELS["pairing"],
                    DONE,
                    ", ".join(p.organisation.label for p in cities if p.side == Side.MENTOR),
                )
            )
        else:
            steps.append(
                Step(
                    "pairing",
                    STEP_LABELS["pairing"],
                    _late_or(TODO, first_day, today),
                    _("No %(mentor)s yet") % {"mentor": scheme.programme.terms.mentor},
                    due=first_day,
                )
            )
        # Training: a person of each side attended.
        attended = [any(role.trained for role in scheme.roles.all() if role.role == side) for side in ("mentee", "mentor")]
        training_state = DONE if all(attended) else (STARTED if any(attended) else TODO)
        steps.append(
            Step(
                "training",
                STEP_LABELS["training"],
                _late_or(training_state, first_day, today),
                _("%(done)s of %(total)s sides trained") % {"done": sum(attended), "total": 2},
                due=first_day,
                url=reverse_lazy("schemes:training_sessions", kwargs={"programme": scheme.programme.slug}),
            )
        )
        # Scope: focus key factors of the stage in force chosen and agreed by both sides.
        scheme_stages = stages.get(scheme.pk, [])
        by_pk = {visit.pk: visit for visit in scheme_visits}
        for item in scheme_stages:  # the start visits, read above
            item.starts_from = by_pk.get(item.starts_from_id)
        stage = stage_in_force(scheme_stages, today)
        if not scheme.benchmark_id:
            steps.append(Step("scope", STEP_LABELS["scope"], NOT_NEEDED, _("Mentoring without a benchmark")))
        else:
            count = stage.focus_count if stage else counts[scheme.pk].focus_count
            holder = agreement_holder(scheme, stage)
            agreed = bool(holder.focus_agreed_by_mentee) and (peer or bool(holder.focus_agreed_by_mentor))
            scope_state = DONE if count and agreed else (STARTED if count else TODO)
            detail = ngettext("%(count)s focus key factor", "%(count)s focus key factors", count) % {"count": count}
            if count and not agreed:
                detail += " · " + _("not agreed by both sides yet")
            if len(scheme_stages) > 1:
                detail = f"{stage.name}: {detail}"
            links = [
                (
                    _("Self-assessment: %(city)s") % {"city": p.organisation.label},
                    _url("self_assessment", scheme, organisation=p.organisation_id),
                )
                for p in cities
            ]
            links.append((_("Focus key factors"), _url("scheme_focus", scheme)))
            steps.append(Step("scope", STEP_LABELS["scope"], _late_or(scope_state, first_day, today), detail, links, first_day))
        # Local support group of each mentee city.
        sizes = [party.support_group_size for party in mentee_parties]
        group_state = DONE if sizes and all(sizes) else (STARTED if any(sizes) else TODO)
        steps.append(
            Step(
                "support_group",
                STEP_LABELS["support_group"],
                _late_or(group_state, first_day, today),
                ngettext("%(count)s member", "%(count)s members", sum(sizes)) % {"count": sum(sizes)},
                [
                    (
                        _("Local support group: %(city)s") % {"city": city.label},
                        _url("support_group", scheme, organisation=city.pk),
                    )
                    for city in mentees
                ],
                first_day,
            )
        )
        count = counts[scheme.pk].commitment_count
        steps.append(
            Step(
                "commitment",
                STEP_LABELS["commitment"],
                _late_or(DONE if count else TODO, first_day, today),
                ngettext("%(count)s recorded", "%(count)s recorded", count) % {"count": count}
                if count
                else _("Not recorded yet"),
                due=first_day,
                url=format_lazy("{}#commitment", _url("scheme", scheme)),
            )
        )
        # Visits
        visit_steps = []
        for visit in scheme_visits:
            state = {VisitStatus.HELD: DONE, VisitStatus.CANCELLED: NOT_NEEDED, VisitStatus.CONFIRMED: STARTED}.get(
                visit.status, TODO
            )
            last_day = visit.end_date or visit.start_date
            if state in (TODO, STARTED) and last_day and last_day < today:
                state = LATE
            detail = ", ".join(
                filter(None, [visit.get_status_display(), visit.host.label if visit.host else "", _date(visit.start_date)])
            )
            starting = [item.name for item in scheme_stages[1:] if item.starts_from_id == visit.pk]
            if starting:  # which benchmark applies from here
                detail += " · " + _("“%(stage)s” starts") % {"stage": ", ".join(starting)}
            visit_steps.append(
                Step(
                    f"visit-{visit.order}",
                    str(visit),
                    state,
                    detail,
                    due=visit.start_date,
                    url=_url("visit", scheme, visit=visit.order),
                )
            )
        live = [s for s in visit_steps if s.state != NOT_NEEDED]
        held = sum(1 for s in live if s.state == DONE)
        visits_state = (
            LATE if any(s.state == LATE for s in live) else DONE if live and held == len(live) else STARTED if held else TODO
        )
        steps.append(
            Step(
                "visits",
                STEP_LABELS["visits"],
                visits_state,
                _("%(done)s of %(total)s held") % {"done": held, "total": len(live)},
                url=_url("visits", scheme),
            )
        )
        # Action plan, approval, implementation
        plan = _shared_plan(counts[scheme.pk], scheme) if not peer else None
        numbers = actions.get(scheme.pk, {})
        plan_url = _url("action_plan", scheme)
        version_count = counts[scheme.pk].version_count
        if peer:
            steps += _city_plan_steps(counts[scheme.pk], mentee_parties, numbers, plan_url, scheme.end_date, today)
        elif plan is None or (not numbers and not version_count):
            steps.append(Step("action_plan", STEP_LABELS["action_plan"], TODO, _("Not started"), url=plan_url))
        else:
            # A revision of the approved plan (issue 23) leaves the plan made: its approved version is in force.
            plan_state = DONE if plan.status != ActionPlanStatus.DRAFT or plan.approved_version_id else STARTED
            detail = ngettext("%(count)s action", "%(count)s actions", numbers.get("total", 0)) % {
                "count": numbers.get("total", 0)
            }
            detail += " · " + ngettext("%(count)s version", "%(count)s versions", version_count) % {"count": version_count}
            steps.append(Step("action_plan", STEP_LABELS["action_plan"], plan_state, detail, url=plan_url))
        if not peer:
            last_visit = max(
                (v.end_date or v.start_date for v in scheme_visits if v.start_date and v.status != VisitStatus.CANCELLED),
                default=None,
            )
            approval_due = scheme.end_date or (last_visit + APPROVAL_AFTER_LAST_VISIT if last_visit else None)
            if plan is not None and plan.status == ActionPlanStatus.APPROVED:
                approval = Step(
                    "approval", STEP_LABELS["approval"], DONE, _date(plan.approved_at), due=approval_due, url=plan_url
                )
            elif plan is not None and plan.approved_version_id is not None:
                # A revision of the approved plan (issue 23): the approved version stays in force.
                detail = _date(plan.approved_at) + " · " + _("revision %(number)s in progress") % {"number": plan.revision}
                approval = Step("approval", STEP_LABELS["approval"], DONE, detail, due=approval_due, url=plan_url)
            else:
                state = STARTED if plan is not None and plan.status == ActionPlanStatus.SUBMITTED else TODO
                detail = _("Submitted, waiting for approval") if state == STARTED else _("Not submitted yet")
                approval = Step(
                    "approval",
                    STEP_LABELS["approval"],
                    _late_or(state, approval_due, today),
                    detail,
                    due=approval_due,
                    url=plan_url,
                )
            steps.append(approval)
            if approval.state != DONE or not numbers:
                steps.append(Step("implementation", STEP_LABELS["implementation"], TODO, _("After the approval"), url=plan_url))
            else:
                average = round(numbers["average"] or 0)
                state = LATE if numbers["overdue"] else DONE if numbers["finished"] == numbers["total"] else STARTED
                detail = ngettext("%(count)s action", "%(count)s actions", numbers["total"]) % {"count": numbers["total"]}
                detail += " · " + _("%(average)s %% done on average") % {"average": average}
                if numbers["overdue"]:
                    detail += " · " + ngettext("%(count)s overdue", "%(count)s overdue", numbers["overdue"]) % {
                        "count": numbers["overdue"]
                    }
                if plan.status != ActionPlanStatus.APPROVED:  # the approved version, implemented while revised
                    detail += " · " + _("revision %(number)s in progress") % {"number": plan.revision}
                steps.append(Step("implementation", STEP_LABELS["implementation"], state, detail, url=plan_url, percent=average))
        steps += _closing_steps(scheme, counts[scheme.pk], cities, today)
        steps = _in_focus(scheme, steps)

        # The next date: a meeting or a visit still ahead (a meeting first on the same day:
        # it is on that day's agenda, the visit starts then).
        upcoming = []
        if counts[scheme.pk].next_meeting_date is not None:
            upcoming.append((counts[scheme.pk].next_meeting_date, counts[scheme.pk].next_meeting_title, None))
        for visit in scheme_visits:
            if visit.status in (VisitStatus.HELD, VisitStatus.CANCELLED):
                continue
            if visit.start_date and visit.start_date >= today:
                upcoming.append((visit.start_date, str(visit), visit))
        next_date, next_event, next_date_visit = min(upcoming, default=(None, "", None), key=lambda item: item[0])
        next_visit = next((v for v in scheme_visits if v.status in (VisitStatus.PLANNED, VisitStatus.CONFIRMED)), None)
        result[scheme.pk] = SchemeProgress(
            scheme,
            steps,
            visit_steps,
            next_date,
            next_event,
            next_visit,
            plan,
            worth_checking(peer=peer, city_parties=cities, visits=scheme_visits),
            scheme_stages,
            stage,
            next_date_visit,
        )
    return result


def _in_focus(scheme, steps):
    """``steps`` with those outside the scheme's focus (schemes/focus.py) made
    ``OUT_OF_SCOPE``: without a date, a link or a state of their own, so that nothing
    counts them or points at them; what they hold stays where it is."""
    taken = steps_in_scope(scheme)
    return [step if step.key in taken else Step(step.key, step.label, OUT_OF_SCOPE, why_out(scheme, step.key)) for step in steps]


def _city_plan_steps(row, peers, numbers, plan_url, due, today):
    """A community of practice's plan steps (issue 23): each peer city has its own plan,
    so the steps count them ("2 of 4 plans approved"); implementation counts the actions
    of every city's plan."""
    total = len(peers)
    started, submitted, approved = row.city_plans_started, row.city_plans_submitted, row.city_plans_approved
    made = submitted + approved
    state = DONE if total and made >= total else STARTED if started or made else TODO
    detail = ngettext("%(done)s of %(total)s plan started", "%(done)s of %(total)s plans started", total) % {
        "done": max(started, made),
        "total": total,
    }
    steps = [Step("action_plan", STEP_LABELS["action_plan"], state, detail, url=plan_url)]
    state = DONE if total and approved >= total else STARTED if approved or submitted else TODO
    detail = ngettext("%(done)s of %(total)s plan approved", "%(done)s of %(total)s plans approved", total) % {
        "done": approved,
        "total": total,
    }
    steps.append(Step("approval", STEP_LABELS["approval"], _late_or(state, due, today), detail, due=due, url=plan_url))
    if not approved or not numbers:
        steps.append(Step("implementation", STEP_LABELS["implementation"], TODO, _("After the approval"), url=plan_url))
    else:
        average = round(numbers["average"] or 0)
        state = LATE if numbers["overdue"] else DONE if numbers["finished"] == numbers["total"] else STARTED
        detail = ngettext("%(count)s action", "%(count)s actions", numbers["total"]) % {"count": numbers["total"]}
        detail += " · " + _("%(average)s %% done on average") % {"average": average}
        steps.append(Step("implementation", STEP_LABELS["implementation"], state, detail, url=plan_url, percent=average))
    return steps


def _closing_steps(scheme, row, cities, today):
    """The final meeting (done once its day has come, started while it is ahead),
    evaluation (done when every side that takes part submitted its own), dissemination
    (done once the closing event is recorded with its date) and support gaps (done when
    any is recorded; not needed without an association), each due by the scheme's end."""
    due, closing_url = scheme.end_date, _url("closing", scheme)
    sides = []
    if any(p.side in (Side.MENTEE, Side.PEER) for p in cities):
        sides.append(EvaluationSide.MENTEE)
    if any(p.side == Side.MENTOR for p in cities):
        sides.append(EvaluationSide.MENTOR)
    if any(role.role == "facilitator" for role in scheme.roles.all()):
        sides.append(EvaluationSide.FACILITATION)
    if row.final_meeting is None:
        state, detail = TODO, _("Not planned yet")
    elif row.final_meeting <= today:
        state, detail = DONE, _("Held on %(date)s") % {"date": _date(row.final_meeting)}
    else:
        state, detail = STARTED, _("Planned for %(date)s") % {"date": _date(row.final_meeting)}
    steps = [
        Step(
            "final_meeting",
            STEP_LABELS["final_meeting"],
            _late_or(state, due, today),
            detail,
            due=due,
            url=_url("meetings", scheme),
        )
    ]
    written = {side: getattr(row, f"{side}_evaluation") for side in sides}  # None, False (draft), True
    submitted = sum(1 for value in written.values() if value)
    state = DONE if sides and submitted == len(sides) else STARTED if any(v is not None for v in written.values()) else TODO
    steps.append(
        Step(
            "evaluation",
            STEP_LABELS["evaluation"],
            _late_or(state, due, today),
            _("%(done)s of %(total)s sides submitted") % {"done": submitted, "total": len(sides)},
            due=due,
            url=format_lazy("{}#evaluations", closing_url),
        )
    )
    if row.closing_event:
        state, detail = DONE, _("Closing event on %(date)s") % {"date": _date(row.closing_event)}
    else:
        state = STARTED if row.output_count else TODO
        detail = _("No closing event recorded yet")
    if row.output_count:
        detail += " · " + ngettext("%(count)s output", "%(count)s outputs", row.output_count) % {"count": row.output_count}
    steps.append(
        Step(
            "dissemination",
            STEP_LABELS["dissemination"],
            _late_or(state, due, today),
            detail,
            due=due,
            url=format_lazy("{}#outputs", closing_url),
        )
    )
    if not any(p.organisation.kind == OrganisationKind.ASSOCIATION for p in scheme.parties.all()):
        steps.append(Step("support_gaps", STEP_LABELS["support_gaps"], NOT_NEEDED, _("No association in this scheme")))
    else:
        count = row.gap_count
        steps.append(
            Step(
                "support_gaps",
                STEP_LABELS["support_gaps"],
                _late_or(DONE if count else TODO, due, today),
                ngettext("%(count)s recorded", "%(count)s recorded", count) % {"count": count}
                if count
                else _("Not recorded yet"),
                due=due,
                url=format_lazy("{}#gaps", closing_url),
            )
        )
    return steps


def _date(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "DATE_FORMAT")
