"""Suggesting mentor cities for a mentee city (docs/method.md §3.1 step 3), with a score a
coordinator can check term by term.

Before pairing, a mentee city works in a scheme of its own with no mentor yet (its
*preparation scheme*: it fills its needs analysis and self-assessment there); a city
offering to mentor may do the same on the mentor side (a *mentor candidacy*). The
evidence about a city is everything it recorded in the programme on the benchmark's key
factors, whichever scheme it was recorded in. The score, out of 100:

- **Needs (60 points)**: for each key factor of the mentee's benchmark that the mentee
  assessed, its gap ``(4 - level) / 4`` (double weight when it wants to focus on it),
  times the candidate's strength there: its latest self-assessed level ``/ 4``, raised
  to 3/4 when it recorded a good practice on that key factor. The points are the share
  of the mentee's weighted gaps the candidate is strong in.
- **Profile (25 points)**: population (8: full when equal, none when ten times apart,
  on a log scale), share of people with a migrant background (6: none when 20
  percentage points apart), multi-level governance (5: same structure), country (2),
  municipal associations on both sides (4).
- **Availability (15 points)**: 15 when the city mentors no scheme now, 7.5 with one,
  none with two or more.

Key factors match across versions of one benchmark by number. Population and migrant
figures come from the city's latest needs-analysis or strengths answers, else from its
record in the programme.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benchmarks.models import KeyFactor
from mentoring.activity import log_action

from ..models import (
    Answer,
    GoodPractice,
    KeyFactorAssessment,
    Level,
    Organisation,
    OrganisationKind,
    Scheme,
    SchemeParty,
    SchemePhase,
    Side,
    VisitKind,
)
from .schemes import default_visit_plan, scheme_create

NEEDS_POINTS = 60
PROFILE_POINTS = {"population": 8, "migrant_share": 6, "governance": 5, "country": 2, "association": 4}
AVAILABILITY_POINTS = 15
GOOD_PRACTICE_STRENGTH = 0.75
FOCUS_WEIGHT = 2
MAX_LEVEL = 4
SHARE_SPREAD = 20  # percentage points of migrant share at which the term is zero


@dataclass
class Evidence:
    """What a city recorded about a key factor: its latest level, focus, good practices."""

    level: int | None = None
    focus: bool = False
    practices: list = field(default_factory=list)


@dataclass
class CityFacts:
    city: Organisation
    population: int | None
    population_source: str
    migrant_share: float | None
    associations: list
    evidence: dict  # key factor number -> Evidence
    mentoring: list  # schemes it mentors now
    needs_text: str = ""

    @property
    def assessed(self):
        return any(e.level is not None for e in self.evidence.values())

    @property
    def average_level(self):
        levels = [e.level for e in self.evidence.values() if e.level is not None]
        return sum(levels) / len(levels) if levels else None


@dataclass
class NeedTerm:
    number: str
    title: str
    mentee_level: int | None
    weight: int
    gap: float
    strength: float
    strength_reason: str
    points: float


@dataclass
class Term:
    label: str
    points: float
    max_points: float
    reason: str


@dataclass
class Candidate:
    facts: CityFacts
    needs: list
    needs_points: float
    profile: list
    availability: Term

    @property
    def city(self):
        return self.facts.city

    @property
    def profile_points(self):
        return sum(term.points for term in self.profile)

    @property
    def score(self):
        return round(self.needs_points + self.profile_points + self.availability.points, 1)


@dataclass
class Matching:
    mentee: CityFacts
    benchmark: object
    candidates: list
    notes: list


def waiting_schemes(programme):
    """The programme's active mentoring schemes that have a mentee city and no mentor city yet."""
    return (
        programme.schemes.waiting_for_mentor()
        .exclude(phase=SchemePhase.CLOSED)
        .select_related("benchmark__benchmark")
        .prefetch_related(Prefetch("parties", queryset=SchemeParty.objects.select_related("organisation")))
        .order_by("number")
    )


def mentees(programme):
    """Who may be matched: (city, waiting scheme) for each preparation scheme, then the
    programme's cities that are in no scheme yet (scheme None)."""
    result = []
    for scheme in waiting_schemes(programme):
        for party in scheme.mentee_parties:
            if party.organisation.kind == OrganisationKind.CITY:
                result.append((party.organisation, scheme))
    placed = SchemeParty.objects.filter(scheme__programme=programme).values("organisation")
    for city in programme.cities.filter(kind=OrganisationKind.CITY).exclude(pk__in=placed).order_by("name"):
        result.append((city, None))
    return result


