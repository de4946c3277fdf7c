"""Settings from the environment, production refusing to start without a secret key,
demo data loaded once with one account per role, and demo accounts locked in
production."""

import io
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command

from mentoring.models import User
from schemes.models import Association, City, Programme, ProgrammeRole, SchemeRole

BASE = str(settings.BASE_DIR)


def run_check(env_changes, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SECURE_SSL_REDIRECT"}
    }
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=120
    )


def run_wsgi(env_changes):
    """Import the production entry point (what gunicorn loads) in a clean process."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", "import mentoring.wsgi"], cwd=BASE, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_wsgi({"ALLOWED_HOSTS": "mentoring.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    result = run_check({"DATABASE_URL": "postgres://u@127.0.0.1:1/db", "ALLOWED_HOSTS": "mentoring.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_entry_point_starts_with_its_settings():
    result = run_wsgi({"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "mentoring.example.org"})
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check({"SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_development_defaults_start():
    assert run_check({"DEBUG": "true"}).returncode == 0
    # A bare checkout: the command line is a development machine.
    result = run_check({})
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_is_named():
    result = run_check({"DEBUG": "maybe"})
    assert "DEBUG must be true or false" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = run_check(
        {"SECRET_KEY": "k" * 64 + "-production-like-key", "ALLOWED_HOSTS": "mentoring.example.org"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_url_chooses_the_database():
    import dj_database_url

    config = dj_database_url.parse("postgres://user:pw@db.internal:5433/mentoring")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["PORT"] == 5433


@pytest.mark.django_db
def test_demo_data_is_loaded_once_with_one_account_per_role():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=io.StringIO())
    assert "coordinator@example.org" in out.getvalue()
    inclucities = Programme.objects.get(slug="inclucities")
    assert inclucities.schemes.count() == 4
    assert City.objects.filter(programmes=inclucities).count() == 8
    assert Association.objects.filter(programmes=inclucities).count() == 7
    implementoring = Programme.objects.get(slug="implementoring")
    assert City.objects.filter(programmes=implementoring).count() == 15
    assert implementoring.benchmarks.count() == 3
    scheme1 = inclucities.schemes.get(number=1)
    assert sorted(p.organisation.label for p in scheme1.parties.all()) == ["AICCRE", "Capaci", "Mechelen", "VVSG"]
    assert [v.title for v in scheme1.visits.all()] == ["Setting the scene", "Inspiration", "Consolidation of the action plan"]
    assert [v.host.name for v in scheme1.visits.all()] == ["Capaci", "Mechelen", "Capaci"]
    practices = inclucities.good_practices.order_by("title")
    # The library's two entries, and the mentor cities' practices of schemes 1 and 2 (issue 26).
    assert [(g.title, g.city.name) for g in practices] == [
        ("Buddy Project: a volunteer at every newcomer's side", "Mechelen"),
        ("Marches exploratoires de femmes", "City of Brussels"),
        ("Neighbourhood language cafés", "Fuenlabrada"),
        ("One welcome desk for newcomers", "Mechelen"),
    ]
    assert practices.last().key_factors.count() == 2
    programme_roles = set(ProgrammeRole.objects.values_list("role", flat=True))
    scheme_roles = set(SchemeRole.objects.values_list("role", flat=True))
    assert {"coordinator", "facilitator", "observer"} <= programme_roles
    assert {"mentee", "mentor", "association", "facilitator"} <= scheme_roles
    assert User.objects.filter(is_demo=True).count() == 12


@pytest.mark.django_db
def test_demo_accounts_cannot_log_in_with_debug_off(client, settings):
    call_command("load_demo", stdout=io.StringIO())
    credentials = {"username": "mentee@example.org", "password": settings.DEMO_PASSWORD}
    settings.DEBUG = False
    response = client.post("/accounts/login/", credentials, secure=True)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    settings.DEBUG = True
    response = client.post("/accounts/login/", credentials, secure=True)
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_every_model_has_an_admin_and_a_readable_name():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in {"mentoring", "schemes", "benchmarks"}
        and not model.__name__.startswith("Historical")
        and model not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.django_db
def test_admin_lists_open_for_the_data_team(admin_client, personas):
    for model in admin.site._registry:
        if model._meta.app_label not in {"mentoring", "schemes", "benchmarks"}:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_str_reads_like_the_domain(personas):
    from benchmarks.models import KeyFactor

    assert str(personas.a) == "Test Programme #1: Scheme A"
    assert str(personas.a.visits.first()) == "Visit 1: Setting the scene"
    assert str(personas.mentee_city) == "Menteeville (BE)"
    assert (
        str(KeyFactor.objects.get(version__benchmark__slug="implementoring-theme-cd", number="N2"))
        == "Key factor N2: Neighbourhood review"
    )
    assert str(personas.users["mentee"]) == "Mentee Tester <mentee@test.example>"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "count, titles",
    [
        (2, ["Setting the scene", "Inspiration"]),
        (3, ["Setting the scene", "Inspiration", "Consolidation of the action plan"]),
        (5, ["Setting the scene", "Inspiration", "Follow-up visit 1", "Follow-up visit 2", "Consolidation of the action plan"]),
    ],
)
def test_new_scheme_gets_its_default_visits(personas, count, titles):
    from schemes.models import Side
    from schemes.services.schemes import scheme_create

    scheme = scheme_create(
        programme=personas.programme,
        title="New",
        theme="T",
        visit_count=count,
        parties=[(personas.mentee_city, Side.MENTEE), (personas.mentor_city, Side.MENTOR)],
    )
    assert [v.title for v in scheme.visits.all()] == titles
    assert scheme.number == 3


@pytest.mark.django_db
def test_local_support_group_refuses_an_eleventh_member(personas):
    from django.core.exceptions import ValidationError

    from schemes.models import LocalSupportGroup, LocalSupportGroupMember

    group = LocalSupportGroup.objects.create(scheme=personas.a, city=personas.mentee_city)
    for i in range(10):
        LocalSupportGroupMember.objects.create(group=group, name=f"Member {i}", organisation="NGO", stakeholder_type="ngo")
    eleventh = LocalSupportGroupMember(group=group, name="Eleventh", organisation="NGO", stakeholder_type="ngo")
    with pytest.raises(ValidationError, match="at most 10 members"):
        eleventh.full_clean()
