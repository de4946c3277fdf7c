"""The read-only API (issue 25; docs/api.md): personal keys made and revoked on the
account page, every resource read with the pages' own access rules, pages of at most
100, filters that refuse what they do not know, no write, query counts that do not grow
with the page, and a schema without warnings.

Bad input (issue 25): “an API token revoked mid-session; API queries with page size
100,000, unknown filters, another programme's ids. Clear answers, nothing leaked, nothing
changed.”"""

import io
import json
import re

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.models import Benchmark, BenchmarkVersion
from mentoring.api.tokens import api_token_create, api_token_revoke, key_hash
from mentoring.models import ApiToken, LogEntry
from schemes.models import (
    Action,
    GoodPractice,
    KeyFactorAssessment,
    Meeting,
    Organisation,
    OrganisationKind,
    ProgrammeRole,
    Scheme,
    SelfAssessment,
    Side,
    Visit,
)
from schemes.services.action_plans import plan_get_or_create
from schemes.services.schemes import scheme_create

API = "/api/v1/"
RESOURCES = (
    "programmes",
    "schemes",
    "organisations",
    "benchmark-versions",
    "self-assessments",
    "action-plans",
    "visits",
    "meetings",
    "good-practices",
)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def key_for(personas, role):
    return api_token_create(user=personas.users[role], name=f"{role}'s key")[1]


@pytest.fixture
def data(personas):
    """One of each resource in scheme A (the personas' programme), scheme B (same
    programme) and scheme C (the other programme)."""
    p = personas
    key_factor = p.a.benchmark.key_factors.order_by("order").first()
    made = {}
    faraway = Organisation.objects.create(kind=OrganisationKind.CITY, name="Faraway", country="FR")
    p.other_programme.cities.add(faraway)
    for name, scheme, city in (("a", p.a, p.mentee_city), ("b", p.b, p.b_mentee), ("c", p.c, faraway)):
        plan = plan_get_or_create(scheme=scheme)
        action = Action.objects.create(plan=plan, order=1, action=f"Open a desk in {name}", progress=40, status="in_progress")
        Action.objects.create(plan=plan, order=2, action="Train the staff", progress=20)
        assessment = SelfAssessment.objects.create(scheme=scheme, city=city, benchmark=p.a.benchmark, round=1)
        KeyFactorAssessment.objects.create(assessment=assessment, key_factor=key_factor, level=2, focus=True)
        meeting = Meeting.objects.create(scheme=scheme, title=f"Working meeting {name}", date="2026-04-01")
        practice = GoodPractice.objects.create(programme=scheme.programme, city=city, title=f"One-stop shop {name}")
        practice.key_factors.add(key_factor)
        made[name] = {
            "scheme": scheme,
            "programme": scheme.programme,
            "organisation": city,
            "action-plans": plan,
            "action": action,
            "self-assessments": assessment,
            "meetings": meeting,
            "visits": scheme.visits.order_by("order").first(),
            "good-practices": practice,
        }
    made["key_factor"] = key_factor
    return made


def object_of(data, resource, name):
    return {
        "programmes": data[name]["programme"],
        "schemes": data[name]["scheme"],
        "organisations": data[name]["organisation"],
    }.get(resource) or data[name][resource]


# --- Keys on the account page ------------------------------------------------------