def _latest_figures(programme):
    """{city id: {"inhabitants": n, "migrant-population": n}} from the latest answers of
    the programme's needs analyses and strengths."""
    answers = (
        Answer.objects.filter(
            response__scheme__programme=programme,
            question__key__in=["inhabitants", "migrant-population"],
            number__isnull=False,
        )
        .order_by("updated_at")
        .values_list("response__organisation_id", "question__key", "number")
    )
    figures = defaultdict(dict)
    for city_id, key, number in answers:
        figures[city_id][key] = int(number)
    return figures


def _needs_texts(programme):
    answers = (
        Answer.objects.filter(response__scheme__programme=programme, question__key="challenge")
        .exclude(text="")
        .order_by("updated_at")
        .values_list("response__organisation_id", "text")
    )
    return dict(answers)


def city_facts(programme, benchmark, cities):
    """What the programme knows about each of ``cities`` (on ``benchmark``'s key factors,
    if any), in a fixed number of queries whatever the number of cities, rounds and
    practices."""
    ids = [city.pk for city in cities]
    evidence = {city_id: defaultdict(Evidence) for city_id in ids}
    if benchmark is not None:
        _record_evidence(evidence, programme, benchmark, ids)
    mentoring = defaultdict(list)
    mentor_parties = (
        SchemeParty.objects.filter(
            side=Side.MENTOR,
            organisation_id__in=ids,
            scheme__archived=False,
            scheme__parties__side=Side.MENTEE,
            scheme__parties__organisation__kind=OrganisationKind.CITY,
        )
        .exclude(scheme__phase=SchemePhase.CLOSED)
        .select_related("scheme")
        .distinct()
    )
    for party in mentor_parties:
        mentoring[party.organisation_id].append(party.scheme)
    figures = _latest_figures(programme)
    needs = _needs_texts(programme)
    facts = {}
    for city in cities:
        given = figures.get(city.pk, {})
        population = given.get("inhabitants", city.population)
        migrants = given.get("migrant-population", city.migrant_population)
        facts[city.pk] = CityFacts(
            city=city,
            population=population,
            population_source=_("from its answers") if given else _("from its record"),
            migrant_share=round(100 * migrants / population, 1) if population and migrants is not None else None,
            associations=list(city.member_of.all()),
            evidence=dict(evidence[city.pk]),
            mentoring=mentoring.get(city.pk, []),
            needs_text=needs.get(city.pk, ""),
        )
    return facts


def _record_evidence(evidence, programme, benchmark, ids):
    """Fill ``evidence`` with each city's latest self-assessed levels on ``benchmark``
    (any version, any scheme of the programme) and its good practices on its key factors."""
    assessments = (
        KeyFactorAssessment.objects.filter(
            assessment__scheme__programme=programme,
            assessment__city_id__in=ids,
            assessment__benchmark__benchmark_id=benchmark.benchmark_id,
        )
        .select_related("assessment", "key_factor")
        .order_by("assessment__created_at", "assessment__round", "pk")
    )
    for item in assessments:
        entry = evidence[item.assessment.city_id][item.key_factor.number]
        if item.level is not None:
            entry.level = item.level
            entry.focus = item.focus
    practices = (
        GoodPractice.objects.filter(programme=programme, city_id__in=ids)
        .prefetch_related(
            Prefetch("key_factors", queryset=KeyFactor.objects.filter(version__benchmark_id=benchmark.benchmark_id))
        )
        .order_by("title")
    )
    for practice in practices:
        for key_factor in practice.key_factors.all():
            evidence[practice.city_id][key_factor.number].practices.append(practice.title)


def _level_name(level):
    return Level(level).label


