"""Reference data (the seed benchmarks and annex templates) and the demo data set.

Demo data: the IncluCities programme (seed 000/001: four schemes, eight cities, seven
associations) and the ImpleMentoring programme (seed 002: fifteen cities, four themes in
three benchmarks; two schemes under way, two cities waiting for a mentor and four
offering to mentor, for the matching page). IncluCities' schemes 1 and 2 are in flight
(``demo_story``: scheme 1 mid-way, scheme 2 complete, in French), written through the
services as the demo people. Populations are rounded public figures, for
demonstration only. One demo account per role; demo accounts cannot log in with DEBUG
off (``mentoring.backends.EmailBackend``). Every function here is idempotent.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from benchmarks.models import Benchmark
from benchmarks.services import benchmark_import
from benchmarks.translations import translations_apply
from mentoring.models import User

from ..models import (
    GovernmentStructure,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeRole,
    QuestionnaireTemplate,
    SchemeRole,
    Side,
)
from . import demo_story as story
from .questionnaires import template_import
from .schemes import scheme_create
from .template_translations import template_translations_apply

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

BENCHMARK_FILES = [
    "inclucities-general",
    "inclucities-language-learning",
    "implementoring-theme-a",
    "implementoring-theme-b",
    "implementoring-theme-cd",
]
TEMPLATE_FILES = ["needs-analysis", "strengths", "good-practice", "local-support-group", "action-plan"]


def seed_file(kind, name):
    """A seed benchmark or template (``kind``: "benchmarks" or "templates") with its
    unofficial translations: ``fixtures/translations/<language>/<kind>/<name>.json`` holds
    one language's block of the file's ``translations`` (fixtures/FORMATS.md)."""
    data = json.loads((FIXTURES / kind / f"{name}.json").read_text(encoding="utf-8"))
    for path in sorted((FIXTURES / "translations").glob(f"*/{kind}/{name}.json")):
        block = json.loads(path.read_text(encoding="utf-8"))
        data.setdefault("translations", {})[path.parts[-3]] = {**block, "unofficial": True}
    return data


def reference_data_load():
    """Import each seed benchmark and annex template that is not there yet (with their
    unofficial translations), and add the seed translations a reference benchmark or
    template loaded earlier does not have yet."""
    loaded = []
    for name in BENCHMARK_FILES:
        data = seed_file("benchmarks", name)
        existing = Benchmark.objects.filter(slug=data["slug"], programme=None).first()
        if existing is None:
            benchmark_import(data=data)
            loaded.append(data["slug"])
        else:
            _add_seed_translations(existing.versions.order_by("-number").first(), data, translations_apply)
    for name in TEMPLATE_FILES:
        data = seed_file("templates", name)
        existing = QuestionnaireTemplate.objects.filter(slug=data["slug"], programme=None).order_by("-version").first()
        if existing is None:
            template_import(data=data)
            loaded.append(data["slug"])
        else:
            _add_seed_translations(existing, data, template_translations_apply)
    return loaded


def _add_seed_translations(target, data, apply):
    """The languages of the seed file's translations that ``target`` (a reference version
    loaded before they existed) has none of, when its text is still the file's."""
    if target is None or target.title != data["title"]:
        return
    missing = {code: block for code, block in data.get("translations", {}).items() if code not in (target.translations or {})}
    if missing:
        apply(target, missing)


U, R, F = GovernmentStructure.UNITARY, GovernmentStructure.REGIONALISED, GovernmentStructure.FEDERAL

# (short name, name, country)
ASSOCIATIONS = [
    ("AICCRE", "Associazione Italiana per il Consiglio dei Comuni e delle Regioni d'Europa", "IT"),
    ("VVSG", "Vereniging van Vlaamse Steden en Gemeenten", "BE"),
    ("AFCCRE", "Association Française du Conseil des Communes et Régions d'Europe", "FR"),
    ("BRULOCALIS", "Association Ville et Communes de Bruxelles - Vereniging Stad & Gemeenten Van Brussel", "BE"),
    ("KEDE", "Central Union of Municipalities of Greece", "GR"),
    ("FEMP", "Federación Española de Municipios y Provincias", "ES"),
    ("LALRG", "Latvijas Pašvaldību savienība", "LV"),
]

