"""What a browser or a proxy may keep: signed-in pages and every download (PDF, CSV,
XLSX, .ics) are ``private, no-store``; /healthz answers a load balancer over plain HTTP;
help text is escaped like any other text."""

import secrets

import pytest
from django import forms
from django.template import engines
from django.test import Client
from django.utils.cache import get_max_age
from django.utils.safestring import mark_safe

SCHEME = "/programmes/test-programme/schemes/1/"


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        SCHEME,
        f"{SCHEME}action-plan/",
        f"{SCHEME}action-plan/action-plan.pdf",
        f"{SCHEME}action-plan/actions.csv",
        f"{SCHEME}action-plan/actions.xlsx",
        f"{SCHEME}visits/calendar.ics",
        f"{SCHEME}visits/1/visit.ics",
        "/programmes/test-programme/dashboard.csv",
        "/programmes/test-programme/dashboard.xlsx",
    ],
)
def test_signed_in_pages_and_downloads_are_private_and_not_stored(personas, path):
    response = personas.client("coordinator").get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response), response.get("Cache-Control")


def test_a_calendar_subscription_is_private_and_not_stored(personas):
    # The feed has no session: its secret token names the person.
    user = personas.users["mentee"]
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    response = Client().get(f"/calendar/{user.calendar_token}/test-programme/1/visits.ics")
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_a_view_that_sets_its_own_cache_control_keeps_it(client):
    assert client.get("/healthz")["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password-reset/"])
def test_public_pages_are_never_kept_by_a_shared_cache(db, client, path):
    response = client.get(path)
    assert response.status_code == 200
    directives = cache_control(response)
    assert "public" not in directives
    assert "private" in directives or "no-store" in directives or get_max_age(response) == 0


def test_healthz_answers_a_plain_http_health_check_when_https_is_enforced(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # its middleware is loaded with the settings above
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to HTTPS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


class HelpForm(forms.Form):
    name = forms.CharField(help_text="Say <script>alert(1)</script> & more")
    choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, help_text="<b>bold</b>")
    upload = forms.FileField(help_text="<img src=x onerror=alert(1)>")  # drawn by crispy's own template
    trusted = forms.CharField(help_text=mark_safe("<ul><li>kept as HTML</li></ul>"))


def test_help_text_is_escaped_in_the_form_markup():
    html = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}").render({"form": HelpForm()})
    assert "<script>" not in html and "Say &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # Help text a developer marked safe (the password rules' list) stays HTML.
    assert "<ul><li>kept as HTML</li></ul>" in html
