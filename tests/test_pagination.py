"""Lists are paginated; a list that fits on its first page is not counted by a query of
its own (mentoring.pages.ListPaginator)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schemes.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

LIST = "/programmes/test-programme/organisations/"


def add_cities(personas, count):
    cities = Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.CITY, name=f"Town {n:03d}", country="DE") for n in range(count)
    )
    personas.programme.cities.add(*cities)


def test_a_list_that_fits_on_a_page_is_not_counted_apart(personas):
    client = personas.client("coordinator")
    total = personas.programme.cities.count()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST).context["page_obj"]
    assert page.paginator.count == total == len(page.object_list) and page.paginator.num_pages == 1
    assert not any("COUNT(*)" in query["sql"] for query in queries.captured_queries)


def test_a_longer_list_is_counted_and_every_page_holds_its_rows(personas):
    add_cities(personas, 60)
    client = personas.client("coordinator")
    total = personas.programme.cities.count()
    first = client.get(LIST).context["page_obj"]
    assert first.paginator.count == total and first.paginator.num_pages == 3 and len(first.object_list) == 25
    seen = [o.pk for o in first.object_list]
    for number in (2, 3):
        page = client.get(f"{LIST}?page={number}").context["page_obj"]
        assert page.number == number and page.paginator.count == total
        seen += [o.pk for o in page.object_list]
    assert len(seen) == len(set(seen)) == total  # every row once
    assert client.get(f"{LIST}?page=99").context["page_obj"].number == 3  # the nearest page
    assert client.get(f"{LIST}?page=abc").context["page_obj"].number == 1


def test_a_list_of_exactly_one_page(personas):
    add_cities(personas, 25 - personas.programme.cities.count())
    page = personas.client("coordinator").get(LIST).context["page_obj"]
    assert page.paginator.count == 25 and page.paginator.num_pages == 1 and not page.has_next()