# (name, country, population, governance, association short name)
INCLUCITIES_CITIES = [
    ("Capaci", "IT", 11_000, R, "AICCRE"),
    ("Mechelen", "BE", 87_000, F, "VVSG"),
    ("Saint-Jean-de-la-Ruelle", "FR", 16_000, U, "AFCCRE"),
    ("City of Brussels", "BE", 190_000, F, "BRULOCALIS"),
    ("Levadia", "GR", 31_000, U, "KEDE"),
    ("Fuenlabrada", "ES", 190_000, R, "FEMP"),
    ("Jelgava", "LV", 55_000, U, "LALRG"),
    ("Schaerbeek", "BE", 130_000, F, "BRULOCALIS"),
]

# (theme, mentee city, mentee association, mentor city, mentor association, benchmark slug)
INCLUCITIES_SCHEMES = [
    ("Building a city for all", "Capaci", "AICCRE", "Mechelen", "VVSG", "inclucities-general"),
    (
        "Conducting a strategic assessment of the needs of migrant residents and developing an appropriate, gender-sensitive approach",
        "Saint-Jean-de-la-Ruelle",
        "AFCCRE",
        "City of Brussels",
        "BRULOCALIS",
        "inclucities-general",
    ),
    ("Building inclusive cities with migrants", "Levadia", "KEDE", "Fuenlabrada", "FEMP", "inclucities-general"),
    (
        "Fostering formal and informal language learning opportunities for migrants",
        "Jelgava",
        "LALRG",
        "Schaerbeek",
        "BRULOCALIS",
        "inclucities-language-learning",
    ),
]

# (name, country, population, governance, people with a migrant background or None)
IMPLEMENTORING_CITIES = [
    ("Aarhus", "DK", 360_000, U, None),
    ("Amsterdam", "NL", 880_000, U, 300_000),
    ("Athens", "GR", 640_000, U, None),
    ("Copenhagen", "DK", 650_000, U, None),
    ("Dublin", "IE", 590_000, U, None),
    ("Genoa", "IT", 560_000, R, None),
    ("Ghent", "BE", 265_000, F, 75_000),
    ("Lublin", "PL", 330_000, U, 10_000),
    ("Malmö", "SE", 350_000, U, 120_000),
    ("Manchester", "GB", 570_000, U, None),
    ("Milan", "IT", 1_370_000, R, None),
    ("Oslo", "NO", 700_000, U, None),
    ("Riga", "LV", 610_000, U, 95_000),
    ("Rotterdam", "NL", 655_000, U, 330_000),
    ("Tampere", "FI", 250_000, U, None),
]

# Matching in ImpleMentoring (demonstration figures): on theme B, Lublin and Riga prepare
# in schemes of their own, waiting for a mentor; four cities offer to mentor and have
# assessed themselves; Rotterdam already mentors two schemes. Levels per key factor 1-8
# (0 not in place ... 4 fully in place), and the key factors the mentee wants to focus on.
# Malmö is Lublin's obvious mentor (closest in size and governance, the highest levels
# overall), but Amsterdam is strong where Lublin is weak and ranks first.
MATCHING_MENTEES = {
    "Lublin": ([3, 3, 1, 0, 3, 1, 3, 2], {"3", "4"}),
    "Riga": ([1, 1, 3, 3, 2, 3, 1, 3], {"1"}),
}
MATCHING_MENTORS = {
    "Malmö": [4, 4, 2, 2, 4, 3, 4, 4],
    "Amsterdam": [3, 2, 4, 4, 2, 3, 1, 2],
    "Rotterdam": [3, 3, 4, 4, 3, 3, 3, 3],
    "Ghent": [2, 2, 2, 1, 2, 2, 1, 2],
}
# (mentee, mentor, benchmark slug, theme) of schemes under way.
MATCHING_PAIRED = [
    ("Tampere", "Rotterdam", "implementoring-theme-a", "Public perception of migration and diversity"),
    ("Genoa", "Rotterdam", "implementoring-theme-cd", "Participation in diverse neighbourhoods"),
]

