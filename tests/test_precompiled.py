"""Querysets compiled once per connection (mentoring.precompiled): the same rows as the
queryset built each time, for any values; compiled SQL reused; lookups that rewrite their
value refused."""

import datetime
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from mentoring.access import SCHEME_QUERY, scheme_for
from mentoring.precompiled import Precompiled
from schemes.models import Organisation, OrganisationKind, Scheme, Visit
from schemes.services.progress import VISITS_QUERY

pytestmark = pytest.mark.django_db


def test_the_same_rows_as_the_queryset_for_any_values(personas):
    mentor, coordinator, outsider = (personas.users[key] for key in ("mentor", "coordinator", "outsider"))
    for user, slug, number in [(mentor, "test-programme", 1), (mentor, "test-programme", 2), (coordinator, "test-programme", 2),
                               (outsider, "test-programme", 1), (mentor, "other-programme", 1), (mentor, "no-such", 1)]:
        expected = list(Scheme.objects.for_user(user).filter(programme__slug=slug, number=number))
        assert SCHEME_QUERY(user=user.pk, programme_slug=slug, number=number) == expected
    # The mentor of scheme A sees A, not B; the coordinator sees B.
    assert SCHEME_QUERY(user=mentor.pk, programme_slug="test-programme", number=1) == [personas.a]
    assert SCHEME_QUERY(user=mentor.pk, programme_slug="test-programme", number=2) == []
    assert SCHEME_QUERY(user=coordinator.pk, programme_slug="test-programme", number=2) == [personas.b]


def test_related_objects_come_with_the_rows_and_lists_of_any_length(personas):
    for order, (scheme, title) in enumerate([(personas.a, "First"), (personas.a, "Second"), (personas.b, "Third")], start=101):
        Visit.objects.create(scheme=scheme, order=order, title=title, host=personas.mentor_city, start_date=datetime.date(2027, 3, 1))
    for ids in ([personas.a.pk], [personas.a.pk, personas.b.pk], [personas.b.pk, personas.c.pk, personas.a.pk]):
        rows = VISITS_QUERY(ids=ids)
        assert [(v.pk, v.host) for v in rows] == [
            (v.pk, v.host) for v in Visit.objects.filter(scheme_id__in=ids).select_related("host").order_by("scheme_id", "order")
        ]
        with CaptureQueriesContext(connection) as queries:
            hosts = {v.title: v.host.name for v in rows if v.order > 100}  # select_related: no query
        assert len(queries) == 0 and set(hosts.values()) <= {personas.mentor_city.name}
    assert [v.title for v in VISITS_QUERY(ids=[personas.a.pk]) if v.order > 100] == ["First", "Second"]
    # No ids: no rows and no query, as Django answers ``__in=[]`` (a page with no scheme).
    with CaptureQueriesContext(connection) as queries:
        assert VISITS_QUERY(ids=[]) == []
    assert len(queries) == 0


def test_dates_reach_the_database_as_the_orm_sends_them(personas):
    Visit.objects.create(scheme=personas.a, order=101, title="Spring", start_date=datetime.date(2027, 3, 1))
    Visit.objects.create(scheme=personas.a, order=102, title="Autumn", start_date=datetime.date(2027, 10, 1))
    after = Precompiled(lambda day: Visit.objects.filter(start_date__gt=day, order__gt=100).order_by("start_date").values_list("title", flat=True), day=datetime.date)
    assert after(day=datetime.date(2027, 1, 1)) == ["Spring", "Autumn"]
    assert after(day=datetime.date(2027, 6, 1)) == ["Autumn"]
    assert after(day=datetime.date(2028, 1, 1)) == []


def test_compiled_once_then_only_run(personas):
    mentor = personas.users["mentor"]
    scheme_for(mentor, "test-programme", 1)  # compiles
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compile_sql:
        with CaptureQueriesContext(connection) as queries:
            scheme, access = scheme_for(mentor, "test-programme", 1)
    assert scheme == personas.a and "mentor" in access.roles
    assert compile_sql.call_count == 0 and len(queries) == 2  # the scheme, the roles


