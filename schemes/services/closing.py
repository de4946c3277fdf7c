"""The closing review: the impact ledger of a scheme, computed (never stored) from what the
scheme already holds.

Seed 002, "Concluding the ImpleMentoring process": “a final meeting provides the
opportunity to reflect on what all parties have learned [...] whether its action plan is
completed or not, the implementing city can review progress in achieving its objectives
or moving closer to the benchmark standard.” The method (docs/method.md §3.3): after implementation,
“a closing review of progress against the benchmark”.

For each focus key factor of the scheme (every key factor of the benchmark while none is
agreed), the ledger puts side by side:

- the **baseline and final level of each city** of the scheme (mentee side first, then
  mentor side, then peers): the first and the latest *submitted* self-assessment round of
  that city against the benchmark version read (a city with one submitted round has a
  baseline and no final yet);
- the **needs** the plan's actions on that key factor address (a need is tied to key
  factors through the actions that answer it: ``Action.needs`` and
  ``Action.key_factors``);
- the **good practices drawn on**: practices on that key factor recorded by the scheme's
  mentor (or peer) cities in the programme, or attached to a strengths document of the
  scheme;
- the **actions** on it, with their status, their implementation updates and the number
  of files attached to those updates (the evidence);
- two flags, read on the implementing side (the mentee cities; the peers in a community
  of practice): **level moved with no action** (a final level higher than the baseline,
  and no action on the key factor but dropped ones) and **actions done, no movement**
  (every action on it not dropped is done, and no implementing city's final level is
  higher than its baseline).

The ledger is for one benchmark version (``benchmark``, by default each scheme's own), so
that a scheme working through several benchmarks can have one ledger per stage.

``closing_ledgers`` reads any number of schemes in a fixed number of queries (the
programme report's is the same for 2 schemes or 200): every read is over all the schemes
at once, grouped in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from benchmarks.models import KeyFactor

from ..models import (
    Action,
    ActionPlan,
    ActionStatus,
    GoodPractice,
    ImplementationUpdate,
    KeyFactorAssessment,
    Need,
    OrganisationKind,
    Response,
    Scheme,
    SchemeParty,
    SelfAssessment,
    Side,
    Visit,
)
from ..models.self_assessments import Level
from ..models.visits import VisitStatus
from .attachments import attachments_of

# The sides whose levels the flags read (the implementing city), and the order in which
# cities are shown: mentee side, mentor side, peers.
SIDE_ORDER = {Side.MENTEE: 0, Side.MENTOR: 1, Side.PEER: 2}


def level_label(level):
    return "" if level is None else str(Level(level).label)


@dataclass
class CityRounds:
    """One city of a scheme and its self-assessment rounds against the benchmark read."""

    city: object
    side: str
    submitted: list = field(default_factory=list)  # submitted rounds, first to latest
    open_round: object = None  # a round started and not submitted yet
    levels: dict = field(default_factory=dict)  # {round pk: {key factor pk: level}}

    @property
    def baseline(self):
        return self.submitted[0] if self.submitted else None

    @property
    def final(self):
        """The latest submitted round, when it is not the baseline itself."""
        return self.submitted[-1] if len(self.submitted) > 1 else None

    def level(self, assessment, key_factor_id):
        return None if assessment is None else self.levels.get(assessment.pk, {}).get(key_factor_id)

    @property
    def side_label(self):
        return Side(self.side).label

    @property
    def implementing(self):
        return self.side in (Side.MENTEE, Side.PEER)


@dataclass
class CityLevel:
    """One city's baseline and final level on one key factor."""

    rounds: CityRounds
    baseline: int | None
    final: int | None

    @property
    def city(self):
        return self.rounds.city

    @property
    def compared(self):
        return self.baseline is not None and self.final is not None

    @property
    def moved(self):
        return self.compared and self.final > self.baseline

    @property
    def change(self):
        return self.final - self.baseline if self.compared else None

    @property
    def baseline_label(self):
        return level_label(self.baseline)

    @property
    def final_label(self):
        return level_label(self.final)