# email local part, first name, last name, organisation name, job title
DEMO_PEOPLE = {
    "coordinator": ("Clara", "Coordinator", "Council of European Municipalities and Regions", "Project coordinator"),
    "facilitator": ("Felix", "Facilitator", "MigrationWork CIC", "Facilitator"),
    "mentee": ("Maria", "Mentee", "Capaci", "Integration officer"),
    "mentee2": ("Marco", "Mentee", "Capaci", "Social services officer"),
    "mentor": ("Marc", "Mentor", "Mechelen", "Diversity policy officer"),
    "association": (
        "Anna",
        "Association",
        "Associazione Italiana per il Consiglio dei Comuni e delle Regioni d'Europa",
        "Policy officer",
    ),
    "observer": ("Olivia", "Observer", "Council of European Municipalities and Regions", "Evaluator"),
    "coordinator.eurocities": ("Emil", "Eurocities", "EUROCITIES", "Project coordinator"),
    # Scheme 2's people, who write in French (issue 26: one scheme's texts in French).
    "mentee.fr": ("Sophie", "Lambert", "Saint-Jean-de-la-Ruelle", "Chargée de mission intégration"),
    "mentor.fr": ("Karim", "Benali", "City of Brussels", "Conseiller égalité des chances"),
    "association.fr": (
        "Hélène",
        "Moreau",
        "Association Française du Conseil des Communes et Régions d'Europe",
        "Chargée de mission",
    ),
    "admin": ("Ada", "Admin", "Council of European Municipalities and Regions", "Data team"),
}
DEMO_ROLES = {
    "coordinator": "coordinator of IncluCities (CEMR)",
    "facilitator": "facilitator of IncluCities schemes 1 and 2 (MigrationWork)",
    "mentee": "mentee city officer, Capaci (IncluCities scheme 1)",
    "mentee2": "second mentee city officer, Capaci (IncluCities scheme 1)",
    "mentor": "mentor city officer, Mechelen (IncluCities scheme 1)",
    "association": "association officer, AICCRE (IncluCities scheme 1)",
    "observer": "observer of IncluCities (read only)",
    "coordinator.eurocities": "coordinator of ImpleMentoring (EUROCITIES)",
    "mentee.fr": "mentee city officer, Saint-Jean-de-la-Ruelle (IncluCities scheme 2, in French)",
    "mentor.fr": "mentor city officer, City of Brussels (IncluCities scheme 2, in French)",
    "association.fr": "association officer, AFCCRE (IncluCities scheme 2, in French)",
    "admin": "site administrator (/admin/)",
}
DEMO_DOMAIN = "example.org"


def demo_email(key):
    return f"{key}@{DEMO_DOMAIN}"


def _organisation(kind, name, country, **fields):
    organisation, _created = Organisation.objects.get_or_create(kind=kind, name=name, country=country, defaults=fields)
    return organisation


