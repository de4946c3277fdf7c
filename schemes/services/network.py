"""A synthetic network of a given size, for measuring speed at scale
(``manage.py generate_network``).

Everything is written with ``bulk_create`` in batches, inside one transaction, from a
seeded random generator: the same seed gives the same network. The rows are what real
use leaves behind: programmes with their coordinators and facilitators, schemes with a
mentee city, its association and a mentor city, people in every role, three visits per
scheme (the past ones held), filled and submitted needs analyses and strengths, baseline
self-assessments of both cities, and action plans whose actions have implementation
updates. Every row written also gets its history record ("added", dated when it was
generated), as the app's own saves leave one: in a real network the history tables are
the largest, and the pages that read them (a scheme's recent changes) are measured with
them full. At the end the database's planner statistics are refreshed (ANALYZE), as
after any bulk load.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.models import BenchmarkVersion
from mentoring.models import User

from ..models import (
    Action,
    ActionPlan,
    ActionPlanStatus,
    ActionStatus,
    Answer,
    ImplementationUpdate,
    KeyFactorAssessment,
    Meeting,
    MeetingPurpose,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeRole,
    Response,
    ResponseStatus,
    Scheme,
    SchemeParty,
    SchemePhase,
    SchemeRole,
    SelfAssessment,
    Side,
    TemplateKind,
    Visit,
    VisitStatus,
)
from ..models.questionnaires import NUMERIC_KINDS
from .demo import reference_data_load
from .filling import template_for

SLUG_PREFIX = "network-"
BATCH = 2000


@dataclass(frozen=True)
class Size:
    programmes: int
    schemes_per_programme: int
    cities: int
    associations: int
    people: int
    actions_per_scheme: int


SIZES = {
    # 50 programmes, 1,000 schemes, 2,000 cities, 400 associations, 5,000 people,
    # 3,000 visits, 20,000 actions (each with an update).
    "large": Size(programmes=50, schemes_per_programme=20, cities=2000, associations=400, people=5000, actions_per_scheme=20),
    "medium": Size(programmes=10, schemes_per_programme=10, cities=200, associations=40, people=500, actions_per_scheme=10),
    "small": Size(programmes=2, schemes_per_programme=3, cities=12, associations=4, people=30, actions_per_scheme=3),
}
COUNTRIES = ["BE", "FR", "DE", "IT", "ES", "NL", "PL", "PT", "SE", "FI", "GR", "AT", "CZ", "IE", "LV", "RO"]
WORDS = [
    "newcomers",
    "welcome",
    "desk",
    "language",
    "courses",
    "housing",
    "employment",
    "schools",
    "health",
    "volunteers",
    "mentoring",
    "neighbourhood",
    "council",
    "migrants",
    "refugees",
    "staff",
    "training",
    "civil",
    "society",
    "partners",
    "budget",
    "monitoring",
    "participation",
    "women",
    "youth",
    "families",
    "digital",
    "services",
    "outreach",
    "coordination",
    "evaluation",
]


class NetworkExists(Exception):
    pass


def sample_text(rng, words=12):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate_network(size="large", seed=2026, say=print):
    """Write the network; returns {model name: rows written}. Refuses to write a second
    one into the same database."""
    if Programme.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise NetworkExists("A synthetic network is already there: generate it into a fresh database.")
    spec = SIZES[size]
    rng = random.Random(seed)
    started = time.monotonic()
    counts = {}

    generated_at = timezone.now()

    def bulk(model, rows):
        model.objects.bulk_create(rows, batch_size=BATCH)
        counts[model.__name__] = counts.get(model.__name__, 0) + len(rows)
        if hasattr(model, "history"):
            model.history.bulk_history_create(rows, batch_size=BATCH, default_date=generated_at)
            counts[f"history of {model.__name__}"] = counts.get(f"history of {model.__name__}", 0) + len(rows)
        return rows

    reference_data_load()
    today = timezone.localdate()
    benchmark = BenchmarkVersion.objects.filter(benchmark__slug="inclucities-general").order_by("-number").first()
    key_factors = list(benchmark.key_factors.order_by("order"))
    with transaction.atomic():
        network = Organisation.objects.create(kind=OrganisationKind.NETWORK, name=f"Synthetic network {seed}", country="BE")
        cities = bulk(
            Organisation,
            [
                Organisation(
                    kind=OrganisationKind.CITY,
                    name=f"City {n:04d}",
                    country=rng.choice(COUNTRIES),
                    population=rng.randint(20_000, 2_000_000),
                    migrant_population=rng.randint(1_000, 300_000),
                    government_structure=rng.choice(["unitary", "federal", "regionalised"]),
                )
                for n in range(spec.cities)
            ],
        )
        associations = bulk(
            Organisation,
            [
                Organisation(kind=OrganisationKind.ASSOCIATION, name=f"Association {n:03d}", country=rng.choice(COUNTRIES))
                for n in range(spec.associations)
            ],
        )
        # SQLite and PostgreSQL both return the new ids from bulk_create.
        programmes = bulk(
            Programme,
            [
                Programme(
                    name=f"Programme {n + 1:02d}",
                    slug=f"{SLUG_PREFIX}{seed}-{n + 1:02d}",
                    coordinating_body=network,
                    start_date=datetime.date(2024 + n % 3, 1, 1),
                    end_date=datetime.date(2028 + n % 3, 12, 31),
                )
                for n in range(spec.programmes)
            ],
        )
        password = make_password(None)  # no one logs in as a synthetic person
        people = bulk(
            User,
            [
                User(
                    email=f"person{n:05d}.{seed}@network.example",
                    first_name=f"Person{n:05d}",
                    last_name="Synthetic",
                    password=password,
                    language=rng.choice(["en", "en", "fr"]),
                )
                for n in range(spec.people)
            ],
        )
        people_left = iter(people)

        schemes, parties, roles, programme_roles = [], [], [], []
        city_cycle = iter(rng.sample(cities, len(cities)))
        for programme in programmes:
            coordinator, observer, *facilitators = [next(people_left) for _ in range(6)]
            programme_roles += [
                ProgrammeRole(programme=programme, user=coordinator, role="coordinator"),
                ProgrammeRole(programme=programme, user=observer, role="observer"),
            ]
            programme_roles += [ProgrammeRole(programme=programme, user=f, role="facilitator") for f in facilitators]
            for number in range(1, spec.schemes_per_programme + 1):
                started_on = programme.start_date + datetime.timedelta(days=rng.randint(0, 500))
                scheme = Scheme(
                    programme=programme,
                    number=number,
                    title=f"Scheme {number}: {sample_text(rng, 4)[:-1]}",
                    theme=rng.choice(["Welcoming newcomers", "Language learning", "Housing", "Employment", "Participation"]),
                    benchmark=benchmark,
                    start_date=started_on,
                    end_date=started_on + datetime.timedelta(days=730),
                )
                scheme.facilitator = facilitators[number % len(facilitators)]
                scheme.sides = (next(city_cycle, None) or rng.choice(cities), next(city_cycle, None) or rng.choice(cities))
                scheme.association = rng.choice(associations)
                schemes.append(scheme)
        # Three visits each; the past ones held, the scheme's phase following them.
        visits = []
        for scheme in schemes:
            for order, (title, host) in enumerate(
                (("Setting the scene", 0), ("Inspiration", 1), ("Consolidation of the action plan", 0)), 1
            ):
                first = scheme.start_date + datetime.timedelta(days=120 * order + rng.randint(0, 30))
                visits.append(
                    Visit(
                        scheme=scheme,
                        order=order,
                        title=title,
                        host=scheme.sides[host],
                        start_date=first,
                        end_date=first + datetime.timedelta(days=2),
                        aim=sample_text(rng),
                        expected_outcome=sample_text(rng),
                        status=VisitStatus.HELD if first < today else rng.choice([VisitStatus.PLANNED, VisitStatus.CONFIRMED]),
                    )
                )
            held = sum(1 for v in visits[-3:] if v.status == VisitStatus.HELD)
            scheme.phase = SchemePhase.AFTER if held == 3 else SchemePhase.VISITS if held else SchemePhase.PREPARATION
        bulk(ProgrammeRole, programme_roles)
        bulk(Scheme, schemes)
        bulk(Visit, visits)  # their scheme ids are known now
        # Each visit's preparation meeting of the working group, six weeks before it.
        bulk(
            Meeting,
            [
                Meeting(
                    scheme=visit.scheme,
                    purpose=MeetingPurpose.PREPARATION,
                    visit=visit,
                    title=f"Preparation of {visit.title}",
                    date=visit.start_date - datetime.timedelta(days=42),
                )
                for visit in visits
            ],
        )
        for scheme in schemes:
            mentee, mentor = scheme.sides
            association = scheme.association
            parties += [
                SchemeParty(scheme=scheme, organisation=mentee, side=Side.MENTEE, order=0),
                SchemeParty(scheme=scheme, organisation=association, side=Side.MENTEE, order=1),
                SchemeParty(scheme=scheme, organisation=mentor, side=Side.MENTOR, order=0),
            ]
        bulk(SchemeParty, parties)
        party_of = {(p.scheme_id, p.organisation_id): p for p in parties}
        for scheme in schemes:
            mentee, mentor = scheme.sides
            roles.append(SchemeRole(scheme=scheme, user=scheme.facilitator, role="facilitator"))
            for role, city in (("mentee", mentee), ("mentee", mentee), ("mentor", mentor)):
                person = next(people_left, None)
                if person is not None:
                    roles.append(SchemeRole(scheme=scheme, user=person, role=role, party=party_of[scheme.pk, city.pk]))
        for party in parties:
            if party.organisation.kind == OrganisationKind.ASSOCIATION:
                person = next(people_left, None)
                if person is not None:
                    roles.append(SchemeRole(scheme_id=party.scheme_id, user=person, role="association", party=party))
        bulk(SchemeRole, roles)
        Programme.cities.through.objects.bulk_create(
            [Programme.cities.through(programme_id=s.programme_id, organisation_id=city.pk) for s in schemes for city in s.sides],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

        # Filled questionnaires: the mentee's needs analysis, the mentor's strengths.
        templates = {kind: template_for(None, kind) for kind in (TemplateKind.NEEDS_ANALYSIS, TemplateKind.STRENGTHS)}
        questions = {kind: [q for section in t.sections.all() for q in section.questions.all()] for kind, t in templates.items()}
        responses = []
        for scheme in schemes:
            for kind, city in ((TemplateKind.NEEDS_ANALYSIS, scheme.sides[0]), (TemplateKind.STRENGTHS, scheme.sides[1])):
                submitted = rng.random() < 0.7
                responses.append(
                    Response(
                        template=templates[kind],
                        scheme=scheme,
                        organisation=city,
                        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
                        submitted_at=timezone.now() if submitted else None,
                    )
                )
        bulk(Response, responses)
        answers = []
        for response in responses:
            for question in questions[response.template.kind]:
                if question.kind in NUMERIC_KINDS:
                    answers.append(Answer(response=response, question=question, number=rng.randint(1, 100_000)))
                else:
                    answers.append(Answer(response=response, question=question, text=sample_text(rng, 20)))
            if len(answers) >= 20 * BATCH:
                bulk(Answer, answers)
                answers = []
        bulk(Answer, answers)

        # Baseline self-assessments of both cities, every key factor rated.
        assessments = bulk(
            SelfAssessment,
            [
                SelfAssessment(scheme=scheme, city=city, benchmark=benchmark, round=1, submitted_at=timezone.now())
                for scheme in schemes
                for city in scheme.sides
            ],
        )
        bulk(
            KeyFactorAssessment,
            [
                KeyFactorAssessment(
                    assessment=assessment,
                    key_factor=kf,
                    level=rng.randint(0, 4),
                    evidence=sample_text(rng, 8),
                    focus=rng.random() < 0.2,
                )
                for assessment in assessments
                for kf in key_factors
            ],
        )
        Scheme.focus_key_factors.through.objects.bulk_create(
            [
                Scheme.focus_key_factors.through(scheme_id=s.pk, keyfactor_id=kf.pk)
                for s in schemes
                for kf in rng.sample(key_factors, 2)
            ],
            batch_size=BATCH,
        )

        # Action plans with their actions, each action with an implementation update.
        plans = []
        for scheme in schemes:
            status = rng.choice([ActionPlanStatus.DRAFT, ActionPlanStatus.SUBMITTED, ActionPlanStatus.APPROVED])
            approved = status == ActionPlanStatus.APPROVED
            plans.append(
                ActionPlan(
                    scheme=scheme,
                    title=f"Action plan of {scheme.sides[0].name}",
                    status=status,
                    approved_at=timezone.now() if approved else None,
                    approved_by=scheme.facilitator if approved else None,
                    decision_reference=f"{scheme.start_date.year}/{scheme.number}" if approved else "",
                )
            )
        bulk(ActionPlan, plans)
        actions = bulk(
            Action,
            [
                Action(
                    plan=plan,
                    order=order,
                    action=sample_text(rng, 14),
                    outcomes=sample_text(rng),
                    timeframe="2026-2027",
                    due_date=today + datetime.timedelta(days=rng.randint(-200, 500)),
                    lead=sample_text(rng, 3),
                    resources=sample_text(rng),
                    evaluation=sample_text(rng),
                    status=rng.choice(list(ActionStatus.values)),
                    progress=rng.randint(0, 100),
                )
                for plan in plans
                for order in range(spec.actions_per_scheme)
            ],
        )
        bulk(
            ImplementationUpdate,
            [
                ImplementationUpdate(
                    action=action,
                    date=today - datetime.timedelta(days=rng.randint(1, 300)),
                    text=sample_text(rng),
                    status=action.status,
                    progress=action.progress,
                    author=action.plan.scheme.facilitator,
                )
                for action in actions
            ],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"generated the {size} network (seed {seed}) in {time.monotonic() - started:.1f} s")
    return counts