@dataclass
class ActionEntry:
    """An action of the plan with its implementation updates (newest first) and the number
    of files attached to them."""

    action: object
    updates: list
    evidence: int = 0

    @property
    def latest_update(self):
        return self.updates[0] if self.updates else None


@dataclass
class LedgerRow:
    key_factor: object
    levels: list  # [CityLevel], in the order of ``Ledger.cities``
    needs: list
    practices: list
    actions: list  # [ActionEntry]
    moved_without_action: bool = False
    done_without_movement: bool = False

    @property
    def implementing_levels(self):
        return [level for level in self.levels if level.rounds.implementing]

    @property
    def mentor_levels(self):
        return [level for level in self.levels if level.rounds.side == Side.MENTOR]


@dataclass
class Missing:
    """What the review cannot compare yet, and where to go to complete it."""

    text: str
    url: str = ""
    link_text: str = ""


@dataclass
class Ledger:
    scheme: object
    benchmark: object  # the BenchmarkVersion read, or None (a scheme without a benchmark)
    cities: list = field(default_factory=list)  # [CityRounds]
    rows: list = field(default_factory=list)  # [LedgerRow], one per key factor
    all_key_factors: list = field(default_factory=list)  # every key factor of the version
    focus_chosen: bool = False
    plan: object = None
    actions: list = field(default_factory=list)  # every action of the plan: [ActionEntry]
    needs: list = field(default_factory=list)  # every need of the plan
    visits_held: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # [Missing]
    # Hook for the evaluation and dissemination (another part of the application):
    # ``lessons_of`` fills it with (heading, text) pairs; the templates print them in
    # their "lessons" block (templates/closing/_lessons.html).
    lessons: list = field(default_factory=list)

    @property
    def has_benchmark(self):
        return self.benchmark is not None

    @property
    def compared(self):
        """True when at least one city has a final round to compare with its baseline."""
        return any(city.final is not None for city in self.cities)

    @property
    def actions_by_status(self):
        """[(status label, count)] in the order of the statuses, every status shown."""
        counts = defaultdict(int)
        for entry in self.actions:
            counts[entry.action.status] += 1
        return [(label, counts[value]) for value, label in ActionStatus.choices]

    @property
    def flagged_moved(self):
        return [row for row in self.rows if row.moved_without_action]

    @property
    def flagged_done(self):
        return [row for row in self.rows if row.done_without_movement]


def lessons_of(schemes):
    """{scheme pk: [(heading, text), ...]}: the lessons learned of each scheme, from each
    side's submitted evaluation of the mentoring (what they learned, what worked in the
    method, what they would change). One query for any number of schemes: the programme
    report calls it once for all of them."""
    from ..models.closing import EvaluationSide, MentoringEvaluation

    questions = [
        ("learned", _("%(side)s: what we learned")),
        ("worked", _("%(side)s: what worked in the method")),
        ("change", _("%(side)s: what we would change")),
    ]
    lessons = defaultdict(list)
    evaluations = MentoringEvaluation.objects.filter(scheme__in=[scheme.pk for scheme in schemes], submitted_at__isnull=False)
    order = list(EvaluationSide.values)  # the mentee side, the mentor side, the facilitation
    for evaluation in sorted(evaluations, key=lambda e: (e.scheme_id, order.index(e.side))):
        side = evaluation.get_side_display()
        for field_name, heading in questions:
            text = getattr(evaluation, field_name)
            if text:
                lessons[evaluation.scheme_id].append((heading % {"side": side}, text))
    return dict(lessons)


def closing_ledger(scheme, *, benchmark=None):
    """The impact ledger of ``scheme`` for ``benchmark`` (a BenchmarkVersion; by default
    the scheme's own). A fixed number of queries."""
    return closing_ledgers([scheme], benchmark=benchmark)[scheme.pk]


