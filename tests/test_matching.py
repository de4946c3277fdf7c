"""Matching mentors with mentees on the demo data (ImpleMentoring, theme B): ranked
candidates with a score explained term by term, and pairing from there."""

import pytest
from django.test import Client

from mentoring.models import User
from schemes.models import Organisation, Programme, ProgrammeRole, SchemeParty, Side
from schemes.services.demo import demo_load
from schemes.services.matching import candidates_for, mentees

MATCHING = "/programmes/implementoring/matching/"


def coordinator_of(programme, email):
    """A signed-in coordinator (demo accounts sign in only with DEBUG on)."""
    user = User.objects.create_user(email=email, password="a-long-test-password-1")
    ProgrammeRole.objects.create(programme=programme, user=user, role="coordinator")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo(db):
    demo_load()
    programme = Programme.objects.get(slug="implementoring")
    return programme, coordinator_of(programme, "eurocities@test.example")


def city(name):
    return Organisation.objects.get(kind="city", name=name)


def test_the_obvious_mentor_is_not_the_best_one(demo):
    programme, client = demo
    lublin = city("Lublin")
    page = client.get(f"{MATCHING}{lublin.pk}/")
    assert page.status_code == 200
    ranked = page.context["matching"].candidates
    by_name = {c.city.name: c for c in ranked}
    malmo, amsterdam, rotterdam = by_name["Malmö"], by_name["Amsterdam"], by_name["Rotterdam"]

    # Malmö is the obvious pair: the closest profile and the highest levels overall...
    assert malmo.profile_points == max(c.profile_points for c in ranked)
    assert malmo.facts.average_level == max(c.facts.average_level or 0 for c in ranked)
    # ...but Amsterdam is strong where Lublin is weak (key factors 3 and 4, its focus).
    assert [c.city.name for c in ranked[:3]] == ["Amsterdam", "Malmö", "Rotterdam"]
    assert amsterdam.needs_points > malmo.needs_points
    staff = next(t for t in amsterdam.needs if t.number == "4")
    assert (staff.mentee_level, staff.weight, staff.gap, staff.strength, staff.points) == (0, 2, 1.0, 1.0, 2.0)
    assert "Fully in place" in staff.strength_reason
    # Rotterdam covers Lublin's needs best, but already mentors two schemes.
    assert rotterdam.needs_points == max(c.needs_points for c in ranked)
    assert rotterdam.availability.points == 0 and "already mentors 2 schemes" in rotterdam.availability.reason
    # The score is the sum of its terms, shown on the page.
    assert amsterdam.score == pytest.approx(
        amsterdam.needs_points + sum(t.points for t in amsterdam.profile) + amsterdam.availability.points, abs=0.05
    )
    content = page.content.decode()
    assert "How the score is computed" in content and "Diversity training for every front-desk officer" in content
    assert content.index("Amsterdam") < content.index("Malmö")

    # Riga's gaps are elsewhere (key factors 1, 2 and 7): there Malmö ranks first.
    riga = candidates_for(programme, city("Riga"), lublin.self_assessments.get().benchmark).candidates
    assert riga[0].city.name == "Malmö"


def test_a_good_practice_counts_as_strength_where_the_self_assessment_is_low(demo):
    programme, _client = demo
    lublin = city("Lublin")
    ghent = next(
        c for c in candidates_for(programme, lublin, lublin.self_assessments.get().benchmark).candidates if c.city.name == "Ghent"
    )
    staff = next(t for t in ghent.needs if t.number == "4")
    assert staff.strength == 0.75 and "Diversity training" in staff.strength_reason
    population = next(t for t in ghent.profile if t.label == "Multi-level governance")
    assert population.points == 0 and "Federal state" in population.reason


