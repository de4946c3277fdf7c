"""Journey 1 set-up in the browser's forms (server side): programmes, organisations,
schemes and parties, archiving, history. Bad input gets a message, keeps what was typed
and changes nothing."""

import pytest

from benchmarks.models import BenchmarkVersion
from schemes.models import Organisation, OrganisationKind, Programme, ProgrammeRole, Scheme, Side

HOSTILE = '<script>alert("x")</script>'


def programme_data(**overrides):
    network = Organisation.objects.get(name="Test Network")
    data = {
        "name": "Welcoming Cities 2027",
        "slug": "welcoming-2027",
        "description": "Four cities learn from four others.",
        "coordinating_body": network.pk,
        "benchmarks": [BenchmarkVersion.objects.get(benchmark__slug="inclucities-general").pk],
        "start_date": "2027-01-01",
        "end_date": "2028-12-31",
        "funding": "AMIF",
        "default_visit_count": 3,
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_programme_and_becomes_its_coordinator(personas):
    client = personas.client("coordinator")
    response = client.post("/programmes/new/", programme_data())
    programme = Programme.objects.get(slug="welcoming-2027")
    assert response.status_code == 302 and response["Location"] == "/programmes/welcoming-2027/"
    assert ProgrammeRole.objects.filter(programme=programme, user=personas.users["coordinator"], role="coordinator").exists()
    assert [b.benchmark.slug for b in programme.benchmarks.all()] == ["inclucities-general"]
    page = client.get("/programmes/welcoming-2027/").content.decode()
    assert "Welcoming Cities 2027" in page and "Edit the programme" in page
    record = programme.history.latest("history_id")
    assert record.history_user == personas.users["coordinator"]
    assert "Benchmarks offered: + " in record.history_change_reason


def test_a_new_coordinating_body_can_be_registered_with_the_programme(personas):
    client = personas.client("coordinator")
    data = programme_data(coordinating_body="", new_coordinating_body="Association of Flemish Cities")
    assert client.post("/programmes/new/", data).status_code == 302
    assert Programme.objects.get(slug="welcoming-2027").coordinating_body.name == "Association of Flemish Cities"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"description": HOSTILE}, "description", "Write plain text"),
        ({"default_visit_count": "three"}, "default_visit_count", "Enter a whole number."),
        ({"default_visit_count": 11}, "default_visit_count", "between 2 and 10 visits"),
        ({"end_date": "2026-01-01"}, "end_date", "The end date is before the start date."),
        ({"slug": "new"}, "slug", "reserved"),
        ({"slug": "test-programme"}, "slug", "already exists"),
        ({"coordinating_body": 999999}, "coordinating_body", "Select a valid choice"),
        ({"benchmarks": [999999]}, "benchmarks", "Select a valid choice"),
    ],
)
def test_bad_programme_input_is_refused_keeping_what_was_typed(personas, overrides, field, message):
    client = personas.client("coordinator")
    before = Programme.objects.count()
    data = programme_data(**overrides)
    response = client.post("/programmes/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert Programme.objects.count() == before
    page = response.content.decode()
    assert "Nothing was saved yet" in page
    # What the user typed is still in the form (escaped, never executed).
    assert 'value="Welcoming Cities 2027"' in page or overrides.get("name") is not None
    if field == "description":
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert HOSTILE not in page


def test_two_coordinators_editing_a_programme_at_once_do_not_overwrite_each_other(personas):
    client = personas.client("coordinator")
    form = client.get("/programmes/test-programme/edit/").context["form"]
    seen = form["seen_version"].value()
    data = programme_data(slug="test-programme", name="Renamed by the first", seen_version=seen)
    assert client.post("/programmes/test-programme/edit/", data).status_code == 302
    # The second editor loaded the page before the first saved.
    data.update(name="Renamed by the second", seen_version=seen)
    response = client.post("/programmes/test-programme/edit/", data)
    assert response.status_code == 409
    assert "Someone else saved changes" in response.content.decode()
    assert 'value="Renamed by the second"' in response.content.decode()
    assert Programme.objects.get(slug="test-programme").name == "Renamed by the first"
    # A tampered hidden field is a conflict too, never a silent overwrite.
    data.update(seen_version="not-a-number")
    response = client.post("/programmes/test-programme/edit/", data)
    assert response.status_code == 409 and Programme.objects.get(slug="test-programme").name == "Renamed by the first"


def city_data(**overrides):
    data = {
        "kind": "city",
        "name": "Leuven",
        "short_name": "",
        "country": "BE",
        "region": "Flanders",
        "website": "https://leuven.be",
        "population": "102275",
        "migrant_population": "20000",
        "annual_budget": "350000000",
        "integration_budget": "2500000",
        "government_structure": "federal",
    }
    data.update(overrides)
    return data


def test_a_coordinator_registers_a_city_with_its_profile_and_association(personas):
    client = personas.client("coordinator")
    association = personas.mentee_association
    personas.programme.cities.add(association)
    response = client.post("/programmes/test-programme/organisations/new/", city_data(member_of=[association.pk]))
    assert response.status_code == 302
    leuven = Organisation.objects.get(name="Leuven")
    assert leuven.country.code == "BE" and leuven.population == 102275 and leuven.migrant_share == 19.6
    assert list(leuven.member_of.all()) == [association]
    assert personas.programme.cities.filter(pk=leuven.pk).exists()
    page = client.get(f"/programmes/test-programme/organisations/{leuven.pk}/").content.decode()
    assert "102,275" in page and "Belgium" in page and "Association of Menteeland" in page
    listing = client.get("/programmes/test-programme/organisations/?kind=city&country=BE&q=leu").content.decode()
    assert "Leuven" in listing and "Menteeville" not in listing


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"population": "many"}, "population", "is not a number"),
        ({"population": "-5"}, "population", "cannot be negative"),
        ({"migrant_population": "200000"}, "migrant_population", "more than the number of inhabitants"),
        ({"integration_budget": "400000000"}, "integration_budget", "more than the whole municipal budget"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"name": "Menteeville"}, "name", "This programme already has"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL"),
        ({"region": HOSTILE}, "region", "Write plain text"),
    ],
)
def test_bad_city_input_is_refused(personas, overrides, field, message):
    client = personas.client("coordinator")
    before = Organisation.objects.count()
    response = client.post("/programmes/test-programme/organisations/new/", city_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Organisation.objects.count() == before


def test_an_association_of_another_programme_cannot_be_chosen_as_membership(personas):
    client = personas.client("coordinator")
    stranger = Organisation.objects.create(kind=OrganisationKind.ASSOCIATION, name="Far Association", country="FR")
    personas.other_programme.cities.add(stranger)
    response = client.post("/programmes/test-programme/organisations/new/", city_data(member_of=[stranger.pk]))
    assert response.status_code == 200 and "member_of" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Leuven").exists()


def scheme_data(parties, **overrides):
    data = {
        "scheme-title": "Welcoming newcomers in Leuven",
        "scheme-theme": "Reception and orientation",
        "scheme-kind": "mentoring",
        "scheme-focus": "action_planning",
        "scheme-benchmark": "",
        "scheme-visit_count": "3",
        "parties-TOTAL_FORMS": "6",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "12",
    }
    for index, (organisation, side) in enumerate(parties):
        data[f"parties-{index}-organisation"] = organisation.pk
        data[f"parties-{index}-side"] = side
    data.update(overrides)
    return data


def test_a_scheme_with_two_mentor_cities_is_created_with_its_default_visits(personas):
    client = personas.client("coordinator")
    p = personas
    parties = [
        (p.mentee_city, Side.MENTEE),
        (p.mentee_association, Side.MENTEE),
        (p.mentor_city, Side.MENTOR),
        (p.b_mentor, Side.MENTOR),
    ]
    response = client.post("/programmes/test-programme/schemes/new/", scheme_data(parties))
    assert response.status_code == 302
    scheme = Scheme.objects.get(title="Welcoming newcomers in Leuven")
    assert [party.organisation.name for party in scheme.mentor_parties] == ["Mentorburg", "Elsewhere"]
    assert [visit.host.name for visit in scheme.visits.order_by("order")] == ["Menteeville", "Mentorburg", "Menteeville"]
    assert scheme.benchmark is None


def test_a_community_of_practice_has_peers_only(personas):
    client = personas.client("coordinator")
    p = personas
    bad = scheme_data([(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.PEER)], **{"scheme-kind": "community"})
    response = client.post("/programmes/test-programme/schemes/new/", bad)
    assert response.status_code == 200 and "every party is a peer" in response.content.decode()
    good = scheme_data(
        [(p.mentee_city, Side.PEER), (p.mentor_city, Side.PEER), (p.b_mentee, Side.PEER)], **{"scheme-kind": "community"}
    )
    assert client.post("/programmes/test-programme/schemes/new/", good).status_code == 302
    assert Scheme.objects.get(title="Welcoming newcomers in Leuven").peer_parties


def test_a_mentee_city_alone_prepares_in_a_scheme_waiting_for_a_mentor(personas):
    client = personas.client("coordinator")
    data = scheme_data([(personas.mentee_city, Side.MENTEE), (personas.mentee_association, Side.MENTEE)])
    assert client.post("/programmes/test-programme/schemes/new/", data).status_code == 302
    scheme = Scheme.objects.get(title="Welcoming newcomers in Leuven")
    assert not scheme.mentor_parties
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "waiting for a mentor" in page and f"/programmes/test-programme/matching/{personas.mentee_city.pk}/" in page
    assert "Welcoming newcomers in Leuven" in client.get("/programmes/test-programme/matching/").content.decode()


@pytest.mark.parametrize(
    "case, message",
    [
        ("no city", "needs at least one city"),
        ("twice", "is listed twice"),
        ("other programme", "Select a valid choice"),
        ("no title", "This field is required"),
        ("visits", "less than or equal to 10"),
    ],
)
def test_bad_scheme_input_is_refused(personas, case, message):
    client = personas.client("coordinator")
    p = personas
    stranger = Organisation.objects.create(kind=OrganisationKind.CITY, name="Far City", country="FR")
    p.other_programme.cities.add(stranger)
    parties = {
        "no city": [(p.mentee_association, Side.MENTEE)],
        "twice": [(p.mentee_city, Side.MENTEE), (p.mentee_city, Side.MENTOR), (p.mentor_city, Side.MENTOR)],
        "other programme": [(p.mentee_city, Side.MENTEE), (stranger, Side.MENTOR)],
    }.get(case, [(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.MENTOR)])
    overrides = {"no title": {"scheme-title": ""}, "visits": {"scheme-visit_count": "40"}}.get(case, {})
    before = Scheme.objects.count()
    response = client.post("/programmes/test-programme/schemes/new/", scheme_data(parties, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Scheme.objects.count() == before


def test_a_benchmark_the_programme_does_not_offer_is_refused(personas):
    client = personas.client("coordinator")
    p = personas
    offered = BenchmarkVersion.objects.get(benchmark__slug="inclucities-general")
    other = BenchmarkVersion.objects.get(benchmark__slug="implementoring-theme-a")
    p.programme.benchmarks.add(offered)
    parties = [(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.MENTOR)]
    response = client.post("/programmes/test-programme/schemes/new/", scheme_data(parties, **{"scheme-benchmark": other.pk}))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post("/programmes/test-programme/schemes/new/", scheme_data(parties, **{"scheme-benchmark": offered.pk}))
    assert response.status_code == 302


def test_a_party_with_people_cannot_be_removed_before_their_roles(personas):
    client = personas.client("coordinator")
    p = personas
    data = scheme_data([(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.MENTOR)])
    data = {key.replace("scheme-", ""): value for key, value in data.items() if key.startswith("parties")}
    response = client.post("/programmes/test-programme/schemes/1/parties/", data)
    assert response.status_code == 200
    assert "People act for Association of Menteeland" in response.content.decode()
    assert p.a.parties.count() == 4


def test_an_archived_scheme_is_read_only_and_still_printable(personas):
    client = personas.client("coordinator")
    assert client.post("/programmes/test-programme/schemes/1/archive/", {"confirmed": "1"}).status_code == 302
    assert Scheme.objects.get(pk=personas.a.pk).archived
    page = client.get("/programmes/test-programme/schemes/1/")
    assert page.status_code == 200 and "Archived: this scheme is read-only" in page.content.decode()
    assert "Edit the scheme" not in page.content.decode()
    response = client.get("/programmes/test-programme/schemes/1/edit/")
    assert response.status_code == 403 and "archived" in response.content.decode()
    assert client.get("/benchmarks/inclucities-general/v1/booklet.pdf").status_code == 200
    # Bring it back: editable again.
    client.post("/programmes/test-programme/schemes/1/archive/", {"archived": "false"})
    assert client.get("/programmes/test-programme/schemes/1/edit/").status_code == 200


def test_an_archived_programme_makes_its_schemes_read_only(personas):
    client = personas.client("coordinator")
    client.post("/programmes/test-programme/archive/", {"confirmed": "1"})
    assert client.get("/programmes/test-programme/schemes/2/edit/").status_code == 403
    assert client.get("/programmes/test-programme/people/").status_code == 200
    assert "Send the invitation" not in client.get("/programmes/test-programme/people/").content.decode()
    assert client.get("/programmes/").context["page_obj"].paginator.count == 0  # active ones by default
    assert "Test Programme" in client.get("/programmes/?status=archived").content.decode()


def test_history_shows_who_changed_what_and_restores_an_earlier_state(personas):
    client = personas.client("coordinator")
    scheme = personas.a
    form = client.get("/programmes/test-programme/schemes/1/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(title="A sharper title", theme="Welcoming newcomers")
    assert client.post("/programmes/test-programme/schemes/1/edit/", data).status_code == 302
    page = client.get("/programmes/test-programme/schemes/1/history/")
    html = page.content.decode()
    assert "Coordinator Tester" in html and "A sharper title" in html and "Scheme A" in html
    first = scheme.history.earliest("history_id")
    response = client.post(f"/programmes/test-programme/schemes/1/history/{first.history_id}/restore/")
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.title == "Scheme A"
    assert scheme.history.latest("history_id").history_change_reason.startswith("Restored the version of")
    # Another scheme's history row through this scheme's address: not found.
    other = personas.b.history.latest("history_id")
    assert client.post(f"/programmes/test-programme/schemes/1/history/{other.history_id}/restore/").status_code == 404


def test_setup_lists_keep_their_query_count_as_data_grows(personas, django_assert_max_num_queries):
    from schemes.services.schemes import scheme_create

    client = personas.client("coordinator")
    pages = [
        "/programmes/",
        "/programmes/test-programme/",
        "/programmes/test-programme/organisations/",
        "/programmes/test-programme/people/",
        "/programmes/test-programme/schemes/1/people/",
        "/programmes/test-programme/schemes/1/history/",
        "/programmes/test-programme/history/",
    ]
    counts = {}
    for url in pages:
        client.get(url)  # warm the session
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    for number in range(40):
        city = Organisation.objects.create(kind=OrganisationKind.CITY, name=f"City {number}", country="DE")
        scheme = scheme_create(
            programme=personas.programme,
            title=f"S{number}",
            theme="t",
            parties=[(city, Side.MENTEE), (personas.mentor_city, Side.MENTOR)],
        )
        personas.a.title = f"Title {number}"
        personas.a.save()
        ProgrammeRole.objects.create(
            programme=personas.programme,
            user=type(personas.users["outsider"]).objects.create_user(email=f"p{number}@test.example"),
            role="observer",
        )
        del scheme
    for url, before in counts.items():
        with django_assert_max_num_queries(before) as captured:
            assert client.get(url).status_code == 200
        assert len(captured.captured_queries) <= 15, url


def test_lists_and_choices_only_offer_what_the_user_may_see(personas):
    stranger = Organisation.objects.create(kind=OrganisationKind.CITY, name="Faraway City", country="BE")
    personas.other_programme.cities.add(stranger)
    outsider = personas.client("outsider")
    assert outsider.get("/programmes/").context["page_obj"].paginator.count == 0
    coordinator = personas.client("coordinator")
    listing = coordinator.get("/programmes/test-programme/organisations/?q=far").content.decode()
    assert "Faraway City" not in listing
    choices = (
        coordinator.get("/programmes/test-programme/schemes/new/").context["formset"].forms[0].fields["organisation"].queryset
    )
    assert stranger not in choices and personas.mentee_city in choices
    people = (
        coordinator.get("/programmes/test-programme/schemes/2/people/").context["invite_form"].fields["organisation"].queryset
    )
    assert personas.b_mentee in people and personas.mentee_city not in people


def test_the_country_filter_offers_the_countries_of_the_programmes_organisations(personas):
    """Not 250 countries: those of the programme's own organisations, in the reader's
    language and its alphabetical order; another programme's country is not offered."""
    for name, country in (("Ghent", "BE"), ("Dubai", "AE"), ("Cairo", "EG"), ("Quito", "EC"), ("Harare", "ZW")):
        personas.programme.cities.add(Organisation.objects.create(kind=OrganisationKind.CITY, name=name, country=country))
    personas.other_programme.cities.add(Organisation.objects.create(kind=OrganisationKind.CITY, name="Oslo", country="NO"))
    coordinator = personas.client("coordinator")
    offered = (
        coordinator.get("/programmes/test-programme/organisations/", HTTP_ACCEPT_LANGUAGE="fr")
        .context["filter"]
        .form.fields["country"]
        .choices
    )
    names = [name for code, name in offered if code]
    assert "Norvège" not in names and len(names) == len({o.country.code for o in personas.programme.cities.all() if o.country})
    assert names.index("Égypte") < names.index("Émirats arabes unis") < names.index("Équateur") < names.index("Zimbabwe")
    listing = coordinator.get("/programmes/test-programme/organisations/?country=EG").content.decode()
    assert "Cairo" in listing and "Ghent" not in listing


def test_the_rules_page_shows_the_table_in_the_readers_language(personas):
    client = personas.client("mentor")
    page = client.get("/rules/").content.decode()
    assert "Needs analysis: national/regional context (association)" in page
    client.post("/i18n/setlang/", {"language": "fr", "next": "/rules/"})
    page = client.get("/rules/").content.decode()
    assert "Qui peut faire quoi" in page and "Analyse des besoins : sections de la ville mentorée" in page


def test_the_mentee_city_records_its_political_commitment_shown_on_the_scheme(personas):
    client = personas.client("mentee")
    data = {
        "name": "Anna Rossi",
        "office": "Mayor",
        "party": "",
        "date": "2026-03-01",
        "scope": "both",
        "evidence": "Council decision 2026/14",
    }
    refused = client.post("/programmes/test-programme/schemes/1/commitments/new/", data)
    assert refused.status_code == 200 and "Give the party, or tick cross-party." in refused.content.decode()
    data["cross_party"] = "on"
    assert client.post("/programmes/test-programme/schemes/1/commitments/new/", data).status_code == 302
    page = personas.client("observer").get("/programmes/test-programme/schemes/1/").content.decode()
    assert "Anna Rossi" in page and "cross-party" in page and "Council decision 2026/14" in page
    assert "Record a political commitment" not in page  # observers only read
    assert personas.client("mentor").get("/programmes/test-programme/schemes/1/commitments/new/").status_code == 403