def closing_ledgers(schemes, *, benchmark=None):
    """{scheme pk: Ledger} for every scheme of ``schemes``, each for ``benchmark`` or, when
    it is None, for the scheme's own benchmark. The same number of queries for any number
    of schemes."""
    schemes = list(schemes)
    ids = [scheme.pk for scheme in schemes]
    versions = {scheme.pk: benchmark if benchmark is not None else scheme.benchmark for scheme in schemes}
    version_ids = {scheme_id: version.pk for scheme_id, version in versions.items() if version is not None}
    ledgers = {scheme.pk: Ledger(scheme=scheme, benchmark=versions[scheme.pk]) for scheme in schemes}
    if not schemes:
        return ledgers

    # The cities of each scheme, mentee side first.
    cities = defaultdict(list)
    parties = (
        SchemeParty.objects.filter(scheme_id__in=ids, organisation__kind=OrganisationKind.CITY)
        .select_related("organisation")
        .order_by("scheme_id", "order", "id")
    )
    for party in sorted(parties, key=lambda p: (p.scheme_id, SIDE_ORDER.get(p.side, 9), p.order, p.pk)):
        cities[party.scheme_id].append(CityRounds(city=party.organisation, side=party.side))

    # Key factors of the versions read, and each scheme's focus among them.
    key_factors = defaultdict(list)
    if version_ids:
        for key_factor in KeyFactor.objects.filter(version_id__in=set(version_ids.values())).order_by("version_id", "order"):
            key_factors[key_factor.version_id].append(key_factor)
    focus = defaultdict(set)
    through = Scheme.focus_key_factors.through
    for scheme_id, key_factor_id in through.objects.filter(scheme_id__in=ids).values_list("scheme_id", "keyfactor_id"):
        focus[scheme_id].add(key_factor_id)

    # Self-assessment rounds (every round, to say which one is still open) and the levels
    # of the submitted ones.
    rounds_of = {(scheme_id, rounds.city.pk): rounds for scheme_id, rows in cities.items() for rounds in rows}
    submitted_ids = set()
    assessments = SelfAssessment.objects.filter(scheme_id__in=ids).order_by("scheme_id", "city_id", "round")
    for assessment in assessments:
        rounds = rounds_of.get((assessment.scheme_id, assessment.city_id))
        if rounds is None or assessment.benchmark_id != version_ids.get(assessment.scheme_id):
            continue
        if assessment.submitted_at is not None:
            rounds.submitted.append(assessment)
            submitted_ids.add(assessment.pk)
        else:
            rounds.open_round = assessment
    if submitted_ids:
        rows = KeyFactorAssessment.objects.filter(assessment_id__in=submitted_ids, level__isnull=False)
        levels = defaultdict(dict)
        for assessment_id, key_factor_id, level in rows.values_list("assessment_id", "key_factor_id", "level"):
            levels[assessment_id][key_factor_id] = level
        for rounds in rounds_of.values():
            rounds.levels = {a.pk: levels.get(a.pk, {}) for a in rounds.submitted}

    # The action plans, their needs and actions with key factors, needs and updates, and
    # the files attached to the updates.
    plans = {plan.scheme_id: plan for plan in ActionPlan.objects.filter(scheme_id__in=ids, organisation__isnull=True)}
    needs = defaultdict(list)
    for need in Need.objects.filter(plan__scheme_id__in=ids).select_related("plan").order_by("plan_id", "order", "id"):
        needs[need.plan.scheme_id].append(need)
    actions = list(
        Action.objects.filter(plan__scheme_id__in=ids)
        .select_related("plan")
        .order_by("plan_id", "order", "id")
        .prefetch_related(
            "key_factors",
            "needs",
            Prefetch("updates", queryset=ImplementationUpdate.objects.order_by("-date", "-id")),
        )
    )
    updates = [update for action in actions for update in action.updates.all()]
    files = attachments_of(updates) if updates else {}
    entries = defaultdict(list)
    for action in actions:
        action_updates = list(action.updates.all())
        evidence = sum(len(files.get((ImplementationUpdate, update.pk), [])) for update in action_updates)
        entries[action.plan.scheme_id].append(ActionEntry(action=action, updates=action_updates, evidence=evidence))

    # Good practices on these key factors: the mentor (or peer) cities' in the programme,
    # or attached to a strengths document of the scheme.
    contributors = {
        (scheme.programme_id, rounds.city.pk)
        for scheme in schemes
        for rounds in cities[scheme.pk]
        if rounds.side in (Side.MENTOR, Side.PEER)
    }
    all_key_factor_ids = [kf.pk for rows in key_factors.values() for kf in rows]
    practices = []
    if all_key_factor_ids:
        contributed = Q(pk__in=[])
        for programme_id, city_id in contributors:
            contributed |= Q(programme_id=programme_id, city_id=city_id)
        practices = list(
            GoodPractice.objects.filter(key_factors__in=all_key_factor_ids)
            .filter(contributed | Q(strengths__scheme_id__in=ids))
            .distinct()
            .select_related("city")
            .order_by("title", "id")
            .prefetch_related(
                Prefetch("key_factors", queryset=KeyFactor.objects.only("id")),
                Prefetch("strengths", queryset=Response.objects.filter(scheme_id__in=ids).only("id", "scheme_id")),
            )
        )

    visits = defaultdict(list)
    for visit in Visit.objects.filter(scheme_id__in=ids, status=VisitStatus.HELD).order_by("scheme_id", "order"):
        visits[visit.scheme_id].append(visit)

    lessons = lessons_of(schemes)

    for scheme in schemes:
        ledger = ledgers[scheme.pk]
        ledger.cities = cities[scheme.pk]
        ledger.plan = plans.get(scheme.pk)
        ledger.needs = needs[scheme.pk]
        ledger.actions = entries[scheme.pk]
        ledger.visits_held = visits[scheme.pk]
        ledger.lessons = list(lessons.get(scheme.pk, []))
        if ledger.benchmark is None:
            continue
        ledger.all_key_factors = key_factors[ledger.benchmark.pk]
        chosen = [kf for kf in ledger.all_key_factors if kf.pk in focus[scheme.pk]]
        ledger.focus_chosen = bool(chosen)
        mentors = {rounds.city.pk for rounds in ledger.cities if rounds.side in (Side.MENTOR, Side.PEER)}
        for key_factor in chosen or ledger.all_key_factors:
            ledger.rows.append(_row(scheme, key_factor, ledger, practices, mentors))
        ledger.missing = _missing(scheme, ledger)
    return ledgers


