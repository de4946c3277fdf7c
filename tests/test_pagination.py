"""Lists are paginated by 25: every row is on exactly one page, a bad page number gives the
nearest page. The count is always its own query, so a page costs the same number of
queries whether its list fits on one page or not (tests/test_pages.py)."""

import pytest

from schemes.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

LIST = "/programmes/test-programme/organisations/"


def add_cities(personas, count):
    cities = Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.CITY, name=f"Town {n:03d}", country="DE") for n in range(count)
    )
    personas.programme.cities.add(*cities)


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
