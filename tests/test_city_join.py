"""A city already known to the network joins another programme from a search (issue 26):
the coordinator finds it by name and country and adds it; the "Register" form, when the
city exists, points to that search without saying where the city is registered."""

import pytest

from mentoring.models import LogEntry
from schemes.models import Organisation, OrganisationKind, ProgrammeRole

FIND = "/programmes/test-programme/organisations/find/"
ADD = "/programmes/test-programme/organisations/find/add/"
REGISTER = "/programmes/test-programme/organisations/new/"
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def capaci(personas):
    """Capaci, known from the other programme, with data that programme keeps private."""
    city = Organisation.objects.create(
        kind=OrganisationKind.CITY,
        name="Capaci",
        country="IT",
        population=11_345,
        governance_notes="Private remark of the other programme",
        main_nationalities="Secret nationalities",
    )
    personas.other_programme.cities.add(city)
    return city


def leaks(page):
    """What of the other programme a page must never show."""
    return [
        text
        for text in ("Other Programme", "other-programme", "Private remark", "Secret nationalities", "11,345")
        if text in page
    ]


def test_the_coordinator_adds_capaci_known_from_another_programme(personas, capaci):
    client = personas.client("coordinator")
    page = client.get(FIND, {"q": "capa", "country": "IT"}).content.decode()
    assert "<td>Capaci</td>" in page and "<td>Italy</td>" in page and "Add to this programme" in page
    assert leaks(page) == []

    response = client.post(ADD, {"organisation": capaci.pk})
    assert response.status_code == 302 and response.url == "/programmes/test-programme/organisations/"
    assert personas.programme.cities.filter(pk=capaci.pk).exists()
    listing = client.get(response.url).content.decode()
    assert "Capaci is now part of this programme." in listing
    # Still one Capaci, in both programmes.
    assert Organisation.objects.filter(name="Capaci").count() == 1
    assert personas.other_programme.cities.filter(pk=capaci.pk).exists()
    # The activity log and the programme's history say who added it.
    entry = LogEntry.objects.get(action="organisation.joined")
    assert entry.actor == personas.users["coordinator"] and entry.programme == personas.programme and entry.label == "Capaci"
    row = personas.programme.history.latest("history_id")
    assert "Capaci" in row.history_change_reason and row.history_user == personas.users["coordinator"]
    # Its page is now the programme's own (a city's own record: the site-wide row).
    assert client.get(f"/programmes/test-programme/organisations/{capaci.pk}/").status_code == 200
    # Adding twice changes nothing.
    client.post(ADD, {"organisation": capaci.pk})
    assert LogEntry.objects.filter(action="organisation.joined").count() == 1


def test_register_points_to_the_search_without_naming_the_other_programme(personas, capaci):
    client = personas.client("coordinator")
    response = client.post(
        REGISTER, {"kind": "city", "name": "capaci", "country": "IT", "short_name": "", "region": "", "website": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A city of this name in this country is already known: add it to your programme." in page
    assert f"{FIND}?q=Capaci&amp;country=IT" in page
    assert "already registered" not in page and leaks(page) == []
    assert Organisation.objects.filter(name__iexact="capaci").count() == 1
    # The link finds it.
    assert "Capaci" in client.get(FIND, {"q": "Capaci", "country": "IT"}).content.decode()


def test_an_organisation_already_in_the_programme_is_not_offered(personas, capaci):
    client = personas.client("coordinator")
    page = client.get(FIND, {"q": "menteeville"}).content.decode()
    assert "No known city or organisation matches" in page
    assert "Add to this programme" not in page


def test_the_country_narrows_the_search(personas, capaci):
    Organisation.objects.create(kind=OrganisationKind.CITY, name="Capaci", country="FR")
    client = personas.client("coordinator")
    page = client.get(FIND, {"q": "Capaci", "country": "FR"}).content.decode()
    assert "<td>France</td>" in page and "<td>Italy</td>" not in page


def test_an_empty_search_lists_nothing(personas, capaci):
    client = personas.client("coordinator")
    for query in ({}, {"q": ""}, {"q": "   "}):
        page = client.get(FIND, query).content.decode()
        assert "Type a name to search" in page
        assert "Capaci" not in page and "Add to this programme" not in page


def test_a_too_long_search_is_refused_in_words(personas, capaci):
    client = personas.client("coordinator")
    response = client.get(FIND, {"q": "C" + "a" * 400})
    page = response.content.decode()
    assert response.status_code == 200
    assert "A name has at most 200 characters: shorten the search." in page
    assert "Add to this programme" not in page


def test_hostile_html_in_a_name_and_in_the_search_is_shown_as_text(personas):
    Organisation.objects.create(kind=OrganisationKind.CITY, name=HOSTILE, country="IT")
    client = personas.client("coordinator")
    page = client.get(FIND, {"q": HOSTILE}).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Add to this programme" in page


def test_nothing_chosen_or_an_unknown_organisation(personas):
    client = personas.client("coordinator")
    response = client.post(ADD, {"organisation": "<b>"})
    assert response.status_code == 302 and response.url == FIND
    assert client.post(ADD, {"organisation": "987654"}).status_code == 404


def test_another_programmes_coordinator_cannot_add_to_this_programme(personas, capaci, django_user_model):
    stranger = django_user_model.objects.create_user(email="other-coordinator@test.example", password="x-x-x-x-x-1")
    ProgrammeRole.objects.create(programme=personas.other_programme, user=stranger, role="coordinator")
    client = personas.client("coordinator")
    client.force_login(stranger)
    assert client.get(FIND, {"q": "Capaci"}).status_code == 404
    assert client.post(ADD, {"organisation": personas.mentee_city.pk}).status_code == 404
    assert client.post(ADD, {"organisation": capaci.pk}).status_code == 404
    assert not personas.programme.cities.filter(pk=capaci.pk).exists()
    # Nor do the programme's other people add cities.
    assert personas.client("mentee").post(ADD, {"organisation": capaci.pk}).status_code == 403
    assert personas.client("observer").get(FIND, {"q": "Capaci"}).status_code == 403


def test_the_search_reads_in_few_queries_whatever_the_number_of_matches(personas, django_assert_max_num_queries):
    client = personas.client("coordinator")
    Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.CITY, name=f"Capaci {n}", country="IT") for n in range(40)
    )
    with django_assert_max_num_queries(12):
        page = client.get(FIND, {"q": "Capaci"}).content.decode()
    assert page.count("Add to this programme<span") == 20
    assert "Only the first 20 matches are shown" in page