def _row(scheme, key_factor, ledger, practices, mentors):
    levels = [
        CityLevel(
            rounds=rounds,
            baseline=rounds.level(rounds.baseline, key_factor.pk),
            final=rounds.level(rounds.final, key_factor.pk),
        )
        for rounds in ledger.cities
    ]
    on_it = [entry for entry in ledger.actions if any(kf.pk == key_factor.pk for kf in entry.action.key_factors.all())]
    needs, seen = [], set()
    for entry in on_it:
        for need in entry.action.needs.all():
            if need.pk not in seen:
                seen.add(need.pk)
                needs.append(need)
    drawn_on = [
        practice
        for practice in practices
        if any(kf.pk == key_factor.pk for kf in practice.key_factors.all())
        and (
            (practice.programme_id == scheme.programme_id and practice.city_id in mentors)
            or any(response.scheme_id == scheme.pk for response in practice.strengths.all())
        )
    ]
    implementing = [level for level in levels if level.rounds.implementing]
    moved = any(level.moved for level in implementing)
    compared = any(level.compared for level in implementing)
    live = [entry for entry in on_it if entry.action.status != ActionStatus.DROPPED]
    finished = bool(live) and all(entry.action.status == ActionStatus.DONE for entry in live)
    return LedgerRow(
        key_factor=key_factor,
        levels=levels,
        needs=needs,
        practices=drawn_on,
        actions=on_it,
        moved_without_action=moved and not live,
        done_without_movement=finished and compared and not moved,
    )


