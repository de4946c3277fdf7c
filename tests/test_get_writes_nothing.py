"""Reading never writes: every URL pattern of the site, opened with GET by every persona
(on the same objects and variants as the URL x role matrix; a test per persona), leaves
every table as it found it, history tables included.

Two checks: the rows of every table counted before and after all the GETs, and each
GET's SQL watched for INSERT, UPDATE and DELETE, so a failure names the page that wrote.

Allowed, and only these: the session table (``django_session``), which Django itself
writes when a session is renewed or a page stores something for the visitor (the
password-reset link is kept in the session, not in the address). The personas are
signed in before the first count (``force_login``), so no login happens during the
walk and the login tables (django-axes, django-otp) must not change either.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_url_matrix import ROLES, VARIANTS, Matrix, all_patterns, expected_for, url_of

ALLOWED_TABLES = {"django_session"}


def row_counts():
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def written_table(sql):
    """The table an INSERT, UPDATE or DELETE statement writes, or None for a read."""
    match = re.match(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", sql, re.IGNORECASE)
    return match.group(1) if match else None


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_a_row(personas, settings, role):
    """A test per role, so that the suite's processes share the walk."""
    # The idle renewal of a session writes its row once a minute: allowed, but kept out
    # of the way of this long walk.
    settings.SESSION_RENEW_SECONDS = 24 * 60 * 60
    matrix = Matrix(personas)
    client = personas.client(role)
    before = row_counts()
    writes, gets = [], 0
    for name, _pattern, route in all_patterns():
        entry = expected_for(name)
        variants = VARIANTS[entry["scope"]] + (["neighbour"] if entry.get("neighbour_officer") else [])
        for variant in variants:
            url = url_of(name, route, matrix.kwargs(name, route, variant))
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            gets += 1
            for query in queries.captured_queries:
                table = written_table(query["sql"])
                if table and table not in ALLOWED_TABLES:
                    writes.append(f"GET {url} as {role} ({variant}): {query['sql'][:160]}")
    after = row_counts()
    changed = {table: (before[table], after.get(table)) for table in before if before[table] != after.get(table)}
    changed.update({table: (None, after[table]) for table in after if table not in before})
    for table in ALLOWED_TABLES:
        changed.pop(table, None)
    print(f"\n{role}: {gets} GETs, {len(writes)} writes, {len(changed)} tables changed")
    assert writes == [], f"{len(writes)} writes on GET:\n" + "\n".join(writes[:40])
    assert changed == {}, f"rows counted before and after every GET differ: {changed}"


def test_reading_a_scheme_without_an_action_plan_creates_none(personas):
    """The plan is created by its first change (an action, a need, a frozen version): a
    reader, here an observer, opening the plan's pages and exports leaves no plan and no
    history row behind."""
    from schemes.models import ActionPlan

    scheme = personas.a
    base = f"/programmes/{scheme.programme.slug}/schemes/{scheme.number}/"
    pages = [
        base,
        f"{base}action-plan/",
        f"{base}action-plan/compare/",
        f"{base}action-plan/versions/1/",
        f"{base}action-plan/action-plan.pdf",
        f"{base}action-plan/actions.csv",
        f"{base}action-plan/actions.xlsx",
        f"{base}action-plan/needs/",
        f"{base}action-plan/actions/new/",
    ]
    for role in ("observer", "mentee", "facilitator"):
        client = personas.client(role)
        for url in pages:
            response = client.get(url, secure=True)
            assert response.status_code in (200, 403, 404), (role, url, response.status_code)
    assert ActionPlan.objects.count() == 0
    assert ActionPlan.history.count() == 0