@transaction.atomic
def demo_load():
    """Load reference data and the demo data set (once). Returns the demo logins."""
    story.TODAY["day"] = timezone.localdate()
    reference_data_load()
    versions = {b.slug: b.latest_version() for b in Benchmark.objects.all()}

    cemr = _organisation(OrganisationKind.NETWORK, "Council of European Municipalities and Regions", "BE", short_name="CEMR")
    eurocities = _organisation(OrganisationKind.NETWORK, "EUROCITIES", "BE", short_name="EUROCITIES")
    migrationwork = _organisation(OrganisationKind.FACILITATOR, "MigrationWork CIC", "GB", short_name="MigrationWork")

    associations = {
        short: _organisation(OrganisationKind.ASSOCIATION, name, country, short_name=short)
        for short, name, country in ASSOCIATIONS
    }
    cities = {}
    for name, country, population, governance, association in INCLUCITIES_CITIES:
        city = _organisation(OrganisationKind.CITY, name, country, population=population, government_structure=governance)
        city.member_of.add(associations[association])
        cities[name] = city
    implementoring_cities = {
        name: _organisation(
            OrganisationKind.CITY,
            name,
            country,
            population=population,
            government_structure=governance,
            migrant_population=migrants,
        )
        for name, country, population, governance, migrants in IMPLEMENTORING_CITIES
    }

    people = _demo_people()
    inclucities, created = Programme.objects.get_or_create(
        slug="inclucities",
        defaults={
            "name": "IncluCities",
            "description": (
                "Improving the integration of third-country nationals in middle-sized cities through "
                "city-to-city cooperation: eight municipalities and their national associations in four "
                "mentoring schemes."
            ),
            "coordinating_body": cemr,
            "start_date": datetime.date(2020, 1, 1),
            "end_date": datetime.date(2023, 12, 31),
            "funding": "Asylum, Migration and Integration Fund (AMIF) of the European Union",
        },
    )
    if created:
        inclucities.facilitator_organisations.add(migrationwork)
        inclucities.cities.add(*cities.values(), *associations.values())
        inclucities.benchmarks.add(versions["inclucities-general"], versions["inclucities-language-learning"])
        for theme, mentee, mentee_assoc, mentor, mentor_assoc, benchmark in INCLUCITIES_SCHEMES:
            with story.acting(people["coordinator"]), story.clock(story.ago(500)):
                scheme_create(
                    programme=inclucities,
                    actor=people["coordinator"],
                    title=f"{mentee} – {mentor}: {theme}",
                    theme=theme,
                    benchmark=versions[benchmark],
                    parties=[
                        (cities[mentee], Side.MENTEE),
                        (associations[mentee_assoc], Side.MENTEE),
                        (cities[mentor], Side.MENTOR),
                        (associations[mentor_assoc], Side.MENTOR),
                    ],
                )

    implementoring, created = Programme.objects.get_or_create(
        slug="implementoring",
        defaults={
            "name": "ImpleMentoring",
            "description": (
                "City-to-city mentoring on four themes of migrant integration: public perception, "
                "diversity management, participation in diverse neighbourhoods and political participation."
            ),
            "coordinating_body": eurocities,
            "start_date": datetime.date(2012, 11, 1),
            "end_date": datetime.date(2014, 5, 31),
            "funding": "European Fund for the Integration of Third Country Nationals",
            # Its own word (seed 002): "One is a mentor city, sharing experience and offering
            # independent support and reflection to the implementing city..."
            "mentee_term": "implementing_city",
        },
    )
    if created:
        implementoring.facilitator_organisations.add(migrationwork)
        implementoring.cities.add(*implementoring_cities.values())
        implementoring.benchmarks.add(
            versions["implementoring-theme-a"], versions["implementoring-theme-b"], versions["implementoring-theme-cd"]
        )
        with story.acting(people["coordinator.eurocities"]):
            _demo_matching(implementoring, implementoring_cities, versions, people["coordinator.eurocities"])

    if not inclucities.good_practices.exists():
        with story.acting(people["coordinator"]):
            _demo_good_practices(inclucities, cities, versions["inclucities-general"], people["coordinator"])
    scheme1 = inclucities.schemes.get(number=1)
    scheme2 = inclucities.schemes.get(number=2)
    parties = {p.organisation.name: p for p in scheme1.parties.select_related("organisation")}
    parties2 = {p.organisation.name: p for p in scheme2.parties.select_related("organisation")}
    for key, programme, role in [
        ("coordinator", inclucities, "coordinator"),
        ("facilitator", inclucities, "facilitator"),
        ("observer", inclucities, "observer"),
        ("coordinator.eurocities", implementoring, "coordinator"),
    ]:
        ProgrammeRole.objects.get_or_create(programme=programme, user=people[key], role=role)
    for key, scheme, role, party in [
        ("facilitator", scheme1, "facilitator", None),
        ("facilitator", scheme2, "facilitator", None),
        ("mentee", scheme1, "mentee", parties["Capaci"]),
        ("mentee2", scheme1, "mentee", parties["Capaci"]),
        ("mentor", scheme1, "mentor", parties["Mechelen"]),
        ("association", scheme1, "association", parties[ASSOCIATIONS[0][1]]),
        ("mentee.fr", scheme2, "mentee", parties2["Saint-Jean-de-la-Ruelle"]),
        ("mentor.fr", scheme2, "mentor", parties2["City of Brussels"]),
        ("association.fr", scheme2, "association", parties2[ASSOCIATIONS[2][1]]),
    ]:
        SchemeRole.objects.get_or_create(scheme=scheme, user=people[key], role=role, defaults={"party": party})
    story.demo_story(inclucities, people)
    return [(demo_email(key), DEMO_ROLES[key]) for key in DEMO_PEOPLE]