def test_a_lookup_that_rewrites_its_value_is_refused(personas):
    Organisation.objects.create(kind=OrganisationKind.CITY, name="Ghent", country="BE")
    containing = Precompiled(lambda text: Organisation.objects.filter(name__icontains=text), text=str)
    with pytest.raises(ValueError, match="does not reach the SQL unchanged"):
        containing(text="gh")
    with pytest.raises(TypeError):
        SCHEME_QUERY(user=1, programme_slug="test-programme")  # a value missing


def test_a_number_no_database_integer_holds_is_no_such_scheme(personas):
    # As the ORM's lookups treat it: no row, so a 404, not a driver's overflow error.
    mentor = personas.client("mentor")
    for number in (70_000, 10**13, 10**30):
        assert mentor.get(f"/programmes/test-programme/schemes/{number}/").status_code == 404
    assert SCHEME_QUERY(user=personas.users["mentor"].pk, programme_slug="test-programme", number=10**30) == []


def test_counts_and_slices_for_a_paginator(personas):
    """``counted`` gives ``count()`` (0 for no rows), refuses what it cannot count
    plainly; a ``FIXED`` slice is compiled per bound; ``PrecompiledList`` pages as a
    queryset does."""
    from django.core.paginator import Paginator

    from mentoring.precompiled import FIXED, PrecompiledList, counted

    for n in range(7):
        Visit.objects.create(scheme=personas.a, order=200 + n, title=f"Visit {n}")
    visits = lambda scheme: Visit.objects.filter(scheme_id=scheme, order__gte=200).order_by("order")  # noqa: E731
    count = Precompiled(lambda scheme: counted(visits(scheme)), scheme=int)
    rows = Precompiled(lambda scheme, start, stop: visits(scheme)[start:stop], scheme=int, start=FIXED, stop=FIXED)
    assert count(scheme=personas.a.pk) == [7] and count(scheme=personas.b.pk) == [0]
    assert [v.title for v in rows(scheme=personas.a.pk, start=2, stop=4)] == ["Visit 2", "Visit 3"]
    assert [v.title for v in rows(scheme=personas.a.pk, start=5, stop=9)] == ["Visit 5", "Visit 6"]
    with pytest.raises(ValueError):
        counted(visits(personas.a.pk).distinct())
    ours = Paginator(PrecompiledList(count, rows, scheme=personas.a.pk), 3)
    theirs = Paginator(visits(personas.a.pk), 3)
    assert ours.count == theirs.count == 7 and ours.num_pages == theirs.num_pages == 3
    for number in (1, 2, 3):
        assert [v.pk for v in ours.page(number)] == [v.pk for v in theirs.page(number)]
    assert Paginator(PrecompiledList(count, rows, scheme=personas.b.pk), 3).get_page(1).object_list == []


def test_times_reach_the_database_as_the_orm_sends_them(personas):
    """Sessions are read through a precompiled query with the time now: an expired
    session is not found, a live one is, on either database."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from mentoring.sessions import SESSION_QUERY, SessionStore

    store = SessionStore()
    store["note"] = "kept"
    store.create()
    now = timezone.now()
    assert [s.session_key for s in SESSION_QUERY(key=store.session_key, now=now)] == [store.session_key]
    assert SESSION_QUERY(key=store.session_key, now=now + datetime.timedelta(days=365)) == []
    assert SessionStore(store.session_key)["note"] == "kept"
    Session.objects.filter(session_key=store.session_key).update(expire_date=now - datetime.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert "note" not in expired and expired.session_key is None  # a new session, as Django's own store gives


def test_a_connection_keeps_a_bounded_number_of_compiled_queries(personas):
    """Lists of every length and pages of every bound: compiled again once the
    connection has let its compiled queries go, never an ever-growing cache."""
    from mentoring import precompiled

    visits = Precompiled(lambda ids: Visit.objects.filter(scheme_id__in=ids), ids=[int])
    with mock.patch.object(precompiled, "MAX_COMPILED", 5):
        for length in range(1, 12):
            assert visits(ids=[personas.a.pk] * length) == list(Visit.objects.filter(scheme_id=personas.a.pk))
            assert len(connections["default"].__dict__["_precompiled"]) <= 5