def _needs_terms(mentee, candidate, key_factors):
    terms = []
    for key_factor in key_factors:
        own = mentee.evidence.get(key_factor.number)
        if own is None or own.level is None:
            continue
        weight = FOCUS_WEIGHT if own.focus else 1
        gap = (MAX_LEVEL - own.level) / MAX_LEVEL
        theirs = candidate.evidence.get(key_factor.number, Evidence())
        strength, reasons = 0.0, []
        if theirs.level is not None:
            strength = theirs.level / MAX_LEVEL
            reasons.append(
                _("self-assessed “%(level)s” (%(value)s/4)") % {"level": _level_name(theirs.level), "value": theirs.level}
            )
        if theirs.practices:
            if strength < GOOD_PRACTICE_STRENGTH:
                strength = GOOD_PRACTICE_STRENGTH
            reasons.append(_("good practice: %(titles)s") % {"titles": ", ".join(theirs.practices)})
        terms.append(
            NeedTerm(
                number=key_factor.number,
                title=key_factor.title,
                mentee_level=own.level,
                weight=weight,
                gap=gap,
                strength=strength,
                strength_reason="; ".join(reasons) or _("nothing recorded"),
                points=weight * gap * strength,
            )
        )
    return terms


def _profile_terms(mentee, candidate):
    points = PROFILE_POINTS
    terms = []
    if mentee.population and candidate.population:
        distance = abs(math.log10(mentee.population / candidate.population))
        value = points["population"] * max(0.0, 1 - distance)
        reason = _("%(theirs)s inhabitants against %(own)s") % {
            "theirs": number_format(candidate.population, force_grouping=True),
            "own": number_format(mentee.population, force_grouping=True),
        }
    else:
        value, reason = 0.0, _("population not known")
    terms.append(Term(_("Population"), value, points["population"], reason))
    if mentee.migrant_share is not None and candidate.migrant_share is not None:
        gap = abs(mentee.migrant_share - candidate.migrant_share)
        value = points["migrant_share"] * max(0.0, 1 - gap / SHARE_SPREAD)
        reason = _("%(theirs)s %% against %(own)s %%") % {
            "theirs": number_format(candidate.migrant_share, 1),
            "own": number_format(mentee.migrant_share, 1),
        }
    else:
        value, reason = 0.0, _("share not known")
    terms.append(Term(_("Share of people with a migrant background"), value, points["migrant_share"], reason))
    own_structure, their_structure = mentee.city.government_structure, candidate.city.government_structure
    if own_structure and their_structure:
        same = own_structure == their_structure
        value = points["governance"] if same else 0.0
        reason = (_("both: %(structure)s") if same else _("%(structure)s against %(own)s")) % {
            "structure": candidate.city.get_government_structure_display(),
            "own": mentee.city.get_government_structure_display(),
        }
    else:
        value, reason = 0.0, _("governance not known")
    terms.append(Term(_("Multi-level governance"), value, points["governance"], reason))
    same_country = bool(mentee.city.country) and mentee.city.country == candidate.city.country
    terms.append(
        Term(
            _("Country"),
            points["country"] if same_country else 0.0,
            points["country"],
            _("same country: %(country)s") % {"country": candidate.city.country.name}
            if same_country
            else _("%(theirs)s and %(own)s")
            % {"theirs": candidate.city.country.name or "?", "own": mentee.city.country.name or "?"},
        )
    )
    both = bool(mentee.associations) and bool(candidate.associations)
    reason = (
        _("both are members of a municipal association (%(theirs)s)")
        % {"theirs": ", ".join(a.label for a in candidate.associations)}
        if both
        else _("no municipal association on one side or both")
    )
    terms.append(Term(_("Municipal associations"), points["association"] if both else 0.0, points["association"], reason))
    return terms


def _availability(candidate):
    count = len(candidate.mentoring)
    value = AVAILABILITY_POINTS * max(0.0, 1 - count / 2)
    if count:
        reason = ngettext(
            "already mentors %(count)s scheme: %(schemes)s", "already mentors %(count)s schemes: %(schemes)s", count
        ) % {
            "count": count,
            "schemes": ", ".join(s.title for s in candidate.mentoring),
        }
    else:
        reason = _("mentors no scheme now")
    return Term(_("Availability"), value, AVAILABILITY_POINTS, reason)