def _demo_people():
    people = {}
    for key, (first, last, organisation_name, job_title) in DEMO_PEOPLE.items():
        user = User.objects.filter(email=demo_email(key)).first()
        if user is None:
            user = User.objects.create_user(
                email=demo_email(key),
                password=settings.DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                job_title=job_title,
                organisation=Organisation.objects.filter(name=organisation_name).first(),
                is_demo=True,
                is_staff=key == "admin",
                is_superuser=key == "admin",
                language="fr" if key.endswith(".fr") else "en",
            )
        people[key] = user
    return people


def _demo_matching(programme, cities, versions, coordinator):
    """Preparation schemes, mentor candidacies with their self-assessments, a good practice
    and two schemes under way: the material of the matching page (MATCHING_* above)."""
    benchmark = versions["implementoring-theme-b"]
    key_factors = {kf.number: kf for kf in benchmark.key_factors.all()}
    theme = "Managing diversity in the administration and its services"

    def assess(scheme, city, levels, focus=()):
        """The city's baseline, entered by the coordinator from the city's paper form."""
        rows = {str(n): (level, "Demonstration entry.", str(n) in focus) for n, level in enumerate(levels, start=1)}
        story.assess(scheme, city, coordinator, rows)

    for name, (levels, focus) in MATCHING_MENTEES.items():
        scheme = scheme_create(
            programme=programme,
            actor=coordinator,
            title=f"{name}: {theme.lower()} (mentor to be found)",
            theme=theme,
            benchmark=benchmark,
            parties=[(cities[name], Side.MENTEE)],
        )
        assess(scheme, cities[name], levels, focus)
    for name, levels in MATCHING_MENTORS.items():
        scheme = scheme_create(
            programme=programme,
            actor=coordinator,
            title=f"{name}: offering to mentor on {theme.lower()}",
            theme=theme,
            benchmark=benchmark,
            parties=[(cities[name], Side.MENTOR)],
        )
        assess(scheme, cities[name], levels)
    for mentee, mentor, slug, scheme_theme in MATCHING_PAIRED:
        scheme_create(
            programme=programme,
            actor=coordinator,
            title=f"{mentee} – {mentor}: {scheme_theme}",
            theme=scheme_theme,
            benchmark=versions[slug],
            parties=[(cities[mentee], Side.MENTEE), (cities[mentor], Side.MENTOR)],
        )
    story.practice_add(
        programme,
        coordinator,
        cities["Ghent"],
        {
            "title": "Diversity training for every front-desk officer",
            "theme": "Staff development",
            "where": "Ghent",
            "description": "Demonstration entry. Every officer who meets the public follows a two-day course on serving a "
            "diverse population.",
        },
        [key_factors["4"]],
    )


# Demonstration entries for the good-practice library: illustrative, not a record of what
# these cities did.
DEMO_GOOD_PRACTICES = [
    (
        "Mechelen",
        "One welcome desk for newcomers",
        "Reception and orientation",
        ("1", "3"),
        "Demonstration entry. Newcomers meet one officer who books their appointments with every service "
        "(registration, language classes, housing, employment) and follows up after three months.",
    ),
    (
        "Fuenlabrada",
        "Neighbourhood language cafés",
        "Language learning",
        ("2",),
        "Demonstration entry. Volunteers and newcomers meet weekly in community centres to practise the "
        "language; the city trains the volunteers and lends the rooms.",
    ),
]


def _demo_good_practices(programme, cities, benchmark, coordinator):
    key_factors = {kf.number: kf for kf in benchmark.key_factors.all()}
    for city, title, theme, factors, description in DEMO_GOOD_PRACTICES:
        story.practice_add(
            programme,
            coordinator,
            cities[city],
            {"title": title, "theme": theme, "where": city, "description": description},
            [key_factors[number] for number in factors if number in key_factors],
        )