def _missing(scheme, ledger):
    """What keeps the review from comparing the first and the latest rounds of each city,
    in the words a city officer acts on, each with the page where they do it."""
    result = []
    kwargs = {"programme": scheme.programme.slug, "number": scheme.number}
    # A later stage's pages are named by its benchmark; the first stage's need no name.
    stage = ""
    if ledger.benchmark is not None and ledger.benchmark.pk != scheme.benchmark_id:
        stage = f"?benchmark={ledger.benchmark.pk}"
    if not ledger.cities:
        result.append(Missing(_("The scheme has no city yet: the closing review compares the cities' self-assessments.")))
    for rounds in ledger.cities:
        url = reverse("schemes:self_assessment", kwargs={**kwargs, "organisation": rounds.city.pk}) + stage
        link = _("Open %(city)s’s self-assessment") % {"city": rounds.city.label}
        values = {"city": rounds.city.label}
        if not rounds.submitted:
            if rounds.open_round is not None:
                text = _(
                    "%(city)s has not submitted its first self-assessment round yet: the closing review compares "
                    "the first and the latest; submit the baseline round, then a re-assessment round."
                )
            else:
                text = _(
                    "%(city)s has no submitted self-assessment round: the closing review compares the first and "
                    "the latest; submit a baseline round, then a re-assessment round."
                )
            result.append(Missing(text % values, url, link))
        elif len(rounds.submitted) == 1:
            text = _(
                "%(city)s has one submitted self-assessment round: the closing review compares the first and the "
                "latest; submit a re-assessment round."
            )
            if rounds.open_round is not None:
                text += " " + _("Its round %(round)s is started: submit it when it is complete.")
                values["round"] = rounds.open_round.round
            result.append(Missing(text % values, url, link))
    if not ledger.focus_chosen and ledger.benchmark is not None:
        result.append(
            Missing(
                _("No focus key factors are agreed: the review shows every key factor of the benchmark."),
                reverse("schemes:scheme_focus", kwargs=kwargs) + stage,
                _("Choose the focus key factors"),
            )
        )
    return result


@dataclass
class ProgrammeFactor:
    """One key factor across the programme's schemes: how many cities moved up, of how
    many compared, and the average baseline and final level of those compared."""

    key_factor: object
    compared: int = 0
    moved_up: int = 0
    baseline_total: int = 0
    final_total: int = 0

    @property
    def average_baseline(self):
        return round(self.baseline_total / self.compared, 1) if self.compared else None

    @property
    def average_final(self):
        return round(self.final_total / self.compared, 1) if self.compared else None


def programme_progress(ledgers):
    """[(benchmark version, [ProgrammeFactor])] for every benchmark version the ledgers
    read: for each of its key factors, the cities (of any side, in any scheme) with a
    baseline and a final level on it. No query: the ledgers hold every level."""
    by_version = {}
    for ledger in ledgers:
        if ledger.benchmark is None:
            continue
        version, factors = by_version.setdefault(
            ledger.benchmark.pk,
            (ledger.benchmark, {kf.pk: ProgrammeFactor(key_factor=kf) for kf in ledger.all_key_factors}),
        )
        for rounds in ledger.cities:
            if rounds.final is None:
                continue
            for key_factor_id, factor in factors.items():
                baseline = rounds.level(rounds.baseline, key_factor_id)
                final = rounds.level(rounds.final, key_factor_id)
                if baseline is None or final is None:
                    continue
                factor.compared += 1
                factor.moved_up += final > baseline
                factor.baseline_total += baseline
                factor.final_total += final
    return [(version, list(factors.values())) for version, factors in by_version.values()]
