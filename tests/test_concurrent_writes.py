"""Two people saving the same object at the same instant, on PostgreSQL: for every kind of
form that edits an object, each confirmed save ("saved", a redirect) is in the database
afterwards; the other is refused as a conflict (409) with the typed text kept.

The two requests run in two threads, each with its own database connection, and meet at
a barrier once their forms are validated, so both have passed the version check of
``clean`` before either saves: the race the row lock at save time closes. (SQLite writes
one transaction at a time, so the race cannot happen there.)
"""

import pytest

from mentoring.forms import ConcurrentEditMixin
from schemes.management.loadtest.browser import form_with

from .races import client_of, on_postgresql, personas_on_reference_data, race

pytestmark = on_postgresql
ROUNDS = 5


@pytest.fixture
def world(transactional_db, django_user_model):
    """The personas on the reference data (a transactional test starts from an emptied
    database), a second coordinator, and one object of every kind."""
    from benchmarks.editing import draft_create
    from schemes.models import (
        Action,
        AgendaItem,
        GoodPractice,
        LocalSupportGroup,
        LocalSupportGroupMember,
        PoliticalCommitment,
        ProgrammeRole,
        TrainingSession,
    )
    from schemes.services.action_plans import plan_get_or_create

    p = personas_on_reference_data(django_user_model)
    p.users["coordinator2"] = django_user_model.objects.create_user(email="coordinator2@test.example")
    ProgrammeRole.objects.create(programme=p.programme, user=p.users["coordinator2"], role="coordinator")
    p.programme.cities.add(p.mentee_city)
    visit = p.a.visits.get(order=1)
    visit.start_date, visit.end_date, visit.host = "2027-03-10", "2027-03-11", p.mentee_city
    visit.aim, visit.expected_outcome = "Set the scene.", "A first draft of actions."
    visit.save()
    p.objects = {
        "action": Action.objects.create(plan=plan_get_or_create(scheme=p.a), order=1, action="Open a welcome desk"),
        "commitment": PoliticalCommitment.objects.create(
            scheme=p.a, name="Mayor", office="Mayor", cross_party=True, date="2026-03-01", scope="both"
        ),
        "visit": visit,
        "session": AgendaItem.objects.create(
            visit=visit, day="2027-03-10", start_time="09:00", end_time="10:00", session_type="recap", title="Recap"
        ),
        "member": LocalSupportGroupMember.objects.create(
            group=LocalSupportGroup.objects.create(scheme=p.a, city=p.mentee_city),
            name="Member",
            organisation="NGO",
            stakeholder_type="ngo",
        ),
        "practice": GoodPractice.objects.create(
            programme=p.programme, city=p.mentee_city, title="Welcome desk", theme="Reception"
        ),
        "draft": draft_create(programme=p.programme, slug="race-draft", theme="Reception", title="Welcoming"),
        "training": TrainingSession.objects.create(programme=p.programme, title="Kick-off", date="2026-02-01"),
    }
    p.objects["key factor"] = p.objects["draft"].key_factors.create(number="1", title="One desk", order=1)
    return p


