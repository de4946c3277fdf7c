"""Hardening: deployment checks, CSRF, session lifetime and cookies, login throttling,
the password hasher, and denied requests in the log."""

import logging
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from mentoring.middleware import SessionLifetimeMiddleware
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path):
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mentoring.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def test_deploy_checks_pass_with_production_settings_and_passwords_use_argon2(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    hasher = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
            "from django.conf import settings; print(make_password('x').split('$')[0], settings.SESSION_COOKIE_SECURE, "
            "settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE, settings.SESSION_COOKIE_AGE, "
            "settings.SESSION_ABSOLUTE_SECONDS, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)",
        ],
        cwd=ROOT,
        env={**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "mentoring.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert hasher.stdout.split() == ["argon2", "True", "True", "Lax", "7200", "43200", "True", "31536000"], hasher.stderr


def test_posts_without_a_csrf_token_are_refused(personas, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.users["coordinator"])
    client.get("/programmes/test-programme/", secure=True)  # the CSRF cookie is set
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post(
            "/programmes/test-programme/archive/",
            secure=True,
            headers={"Referer": "https://testserver/programmes/test-programme/"},
        )
    assert response.status_code == 403
    assert "CSRF token missing" in caplog.text or "CSRF token from POST" in caplog.text
    assert not type(personas.programme).objects.get(pk=personas.programme.pk).archived
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/accounts/login/", {"username": "x", "password": "y"}, secure=True).status_code == 403
    # With the token from the page, the same request goes through.
    page = client.get("/programmes/test-programme/", secure=True)
    token = page.context["csrf_token"]
    response = client.post(
        "/programmes/test-programme/archive/",
        {"csrfmiddlewaretoken": str(token), "confirmed": "1"},
        secure=True,
        headers={"Referer": "https://testserver/programmes/test-programme/"},
    )
    assert response.status_code == 302


def test_session_cookies_are_secure_httponly_and_samesite(personas):
    client = Client()
    response = client.post("/accounts/login/", {"username": "mentee@test.example", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 2 * 60 * 60  # idle expiry, renewed by activity


def test_the_idle_expiry_is_renewed_by_activity_without_a_write_per_request(personas, settings):
    client = personas.client("mentee")  # logging in starts the idle period
    assert "sessionid" not in client.get("/", secure=True).cookies  # just after: no write
    session = client.session
    session[SessionLifetimeMiddleware.RENEWED] = int(time.time()) - settings.SESSION_RENEW_SECONDS
    session.save()
    cookie = client.get("/", secure=True).cookies["sessionid"]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def test_a_session_ends_after_its_absolute_lifetime_however_active(personas, settings):
    client = personas.client("mentee")
    assert client.get("/", secure=True).status_code == 200
    session = client.session
    session[SessionLifetimeMiddleware.KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/programmes/test-programme/schemes/1/", secure=True)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/programmes/test-programme/schemes/1/"
    assert client.get("/", secure=True).status_code == 302  # logged out


def login(client, password, ip):
    return client.post("/accounts/login/", {"username": "mentee@test.example", "password": password}, secure=True, REMOTE_ADDR=ip)


def test_login_is_throttled_per_address_and_client_and_the_lock_ends(personas, settings, caplog):
    attacker = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(attacker, "wrong-password", "203.0.113.9").status_code == 200
    with caplog.at_level(logging.WARNING, logger="axes"):
        locked = login(attacker, "wrong-password", "203.0.113.9")
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    # Locked even with the right password, from that client, however the address is written...
    assert login(attacker, PASSWORD, "203.0.113.9").status_code == 429
    attacker.post(
        "/accounts/login/", {"username": " MENTEE@test.example", "password": "x"}, secure=True, REMOTE_ADDR="203.0.113.9"
    )
    assert AccessAttempt.objects.get().username == "mentee@test.example"
    # ...but the real user, elsewhere, is not locked out.
    assert login(Client(), PASSWORD, "198.51.100.7").status_code == 302
    # The lock ends after the cool-off (15 minutes), and failures during it did not extend it.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
        attempt.save()
    assert login(attacker, PASSWORD, "203.0.113.9").status_code == 302


def test_denied_requests_are_logged(personas, caplog):
    with caplog.at_level(logging.WARNING, logger="mentoring.access"):
        assert personas.client("outsider").get("/programmes/test-programme/schemes/1/").status_code == 404
        assert personas.client("mentor").get("/programmes/test-programme/schemes/2/").status_code == 404
        assert personas.client("observer").get("/programmes/test-programme/schemes/1/edit/").status_code == 403
    messages = [record.getMessage() for record in caplog.records if record.name == "mentoring.access"]
    assert any("Outsider Tester" in m and "outside their scope" in m for m in messages)
    assert any("Mentor Tester" in m and "test-programme/2" in m for m in messages)
    assert any("Observer Tester" in m and "may not edit scheme" in m for m in messages)


def _as_sent(form):
    """The form's current values as a browser sends them."""
    from django import forms

    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue  # no file chosen: nothing sent
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(item) for item in value]
        elif value not in (None, False):
            data[form.add_prefix(name)] = value
    return data


@pytest.mark.parametrize(
    ("role", "page", "field"),
    [
        ("coordinator", "/programmes/test-programme/edit/", "benchmarks"),
        ("coordinator", "/programmes/test-programme/organisations/{city}/edit/", "member_of"),
    ],
)
def test_an_id_of_twenty_digits_in_a_multiple_choice_is_an_invalid_choice_not_a_server_error(personas, role, page, field):
    from schemes.models import Organisation, Programme, Scheme

    page = page.format(city=personas.mentee_city.pk)
    client = personas.client(role)
    form = client.get(page).context["form"]
    data = _as_sent(form) | {field: ["99999999999999999999"]}

    def state():
        return [list(model.objects.values()) for model in (Programme, Scheme, Organisation)] + [
            list(personas.mentee_city.member_of.values_list("pk", flat=True))
        ]

    before = state()
    response = client.post(page, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "error-summary" in text and "Select a valid choice. 99999999999999999999 is not one of the available choices." in text
    assert state() == before


def test_ids_too_large_for_a_column_match_nothing_and_exclude_nothing(personas):
    from schemes.models import Programme

    huge, mine = 10**20, personas.programme.pk
    every = Programme.objects.count()
    assert list(Programme.objects.filter(pk__in=[huge, mine]).values_list("pk", flat=True)) == [mine]
    assert not Programme.objects.filter(pk__in=[huge]).exists()
    assert Programme.objects.exclude(pk__in=[huge]).count() == every
    # The same query, asked twice, answers the same.
    query = Programme.objects.filter(pk__in=[huge, mine])
    assert query.count() == 1 and len(list(query)) == 1