def test_pairing_completes_the_preparation_scheme_and_the_mentor_hosts_its_visit(demo):
    programme, client = demo
    lublin, amsterdam = city("Lublin"), city("Amsterdam")
    scheme = lublin.scheme_parties.get().scheme
    assert (lublin, scheme) in mentees(programme)
    response = client.post(f"{MATCHING}{lublin.pk}/pair/", {"mentor": amsterdam.pk})
    assert response["Location"] == scheme.get_absolute_url()
    assert SchemeParty.objects.filter(scheme=scheme, organisation=amsterdam, side=Side.MENTOR).exists()
    assert [v.host.name for v in scheme.visits.order_by("order")] == ["Lublin", "Amsterdam", "Lublin"]
    # Lublin's documents stay in its scheme; it no longer waits for a mentor.
    assert scheme.self_assessments.filter(city=lublin).exists()
    assert lublin not in [c for c, _s in mentees(programme)]
    assert client.get(f"{MATCHING}{lublin.pk}/").status_code == 404


def test_pairing_a_city_without_a_scheme_creates_the_scheme(demo):
    programme, client = demo
    athens, ghent = city("Athens"), city("Ghent")
    assert (athens, None) in mentees(programme)
    page = client.get(f"{MATCHING}{athens.pk}/")
    assert "has not assessed itself" in page.content.decode()
    benchmark = programme.benchmarks.get(benchmark__slug="implementoring-theme-a")
    client.post(f"{MATCHING}{athens.pk}/pair/", {"mentor": ghent.pk, "benchmark": benchmark.pk})
    scheme = athens.scheme_parties.get().scheme
    assert scheme.title == "Athens – Ghent" and scheme.benchmark == benchmark
    assert {(p.organisation.name, p.side) for p in scheme.parties.all()} == {("Athens", "mentee"), ("Ghent", "mentor")}


def test_bad_pairing_requests_change_nothing(demo):
    programme, client = demo
    lublin = city("Lublin")
    outsider = Organisation.objects.create(kind="city", name="Nowhere", country="FR")
    before = SchemeParty.objects.count()
    for mentor in ["", "abc", str(outsider.pk), str(lublin.pk), "999999"]:
        response = client.post(f"{MATCHING}{lublin.pk}/pair/", {"mentor": mentor}, follow=True)
        assert "Choose one of the candidate cities" in response.content.decode(), mentor
    # A city that waits for nothing (a mentor candidate) is not a mentee here.
    assert client.get(f"{MATCHING}{city('Malmö').pk}/").status_code == 404
    assert client.post(f"{MATCHING}{outsider.pk}/pair/", {"mentor": city("Malmö").pk}).status_code == 404
    assert SchemeParty.objects.count() == before


def test_only_coordinators_match(demo, personas):
    # IncluCities' coordinator has no role in ImpleMentoring: the page does not exist for them.
    client = coordinator_of(Programme.objects.get(slug="inclucities"), "cemr@test.example")
    assert client.get(MATCHING).status_code == 404
    # A facilitator of the personas' programme sees it exists but may not match.
    assert personas.client("facilitator").get("/programmes/test-programme/matching/").status_code == 403
    assert personas.client("coordinator").get("/programmes/test-programme/matching/").status_code == 200


def test_matching_page_keeps_its_query_count_as_the_programme_grows(demo, django_assert_max_num_queries):
    from schemes.services.schemes import scheme_create

    programme, client = demo
    lublin = city("Lublin")
    url = f"{MATCHING}{lublin.pk}/"
    with django_assert_max_num_queries(20) as first:  # 4 of them for the session
        client.get(url)
    benchmark = lublin.self_assessments.get().benchmark
    for n in range(20):
        extra = Organisation.objects.create(kind="city", name=f"Extra {n}", country="DE", population=100_000 + n)
        programme.cities.add(extra)
        scheme_create(programme=programme, title=f"Extra {n}", theme="x", benchmark=benchmark, parties=[(extra, Side.MENTOR)])
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert (
            len(client.get(url).context["matching"].candidates) == 13 + 20
        )  # fifteen cities less Lublin and Riga (waiting for a mentor), and the new ones