def test_the_organisations_page_offers_the_search_to_the_coordinator_only(personas):
    listing = "/programmes/test-programme/organisations/"
    assert f'href="{FIND}"' in personas.client("coordinator").get(listing).content.decode()
    assert f'href="{FIND}"' not in personas.client("observer").get(listing).content.decode()


def test_the_other_programmes_associations_stay_out_of_sight_and_in_place(personas, capaci):
    hidden = Organisation.objects.create(kind=OrganisationKind.ASSOCIATION, name="Associazione Riservata", country="IT")
    personas.other_programme.cities.add(hidden)
    capaci.member_of.add(hidden)
    client = personas.client("coordinator")
    client.post(ADD, {"organisation": capaci.pk})
    for url in ("/programmes/test-programme/organisations/", f"/programmes/test-programme/organisations/{capaci.pk}/"):
        assert "Associazione Riservata" not in client.get(url).content.decode(), url
    # An edit of Capaci's record here, joining this programme's association, keeps the other one.
    personas.programme.cities.add(personas.mentee_association)
    form = client.get(f"/programmes/test-programme/organisations/{capaci.pk}/edit/").context["form"]
    data = {
        "kind": "city",
        "name": "Capaci",
        "country": "IT",
        "seen_version": form["seen_version"].value(),
        "member_of": [personas.mentee_association.pk],
    }
    response = client.post(f"/programmes/test-programme/organisations/{capaci.pk}/edit/", data)
    assert response.status_code == 302
    assert set(capaci.member_of.all()) == {hidden, personas.mentee_association}
    reason = capaci.history.latest("history_id").history_change_reason
    assert "Association of Menteeland" in reason and "Riservata" not in reason


def test_the_citys_history_does_not_name_the_people_of_other_programmes(personas, capaci, django_user_model):
    """Capaci is one record for both programmes: its history shows what changed, but the
    other programme's people only as "someone from another programme"."""
    elsewhere = django_user_model.objects.create_user(
        email="olga@other.example", password="x", first_name="Olga", last_name="Elsewhere"
    )
    ProgrammeRole.objects.create(programme=personas.other_programme, user=elsewhere, role="coordinator")
    capaci.population = 11_400
    capaci._change_reason = "Population updated"
    capaci._history_user = elsewhere
    capaci.save()
    client = personas.client("coordinator")
    client.post(ADD, {"organisation": capaci.pk})
    page = client.get(f"/programmes/test-programme/organisations/{capaci.pk}/history/").content.decode()
    assert "Olga" not in page and "olga@other.example" not in page
    assert "someone from another programme" in page
    # The programme's own coordinator edits it: named.
    capaci.refresh_from_db()
    capaci.main_nationalities = "Tunisian"
    capaci._history_user = personas.users["coordinator"]
    capaci.save()
    page = client.get(f"/programmes/test-programme/organisations/{capaci.pk}/history/").content.decode()
    assert personas.users["coordinator"].display_name in page
