"""Shared fixtures: the seed reference data loaded once per test database, and the
personas: two schemes of one programme (plus a second programme) with a person in
every role, and an outsider."""

import pytest
from django.test import Client

from schemes.models import OrganisationKind, Programme, ProgrammeRole, SchemeRole, Side
from schemes.services.demo import reference_data_load
from schemes.services.schemes import scheme_create

PASSWORD = "a-long-test-password-1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The seed benchmarks and templates are reference data every test may rely on."""
    with django_db_blocker.unblock():
        reference_data_load()


def pytest_collection_modifyitems(items):
    # Browser tests use the live server, which empties the database after each test:
    # run them last so the reference data is there for everything else.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


class Personas:
    """Two schemes (a, b) of programme ``programme`` and one scheme of ``other``."""

    ROLES = ("coordinator", "facilitator", "mentor", "mentee", "association", "observer")

    def __init__(self, django_user_model):
        from benchmarks.models import BenchmarkVersion
        from schemes.models import Organisation

        def org(kind, name, country="BE"):
            return Organisation.objects.create(kind=kind, name=name, country=country)

        network = org(OrganisationKind.NETWORK, "Test Network")
        self.mentee_city = org(OrganisationKind.CITY, "Menteeville")
        self.mentee_association = org(OrganisationKind.ASSOCIATION, "Association of Menteeland")
        self.mentor_city = org(OrganisationKind.CITY, "Mentorburg")
        self.mentor_association = org(OrganisationKind.ASSOCIATION, "Association of Mentorland")
        self.b_mentee = org(OrganisationKind.CITY, "Otherton")
        self.b_mentor = org(OrganisationKind.CITY, "Elsewhere")
        benchmark = BenchmarkVersion.objects.get(benchmark__slug="inclucities-general")
        self.programme = Programme.objects.create(name="Test Programme", slug="test-programme", coordinating_body=network)
        self.other_programme = Programme.objects.create(name="Other Programme", slug="other-programme", coordinating_body=network)
        self.a = scheme_create(
            programme=self.programme,
            title="Scheme A",
            theme="Welcoming newcomers",
            benchmark=benchmark,
            parties=[
                (self.mentee_city, Side.MENTEE),
                (self.mentee_association, Side.MENTEE),
                (self.mentor_city, Side.MENTOR),
                (self.mentor_association, Side.MENTOR),
            ],
        )
        self.b = scheme_create(
            programme=self.programme,
            title="Scheme B",
            theme="Language learning",
            parties=[(self.b_mentee, Side.MENTEE), (self.b_mentor, Side.MENTOR)],
        )
        self.c = scheme_create(
            programme=self.other_programme,
            title="Scheme C",
            theme="Participation",
            parties=[(self.b_mentor, Side.MENTEE), (self.mentor_city, Side.MENTOR)],
        )

        def person(key):
            return django_user_model.objects.create_user(
                email=f"{key}@test.example", password=PASSWORD, first_name=key.title(), last_name="Tester"
            )

        self.users = {key: person(key) for key in (*self.ROLES, "outsider", "b_mentee")}
        parties = {p.organisation_id: p for p in self.a.parties.all()}
        ProgrammeRole.objects.create(programme=self.programme, user=self.users["coordinator"], role="coordinator")
        ProgrammeRole.objects.create(programme=self.programme, user=self.users["observer"], role="observer")
        ProgrammeRole.objects.create(programme=self.programme, user=self.users["facilitator"], role="facilitator")
        SchemeRole.objects.create(scheme=self.a, user=self.users["facilitator"], role="facilitator")
        SchemeRole.objects.create(scheme=self.a, user=self.users["mentor"], role="mentor", party=parties[self.mentor_city.pk])
        SchemeRole.objects.create(scheme=self.a, user=self.users["mentee"], role="mentee", party=parties[self.mentee_city.pk])
        SchemeRole.objects.create(
            scheme=self.a, user=self.users["association"], role="association", party=parties[self.mentee_association.pk]
        )
        SchemeRole.objects.create(
            scheme=self.b, user=self.users["b_mentee"], role="mentee", party=self.b.parties.get(organisation=self.b_mentee)
        )

    def client(self, key):
        client = Client()
        if key != "anonymous":
            client.force_login(self.users[key])
        return client


@pytest.fixture
def personas(db, django_user_model):
    return Personas(django_user_model)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The real hashers are slow by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def attachments_in_tmp(settings, tmp_path_factory):
    """Attached files go to a temporary directory of each test, never to var/."""
    location = tmp_path_factory.mktemp("attachments")
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {**settings.STORAGES["attachments"], "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture(autouse=True)
def english_by_default():
    # A request in French leaves French active in the thread; each test starts in English.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def fetched_urls(monkeypatch, tmp_path):
    """Every address the document renderer asks its fetcher for, across the process
    that lays the document out (a child process: the spy writes to a file). Returns a
    function that reads them."""
    from mentoring import documents

    log = tmp_path / "fetched.txt"
    log.touch()
    original = documents.SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        with open(log, "a", encoding="utf-8") as out:
            out.write(url + "\n")
        return original(self, url, headers)

    monkeypatch.setattr(documents.SafeURLFetcher, "fetch", spy)
    return lambda: log.read_text(encoding="utf-8").split()


# The tests' OpenID Connect provider (single sign-on, docs/sso.md), started once per
# session by the tests that use it.
from tests.oidc_provider.fixture import oidc_provider  # noqa: E402, F401