SCHEME = "/programmes/test-programme/schemes/1/"
# kind: (the address of its form, two people, the field each changes, how to read it back)
CASES = {
    "programme": (
        lambda p: "/programmes/test-programme/edit/",
        ("coordinator", "coordinator2"),
        ("description", "funding"),
        lambda p: p.programme,
    ),
    "organisation": (
        lambda p: f"/programmes/test-programme/organisations/{p.mentee_city.pk}/edit/",
        ("coordinator", "coordinator2"),
        ("description", "main_nationalities"),
        lambda p: p.mentee_city,
    ),
    "scheme": (lambda p: SCHEME + "edit/", ("coordinator", "coordinator2"), ("summary", "theme"), lambda p: p.a),
    "commitment": (
        lambda p: SCHEME + f"commitments/{p.objects['commitment'].pk}/edit/",
        ("mentee", "facilitator"),
        ("office", "evidence"),
        lambda p: p.objects["commitment"],
    ),
    "action": (
        lambda p: SCHEME + f"action-plan/actions/{p.objects['action'].pk}/",
        ("mentee", "facilitator"),
        ("outcomes", "resources"),
        lambda p: p.objects["action"],
    ),
    "visit": (
        lambda p: SCHEME + "visits/1/edit/",
        ("facilitator", "coordinator"),
        ("aim", "location"),
        lambda p: p.objects["visit"],
    ),
    "session": (
        lambda p: SCHEME + f"visits/1/sessions/{p.objects['session'].pk}/",
        ("facilitator", "coordinator"),
        ("title", "place"),
        lambda p: p.objects["session"],
    ),
    "member": (
        lambda p: SCHEME + f"support-groups/{p.mentee_city.pk}/members/{p.objects['member'].pk}/edit/",
        ("mentee", "facilitator"),
        ("role", "organisation"),
        lambda p: p.objects["member"],
    ),
    "practice": (
        lambda p: f"/programmes/test-programme/good-practices/{p.objects['practice'].pk}/edit/",
        ("mentee", "facilitator"),
        ("description", "results"),
        lambda p: p.objects["practice"],
    ),
    "benchmark draft": (
        lambda p: f"/programmes/test-programme/benchmarks/{p.objects['draft'].pk}/edit/",
        ("coordinator", "coordinator2"),
        ("rationale", "notes_on_terms"),
        lambda p: p.objects["draft"],
    ),
    "key factor": (
        lambda p: f"/programmes/test-programme/benchmarks/{p.objects['draft'].pk}/key-factors/{p.objects['key factor'].pk}/",
        ("coordinator", "coordinator2"),
        ("statement", "rationale"),
        lambda p: p.objects["key factor"],
    ),
    "visit record": (
        lambda p: SCHEME + "visits/1/record/",
        ("facilitator", "coordinator"),
        ("notes", "outcomes"),
        lambda p: p.objects["visit"],
    ),
    "training": (
        lambda p: f"/programmes/test-programme/training/{p.objects['training'].pk}/edit/",
        ("coordinator", "coordinator2"),
        ("title", "agenda"),
        lambda p: p.objects["training"],
    ),
}


@pytest.mark.parametrize("kind", CASES)
def test_two_people_saving_one_object_at_once_lose_no_confirmed_write(world, monkeypatch, kind):
    p = world
    address, people, fields, target = CASES[kind]
    url = address(p)
    clients = [client_of(p, key) for key in people]
    lost, saved, refused = [], 0, 0
    for number in range(ROUNDS):
        posts, wanted = [], []
        for client, field in zip(clients, fields, strict=True):
            page = client.get(url)
            assert page.status_code == 200, (kind, page.status_code)
            form = form_with(page.content.decode(), field)
            value = f"Round {number}: {field} by {people[len(posts)]}"
            data = {}
            for name, old in form["fields"]:
                data.setdefault(name, []).append(value if name == field else old)
            posts.append((client, url, data))
            wanted.append((field, value))
        responses = race(monkeypatch, ConcurrentEditMixin, posts)
        obj = target(p)
        obj.refresh_from_db()
        for response, (field, value) in zip(responses, wanted, strict=True):
            assert response.status_code in (302, 409), (kind, response.status_code)
            if response.status_code == 302:
                saved += 1
                if getattr(obj, field) != value:
                    lost.append((number, field))
            else:
                refused += 1
                assert value in response.content.decode(), "the refused writer's text is kept on the page"
    print(f"{kind}: {ROUNDS} rounds, {saved} saves confirmed, {refused} refused as conflicts, {len(lost)} confirmed writes lost")
    assert lost == [], f"{kind}: confirmed writes lost in rounds {lost}"
    assert saved >= ROUNDS  # one of the two always goes through