def test_a_key_is_made_shown_once_and_revoked_through_the_account_page(personas):
    client = personas.client("mentee")
    page = client.get(reverse("account"))
    assert page.status_code == 200 and "API keys" in page.text and 'action="/accounts/api-keys/"' in page.text
    token_field = re.search(r'name="submission" value="([^"]+)"', page.text.split('action="/accounts/api-keys/"')[1]).group(1)

    created = client.post(reverse("api_token_create"), {"name": "Network website", "submission": token_field})
    assert created.status_code == 200
    assert "Copy it now" in created.text
    key = re.search(r'<code class="fs-5 user-select-all" id="api-key">([^<]+)</code>', created.text).group(1)
    token = ApiToken.objects.get(user=personas.users["mentee"])
    # Only a hash and the first characters are kept.
    assert token.key_hash == key_hash(key) and token.prefix == key[:8] and key not in {token.key_hash, token.prefix}
    assert LogEntry.objects.filter(action="api_token.created", actor=personas.users["mentee"]).exists()

    # The same form sent twice makes one key and never shows it again.
    again = client.post(reverse("api_token_create"), {"name": "Network website", "submission": token_field}, follow=True)
    assert ApiToken.objects.filter(user=personas.users["mentee"]).count() == 1
    assert key not in again.text and "already created" in again.text

    # The account page lists it by name and first characters, never the key.
    account = client.get(reverse("account"))
    assert "Network website" in account.text and f"{key[:8]}…" in account.text and key not in account.text

    # The key reads the API.
    assert personas.client("anonymous").get(f"{API}schemes/", **bearer(key)).status_code == 200

    # Revoking asks first; nothing changes until the "yes".
    asked = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert asked.status_code == 200 and "Revoke the API key “Network website”?" in asked.text
    token.refresh_from_db()
    assert token.revoked_at is None
    done = client.post(reverse("api_token_revoke", args=[token.pk]), {"confirmed": "1"})
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert LogEntry.objects.filter(action="api_token.revoked").exists()
    account = client.get(reverse("account"))
    assert "Revoked on" in account.text

    refused = personas.client("anonymous").get(f"{API}schemes/", **bearer(key))
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_someone_elses_key_cannot_be_revoked(personas):
    token, _key = api_token_create(user=personas.users["mentee"], name="Mine")
    response = personas.client("mentor").post(reverse("api_token_revoke", args=[token.pk]), {"confirmed": "1"})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "name, message",
    [
        ("<script>alert(1)</script>", "Write plain text"),
        ("x" * 101, "at most 100 characters"),
        ("", "This field is required"),
    ],
)
def test_a_bad_key_name_is_refused_in_the_error_summary(personas, name, message):
    client = personas.client("mentee")
    response = client.post(reverse("api_token_create"), {"name": name, "submission": "t" * 20})
    assert response.status_code == 200
    summary = response.text.split("error-summary", 1)[1].split("</div>", 1)[0]
    assert message in summary and 'href="#id_name"' in summary
    assert "<script>alert(1)</script>" not in response.text  # what was typed comes back escaped
    if name.startswith("<"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert not ApiToken.objects.exists()


# --- Authentication ------------------------------------------------------------------


def test_a_key_revoked_mid_session_is_refused_at_the_next_request(personas):
    token, key = api_token_create(user=personas.users["coordinator"], name="CRM")
    client = personas.client("anonymous")
    assert client.get(f"{API}programmes/", **bearer(key)).status_code == 200
    api_token_revoke(token=token, actor=personas.users["coordinator"])
    response = client.get(f"{API}programmes/", **bearer(key))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This API key is not valid: it was revoked, or never existed. Create a new one on your account page."
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_person_calling_too_often_is_told_when_to_come_back(personas, settings):
    from django.core.cache import cache

    settings.API_RATE = "3/minute"
    cache.clear()  # the counts of earlier tests in this process
    client = personas.client("anonymous")
    mentee, mentor = key_for(personas, "mentee"), key_for(personas, "mentor")
    assert [client.get(f"{API}schemes/", **bearer(mentee)).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(f"{API}schemes/", **bearer(mentee))
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    # Counted per person: someone else is still answered.
    assert client.get(f"{API}schemes/", **bearer(mentor)).status_code == 200
    cache.clear()


def test_without_a_key_or_with_a_wrong_one_the_answer_says_so(personas):
    client = personas.client("anonymous")
    nothing = client.get(f"{API}schemes/")
    assert nothing.status_code == 401 and nothing["WWW-Authenticate"] == "Bearer"
    assert "credentials were not provided" in nothing.json()["detail"]
    assert client.get(f"{API}schemes/", **bearer("not-a-key")).status_code == 401
    assert client.get(f"{API}schemes/", HTTP_AUTHORIZATION="Bearer two words").status_code == 401
    # "Token <key>" works as well as "Bearer <key>".
    key = key_for(personas, "mentee")
    assert client.get(f"{API}schemes/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_an_inactive_persons_key_is_refused(personas):
    key = key_for(personas, "mentee")
    user = personas.users["mentee"]
    user.is_active = False
    user.save()
    response = personas.client("anonymous").get(f"{API}schemes/", **bearer(key))
    assert response.status_code == 401 and "inactive" in response.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(personas):
    token, key = api_token_create(user=personas.users["mentee"], name="CRM")
    client = personas.client("anonymous")
    client.get(f"{API}schemes/", **bearer(key))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{API}schemes/", **bearer(key))
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first


# --- Resources and access ------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_each_resource_lists_and_shows_what_the_mentee_reads(personas, data, resource):
    key = key_for(personas, "mentee")
    client = personas.client("anonymous")
    listed = client.get(f"{API}{resource}/", **bearer(key))
    assert listed.status_code == 200
    body = listed.json()
    ids = {row["id"] for row in body["results"]}
    if resource == "benchmark-versions":
        version = personas.a.benchmark
        assert version.pk in ids
        assert client.get(f"{API}{resource}/{version.pk}/", **bearer(key)).status_code == 200
        return
    own, sibling, foreign = (object_of(data, resource, name) for name in "abc")
    assert own.pk in ids
    assert foreign.pk not in ids
    if resource not in ("programmes", "good-practices", "organisations"):
        # Scheme B's objects: the mentee has no role there.
        assert sibling.pk not in ids
        assert client.get(f"{API}{resource}/{sibling.pk}/", **bearer(key)).status_code == 404
    detail = client.get(f"{API}{resource}/{own.pk}/", **bearer(key))
    assert detail.status_code == 200 and detail.json()["id"] == own.pk
    missing = client.get(f"{API}{resource}/{foreign.pk}/", **bearer(key))
    assert missing.status_code == 404 and "detail" in missing.json()


def test_the_coordinator_reads_every_scheme_of_the_programme_and_nothing_outside(personas, data):
    key = key_for(personas, "coordinator")
    client = personas.client("anonymous")
    ids = {row["id"] for row in client.get(f"{API}schemes/", **bearer(key)).json()["results"]}
    assert ids == {personas.a.pk, personas.b.pk}
    plans = client.get(f"{API}action-plans/", **bearer(key)).json()["results"]
    assert {plan["scheme"] for plan in plans} == {personas.a.pk, personas.b.pk}
    assert client.get(f"{API}action-plans/{data['c']['action-plans'].pk}/", **bearer(key)).status_code == 404


def test_the_outsider_reads_nothing_of_the_programme(personas, data):
    key = key_for(personas, "outsider")
    client = personas.client("anonymous")
    for resource in RESOURCES:
        body = client.get(f"{API}{resource}/", **bearer(key)).json()
        if resource == "benchmark-versions":
            continue  # the published library: every signed-in person reads it
        assert body["count"] == 0 and body["results"] == [], resource
        assert client.get(f"{API}{resource}/{object_of(data, resource, 'a').pk}/", **bearer(key)).status_code == 404


def test_a_scheme_carries_its_steps_as_the_scheme_page_shows_them(personas, data):
    from schemes.services.progress import progress_for, progress_queryset

    key = key_for(personas, "mentee")
    scheme = personas.client("anonymous").get(f"{API}schemes/{personas.a.pk}/", **bearer(key)).json()
    expected = progress_for(progress_queryset(Scheme.objects.filter(pk=personas.a.pk)))[personas.a.pk]
    assert [(step["key"], step["state"]) for step in scheme["progress"]["steps"]] == [
        (step.key, step.state) for step in expected.steps
    ]
    assert scheme["progress"]["done"] == expected.done_count and scheme["progress"]["total"] == expected.total_count
    assert {party["organisation"]["name"] for party in scheme["parties"]} >= {"Menteeville", "Mentorburg"}
    assert scheme["url"] == personas.a.get_absolute_url()


def test_an_action_plan_carries_its_actions_and_their_progress(personas, data):
    key = key_for(personas, "mentor")
    plan = personas.client("anonymous").get(f"{API}action-plans/{data['a']['action-plans'].pk}/", **bearer(key)).json()
    assert [(a["action"], a["progress"], a["status"]) for a in plan["actions"]] == [
        ("Open a desk in a", 40, "in_progress"),
        ("Train the staff", 20, "not_started"),
    ]
    assert plan["progress"] == 30


def test_a_self_assessment_carries_the_level_of_each_key_factor(personas, data):
    key = key_for(personas, "association")
    body = personas.client("anonymous").get(f"{API}self-assessments/?scheme={personas.a.pk}", **bearer(key)).json()
    [assessment] = body["results"]
    assert assessment["city"]["name"] == "Menteeville" and assessment["round"] == 1
    assert assessment["levels"] == [
        {
            "key_factor": {
                "id": data["key_factor"].pk,
                "number": data["key_factor"].number,
                "title": data["key_factor"].title,
            },
            "level": 2,
            "level_label": "Partly in place",
            "focus": True,
            "evidence": "",
        }
    ]


# --- Filters, pages, bad input -------------------------------------------------------


def test_filters_narrow_and_another_programmes_id_gives_an_empty_list(personas, data):
    key = key_for(personas, "coordinator")
    client = personas.client("anonymous")
    own = client.get(f"{API}meetings/?scheme={personas.b.pk}", **bearer(key)).json()
    assert [m["title"] for m in own["results"]] == ["Working meeting b"]
    other = client.get(f"{API}meetings/?scheme={personas.c.pk}", **bearer(key)).json()
    assert other["count"] == 0 and other["results"] == []
    other = client.get(f"{API}schemes/?programme={personas.other_programme.pk}", **bearer(key)).json()
    assert other["count"] == 0
    practices = client.get(f"{API}good-practices/?key_factor={data['key_factor'].pk}", **bearer(key)).json()
    assert {p["title"] for p in practices["results"]} == {"One-stop shop a", "One-stop shop b"}
    # A malformed value: a 400 naming the filter.
    bad = client.get(f"{API}meetings/?scheme=abc", **bearer(key))
    assert bad.status_code == 400 and "scheme" in bad.json()


def test_an_unknown_filter_is_a_400_naming_it(personas, data):
    key = key_for(personas, "coordinator")
    response = personas.client("anonymous").get(f"{API}visits/?shceme={personas.a.pk}&page_size=5", **bearer(key))
    assert response.status_code == 400
    message = response.json()["shceme"][0]
    assert "Unknown parameter “shceme”" in message and "scheme" in message


def test_a_page_holds_at_most_100_whatever_is_asked(personas):
    for number in range(120):
        personas.programme.cities.add(Organisation.objects.create(kind=OrganisationKind.CITY, name=f"Town {number}"))
    key = key_for(personas, "coordinator")
    client = personas.client("anonymous")
    body = client.get(f"{API}organisations/?page_size=100000", **bearer(key)).json()
    assert len(body["results"]) == 100 and body["page_size"] == 100 and body["count"] > 120
    assert "page=2" in body["next"]
    default = client.get(f"{API}organisations/", **bearer(key)).json()
    assert len(default["results"]) == 50 and default["page_size"] == 50
    assert client.get(f"{API}organisations/?page=999", **bearer(key)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_is_written_through_the_api(personas, data, method):
    key = key_for(personas, "coordinator")
    plan = data["a"]["action-plans"]
    client = personas.client("anonymous")
    before = list(Action.objects.order_by("pk").values())
    for url in (f"{API}action-plans/", f"{API}action-plans/{plan.pk}/", f"{API}schemes/{personas.a.pk}/"):
        response = getattr(client, method)(
            url, data=json.dumps({"title": "Changed"}), content_type="application/json", **bearer(key)
        )
        assert response.status_code == 405, url
    # The session too (a page's cookie; the CSRF check does not let it through either).
    session = personas.client("coordinator")
    assert getattr(session, method)(f"{API}action-plans/{plan.pk}/").status_code in (403, 405)
    plan.refresh_from_db()
    assert plan.title != "Changed" and list(Action.objects.order_by("pk").values()) == before


# --- Query counts --------------------------------------------------------------------


def _add_rows(personas, data, resource, count):
    """``count`` more rows of ``resource`` readable by the coordinator."""
    p = personas
    if resource == "programmes":
        for n in range(count):
            programme = type(p.programme).objects.create(
                name=f"Programme {n}", slug=f"programme-{n}-{count}", coordinating_body=p.programme.coordinating_body
            )
            ProgrammeRole.objects.create(programme=programme, user=p.users["coordinator"], role="observer")
    elif resource in ("schemes", "action-plans"):
        for n in range(count):
            city = Organisation.objects.create(kind=OrganisationKind.CITY, name=f"City {n}-{count}")
            mentor = Organisation.objects.create(kind=OrganisationKind.CITY, name=f"Mentor {n}-{count}")
            scheme = scheme_create(
                programme=p.programme,
                title=f"Scheme {n}",
                theme="Housing",
                benchmark=p.a.benchmark,
                parties=[(city, Side.MENTEE), (mentor, Side.MENTOR)],
            )
            plan = plan_get_or_create(scheme=scheme)
            for order in range(3):
                action = Action.objects.create(plan=plan, order=order, action="Act", progress=10)
                action.key_factors.add(data["key_factor"])
    elif resource == "organisations":
        for n in range(count):
            p.programme.cities.add(Organisation.objects.create(kind=OrganisationKind.CITY, name=f"Town {n}-{count}"))
    elif resource == "benchmark-versions":
        benchmark = Benchmark.objects.create(slug=f"bench-{count}", theme="Housing")
        for n in range(count):
            version = BenchmarkVersion.objects.create(benchmark=benchmark, number=n + 1, title=f"Housing {n}")
            version.key_factors.create(number="1", title="One")
            version.key_factors.create(number="2", title="Two")
    elif resource == "self-assessments":
        for n in range(count):
            assessment = SelfAssessment.objects.create(
                scheme=p.a, city=p.mentee_city, benchmark=p.a.benchmark, round=n + 2 + count
            )
            KeyFactorAssessment.objects.create(assessment=assessment, key_factor=data["key_factor"], level=1)
    elif resource == "visits":
        for n in range(count):
            Visit.objects.create(scheme=p.a, order=20 + n + count, title=f"Visit {n}", host=p.mentee_city)
    elif resource == "meetings":
        for n in range(count):
            Meeting.objects.create(scheme=p.a, title=f"Meeting {n}", date="2026-05-01")
    elif resource == "good-practices":
        for n in range(count):
            practice = GoodPractice.objects.create(programme=p.programme, city=p.mentee_city, title=f"Practice {n}")
            practice.key_factors.add(data["key_factor"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_query_counts_do_not_grow_with_the_page(personas, data, resource, django_assert_max_num_queries):
    key = key_for(personas, "coordinator")
    client = personas.client("anonymous")
    url = f"{API}{resource}/?page_size=100"
    client.get(url, **bearer(key))  # the key's last use is written once, not counted below

    _add_rows(personas, data, resource, 5)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url, **bearer(key))
    assert first.status_code == 200 and first.json()["count"] >= 5
    _add_rows(personas, data, resource, 55)
    with django_assert_max_num_queries(len(small)):
        second = client.get(url, **bearer(key))
    assert len(second.json()["results"]) >= 60
    print(f"\n{resource}: {len(small)} queries for a page of {first.json()['count']} and of {second.json()['count']}")


# --- Schema and documentation page ---------------------------------------------------


def test_the_schema_has_no_warnings_and_lists_every_route(tmp_path):
    target = tmp_path / "schema.yaml"
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=out, stderr=out)
    schema = yaml.safe_load(target.read_text())
    paths = sorted(schema["paths"])
    operations = [method for item in schema["paths"].values() for method in item]
    print(f"\nAPI schema: {len(paths)} paths, {len(operations)} operations (all GET)")
    assert len(paths) == 2 * len(RESOURCES) and set(operations) == {"get"}
    assert f"{API}schemes/{{id}}/" in paths


def test_the_schema_and_the_documentation_page_are_served_with_local_assets(personas):
    client = personas.client("mentee")
    schema = client.get(f"{API}schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and f"{API}programmes/" in schema.json()["paths"]
    docs = client.get(f"{API}docs/")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets and all(url.startswith(("/static/", "/api/v1/")) for url in assets), assets
    assert any(url.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/") for url in assets)
    assert "<script>" not in docs.text and "<style>" not in docs.text  # the CSP allows neither
    script = client.get(f"{API}docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    # Without a session: the login page for the documentation, a 401 for the schema.
    assert personas.client("anonymous").get(f"{API}docs/").status_code == 302
    assert personas.client("anonymous").get(f"{API}schema/").status_code == 401


# --- Erasure and "Download my data" ----------------------------------------------------


def test_erasure_deletes_the_keys_and_the_data_download_lists_them_without_secrets(personas):
    from mentoring.data_exports import person
    from mentoring.erasure import person_pseudonymise

    user = personas.users["mentee"]
    token, key = api_token_create(user=user, name="Network website")
    listed = person(user)["api_keys"]
    assert [entry["name"] for entry in listed] == ["Network website"]
    flat = json.dumps(listed, default=str)
    assert key not in flat and token.key_hash not in flat and token.prefix not in flat

    person_pseudonymise(user, actor=personas.users["coordinator"], reason="request")
    assert not ApiToken.objects.filter(user=user).exists()
    assert personas.client("anonymous").get(f"{API}schemes/", **bearer(key)).status_code == 401
