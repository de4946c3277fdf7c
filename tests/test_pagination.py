"""Lists are paginated by 25: every row is on exactly one page, a bad page number gives the
nearest page. The count is always its own query, so a page costs the same number of
queries whether its list fits on one page or not (tests/test_pages.py)."""

import pytest

from schemes.models import Organisation, OrganisationKind, Scheme, Side

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


def test_the_schemes_of_a_programme_as_it_opens_and_as_filtered_are_the_same(personas):
    """The programme page as it opens shows the active schemes, as when they are asked for
    through the filter: same rows, same pages, parties included; archived schemes left
    out; a mentor sees only their own scheme."""
    from schemes.services.schemes import scheme_create

    for n in range(30):
        scheme_create(
            programme=personas.programme, title=f"Extra {n:02d}", theme="Housing", parties=[(personas.b_mentee, Side.MENTEE)]
        )
    Scheme.objects.filter(title="Extra 07").update(archived=True)
    url = "/programmes/test-programme/"
    client = personas.client("coordinator")
    for number in (1, 2):
        opened = client.get(f"{url}?page={number}")
        filtered = client.get(f"{url}?status=active&page={number}")
        rows = [(s.number, s.title, [p.organisation.name for p in s.parties.all()]) for s in opened.context["page_obj"]]
        assert rows == [(s.number, s.title, [p.organisation.name for p in s.parties.all()]) for s in filtered.context["page_obj"]]
        assert opened.context["page_obj"].paginator.count == filtered.context["page_obj"].paginator.count == 31
    first = client.get(url)
    assert [s.title for s in first.context["page_obj"]][:2] == ["Scheme A", "Scheme B"]
    assert "Menteeville" in first.content.decode() and "Extra 07" not in first.content.decode()
    assert "Extra 07" in client.get(f"{url}?status=archived").content.decode()
    mine = personas.client("mentor").get(url).context["page_obj"]
    assert [s.title for s in mine] == ["Scheme A"] and mine.paginator.count == 1