def candidates_for(programme, mentee_city, benchmark, *, waiting=None):
    """Every other city of the programme as a mentor candidate for ``mentee_city``, best
    first, each with the terms of its score. Cities waiting for a mentor themselves are
    left out (``waiting``: the programme's ``mentees()``, if the caller has them)."""
    key_factors = list(benchmark.key_factors.order_by("order")) if benchmark else []
    waiting = {city.pk for city, scheme in (waiting if waiting is not None else mentees(programme)) if scheme is not None}
    cities = list(
        programme.cities.filter(kind=OrganisationKind.CITY)
        .exclude(pk__in=waiting - {mentee_city.pk})
        .prefetch_related("member_of")
        .order_by("name")
    )
    if mentee_city not in cities:
        cities.append(mentee_city)
    facts = city_facts(programme, benchmark, cities)
    mentee = facts[mentee_city.pk]
    notes = []
    if not mentee.assessed:
        notes.append(
            _("The mentee has not assessed itself on this benchmark yet: only the profile and availability rank the candidates.")
        )
    result = []
    for city in cities:
        if city.pk == mentee_city.pk:
            continue
        candidate = facts[city.pk]
        needs = _needs_terms(mentee, candidate, key_factors)
        possible = sum(term.weight * term.gap for term in needs)
        needs_points = NEEDS_POINTS * sum(term.points for term in needs) / possible if possible else 0.0
        result.append(
            Candidate(
                facts=candidate,
                needs=needs,
                needs_points=needs_points,
                profile=_profile_terms(mentee, candidate),
                availability=_availability(candidate),
            )
        )
    result.sort(key=lambda c: (-c.score, c.city.name))
    return Matching(mentee=mentee, benchmark=benchmark, candidates=result, notes=notes)


# The title of the scheme an accepted mentee waits in (services/calls.py); pairing
# gives it the title of a pair, so a paired scheme never reads "waiting for a mentor".
WAITING_TITLE = gettext_lazy("%(city)s – waiting for a mentor")


def pair_title(mentee_city, mentor_city):
    return f"{mentee_city.name} – {mentor_city.name}"


def _waiting_titles(city):
    """The waiting title of ``city`` in every language (it was made in the language of
    whoever accepted the application)."""
    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(str(WAITING_TITLE) % {"city": city.name})
    return titles


@transaction.atomic
def pair(*, programme, mentee_city, mentor_city, actor, waiting_scheme=None, benchmark=None):
    """Pair the mentee with the mentor: the mentee's preparation scheme gets the mentor
    city and its association on the mentor side (and the mentor hosts the visits the
    default plan gives the mentor side); a mentee without a scheme gets a new one."""
    associations = list(mentor_city.member_of.all()[:1])
    if waiting_scheme is None:
        mentee_associations = list(mentee_city.member_of.all()[:1])
        return scheme_create(
            programme=programme,
            title=pair_title(mentee_city, mentor_city),
            theme=benchmark.benchmark.theme if benchmark else "",
            benchmark=benchmark,
            parties=[
                (mentee_city, Side.MENTEE),
                *[(a, Side.MENTEE) for a in mentee_associations],
                (mentor_city, Side.MENTOR),
                *[(a, Side.MENTOR) for a in associations if a not in mentee_associations],
            ],
            actor=actor,
        )
    scheme = Scheme.objects.select_for_update().get(pk=waiting_scheme.pk)
    if scheme.parties.filter(side=Side.MENTOR, organisation__kind=OrganisationKind.CITY).exists():
        raise ValueError(_("This scheme has a mentor city already."))
    present = set(scheme.parties.values_list("organisation_id", flat=True))
    order = scheme.parties.count()
    for organisation in [mentor_city, *associations]:
        if organisation.pk not in present:
            SchemeParty.objects.create(scheme=scheme, organisation=organisation, side=Side.MENTOR, order=order)
            order += 1
    programme.cities.add(mentor_city, *associations)
    visits = list(scheme.visits.order_by("order"))
    for visit, (_title, side, _position) in zip(visits, default_visit_plan(len(visits)), strict=False):
        if side == Side.MENTOR and visit.host_id == mentee_city.pk:
            visit.host = mentor_city
            if visit.kind == VisitKind.MENTEE_CITY:
                visit.kind = VisitKind.STUDY_VISIT
            visit._change_reason = gettext_lazy("The mentor city hosts this visit")
            visit.save()
    if scheme.title in _waiting_titles(mentee_city):
        scheme.title = pair_title(mentee_city, mentor_city)
    scheme._change_reason = _("Paired with %(city)s") % {"city": mentor_city.name}
    scheme.save()
    log_action(
        actor=actor,
        action="scheme.paired",
        obj=scheme,
        scheme=scheme,
        data={"mentor": mentor_city.name, "mentor_id": mentor_city.pk, "mentee": mentee_city.name},
    )
    return scheme
