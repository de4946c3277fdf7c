"""The first pages: home lists the user's programmes and schemes; programme, scheme and
benchmark pages are read-only and reached through the one access path; /healthz."""

import re

import pytest
from django.urls import reverse

from schemes.models import Side
from schemes.services.schemes import scheme_create

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, personas):
    for url in ["/", personas.a.get_absolute_url(), personas.programme.get_absolute_url(), reverse("benchmarks:list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_login_with_email_address(client, personas):
    response = client.post("/accounts/login/", {"username": "MENTEE@test.example", "password": "a-long-test-password-1"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == personas.users["mentee"]


def test_login_with_wrong_password_keeps_the_address_and_explains(client, personas):
    response = client.post("/accounts/login/", {"username": "mentee@test.example", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="mentee@test.example"' in response.content.decode()
    assert "Please enter a correct" in response.content.decode()


@pytest.mark.parametrize(
    "who, sees, does_not_see",
    [
        ("mentee", ["Scheme A"], ["Scheme B", "Scheme C", "Other Programme"]),
        ("b_mentee", ["Scheme B"], ["Scheme A", "Scheme C"]),
        ("coordinator", ["Scheme A", "Scheme B"], ["Scheme C", "Other Programme"]),
        ("observer", ["Scheme A", "Scheme B"], ["Scheme C"]),
        ("facilitator", ["Scheme A"], ["Scheme B", "Scheme C"]),
        ("outsider", ["not part of any programme"], ["Scheme A", "Scheme B", "Test Programme"]),
    ],
)
def test_home_lists_only_the_users_schemes(personas, who, sees, does_not_see):
    page = personas.client(who).get("/").content.decode()
    for text in sees:
        assert text in page
    for text in does_not_see:
        assert text not in page


def test_a_superuser_without_roles_sees_every_programme_and_scheme(personas, django_user_model):
    """A superuser holds no role anywhere and still sees everything: the home page, the
    programme list, a programme, its dashboard and a scheme page. (Queries compiled once
    for a stand-in user once decided ``for_user``'s superuser branch for everyone: they
    found no scheme for a superuser, and only hand-made detours hid it.)"""
    from django.test import Client

    admin = django_user_model.objects.create_superuser(email="admin@test.example", password="a-long-test-password-1")
    client = Client()
    client.force_login(admin)
    home = client.get("/").content.decode()
    for text in ["Test Programme", "Other Programme", "Scheme A", "Scheme B", "Scheme C"]:
        assert text in home
    listing = client.get(reverse("schemes:programme_list")).content.decode()
    assert "Test Programme" in listing and "Other Programme" in listing
    programme = client.get(personas.programme.get_absolute_url()).content.decode()
    assert "Scheme A" in programme and "Scheme B" in programme
    dashboard = client.get(reverse("schemes:dashboard", kwargs={"programme": personas.programme.slug}))
    assert dashboard.status_code == 200
    assert "Scheme A" in dashboard.content.decode() and "Scheme B" in dashboard.content.decode()
    assert "2 schemes" in dashboard.content.decode()
    for scheme in (personas.a, personas.c):
        page = client.get(scheme.get_absolute_url())
        assert page.status_code == 200 and scheme.title in page.content.decode()


@pytest.mark.parametrize("who", ["mentee", "mentor", "association", "facilitator", "coordinator", "observer"])
def test_scheme_page_for_its_people(personas, who):
    response = personas.client(who).get(personas.a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Menteeville" in page and "Mentorburg" in page
    assert "Setting the scene" in page and "Consolidation of the action plan" in page


@pytest.mark.parametrize("who", ["b_mentee", "outsider"])
def test_another_schemes_page_is_a_404(personas, who):
    assert personas.client(who).get(personas.a.get_absolute_url()).status_code == 404


def test_scheme_of_another_programme_under_this_programmes_address_is_a_404(personas):
    url = reverse("schemes:scheme", kwargs={"programme": personas.programme.slug, "number": personas.c.number + 10})
    assert personas.client("coordinator").get(url).status_code == 404
    assert personas.client("coordinator").get(personas.c.get_absolute_url()).status_code == 404


def test_programme_page(personas):
    page = personas.client("coordinator").get(personas.programme.get_absolute_url()).content.decode()
    assert "Scheme A" in page and "Scheme B" in page
    assert personas.client("outsider").get(personas.programme.get_absolute_url()).status_code == 404
    assert personas.client("coordinator").get(personas.other_programme.get_absolute_url()).status_code == 404


def test_programme_page_shows_a_mentee_only_their_scheme(personas):
    page = personas.client("mentee").get(personas.programme.get_absolute_url()).content.decode()
    assert "Scheme A" in page and "Scheme B" not in page


def test_benchmark_pages_show_key_factors_and_guide_questions(personas):
    client = personas.client("mentee")
    listing = client.get(reverse("benchmarks:list")).content.decode()
    assert "Theme A: Enhancing public perception on migration and diversity" in listing
    url = reverse("benchmarks:detail", kwargs={"slug": "implementoring-theme-cd", "number": 1})
    page = client.get(url).content.decode()
    assert "Key factors for civic and political participation: neighbourhoods or other sub-city areas" in page
    assert "Defining the reference area for participation" in page
    assert "Which structures for political and civic participants of the local migrant population have been established?" in page
    assert client.get(reverse("benchmarks:detail", kwargs={"slug": "implementoring-theme-cd", "number": 9})).status_code == 404


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_user_text_is_escaped(personas):
    personas.a.title = "<script>alert('x')</script>"
    personas.a.save()
    page = personas.client("mentee").get(personas.a.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_query_counts_do_not_grow_with_the_data(personas, django_assert_max_num_queries):
    client = personas.client("coordinator")
    urls = [
        "/",
        personas.programme.get_absolute_url(),
        personas.a.get_absolute_url(),
        reverse("benchmarks:list"),
        reverse("benchmarks:detail", kwargs={"slug": "implementoring-theme-a", "number": 1}),
    ]
    small = {}
    for url in urls:
        with django_assert_max_num_queries(15) as ctx:
            assert client.get(url).status_code == 200
        small[url] = len(ctx.captured_queries)
    for i in range(40):
        scheme_create(
            programme=personas.programme,
            title=f"Extra scheme {i}",
            theme="Theme",
            parties=[(personas.mentee_city, Side.MENTEE), (personas.b_mentor, Side.MENTOR)],
        )
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200


def test_security_headers_on_pages(personas):
    response = personas.client("mentee").get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_in_french(personas):
    client = personas.client("mentee")
    client.cookies["django_language"] = "fr"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page
    assert "My programmes and schemes" not in page
    assert "Mes programmes" in page


def test_error_messages_are_tied_to_their_fields(personas):
    """A screen reader announces the error with the field: aria-invalid and
    aria-describedby point at the message; the label is bound to the field."""
    page = personas.client("mentee").post("/programmes/test-programme/schemes/1/commitments/new/", {"name": ""}).content.decode()
    assert '<label\n                for="id_name"' in page or 'for="id_name"' in page
    assert 'aria-invalid="true" aria-describedby="id_name_error" id="id_name"' in page
    assert re.search(
        r'<div id="id_name_error" class="invalid-feedback">\s*<p id="error_1_id_name"><strong>This field is required.</strong></p>',
        page,
    )
