"""Shortcuts to each person's main task on the home page (issue 26): the facilitator's
agenda PDF of the next visit, the coordinator's new scheme; only what the person may do,
in a fixed number of queries."""

from schemes.models import ProgrammeRole, Side, VisitStatus
from schemes.services.schemes import scheme_create


def shortcuts(client):
    page = client.get("/").content.decode()
    start, end = page.find("<!-- Shortcuts to main tasks -->"), page.find("<!-- /Shortcuts to main tasks -->")
    return page[start:end]


def test_the_facilitator_gets_the_agenda_of_the_next_visit_dated_or_not(personas):
    block = shortcuts(personas.client("facilitator"))
    assert "Agenda (PDF) of Visit 1: Setting the scene" in block
    assert 'href="/programmes/test-programme/schemes/1/visits/1/agenda.pdf"' in block
    assert personas.client("facilitator").get("/programmes/test-programme/schemes/1/visits/1/agenda.pdf").status_code == 200
    # Once visit 1 is held, the next one.
    visit = personas.a.visits.get(order=1)
    visit.status = VisitStatus.HELD
    visit.save()
    block = shortcuts(personas.client("facilitator"))
    assert "Agenda (PDF) of Visit 2" in block and "visits/1/agenda.pdf" not in block


def test_the_coordinator_gets_a_new_scheme_in_each_programme_they_coordinate(personas):
    block = shortcuts(personas.client("coordinator"))
    assert "New scheme in Test Programme" in block
    assert 'href="/programmes/test-programme/schemes/new/"' in block
    assert "Other Programme" not in block
    personas.programme.archived = True
    personas.programme.save()
    assert "New scheme" not in shortcuts(personas.client("coordinator"))


def test_people_without_these_tasks_get_no_shortcut(personas):
    for role in ("mentee", "mentor", "association", "observer"):
        block = shortcuts(personas.client(role))
        assert "Agenda (PDF)" not in block and "New scheme" not in block, role


def test_the_shortcuts_cost_the_same_for_one_scheme_or_twenty(personas, django_assert_max_num_queries):
    from schemes.models import Organisation, SchemeRole

    facilitator = personas.client("facilitator")
    ProgrammeRole.objects.create(programme=personas.programme, user=personas.users["facilitator"], role="coordinator")
    facilitator.get("/")
    with django_assert_max_num_queries(40) as small:
        facilitator.get("/")
    for n in range(20):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="BE")
        scheme = scheme_create(
            programme=personas.programme,
            title=f"S{n}",
            theme="x",
            parties=[(city, Side.MENTEE), (personas.mentor_city, Side.MENTOR)],
        )
        SchemeRole.objects.create(scheme=scheme, user=personas.users["facilitator"], role="facilitator")
    with django_assert_max_num_queries(len(small.captured_queries)):
        block = shortcuts(facilitator)
    assert block.count("Agenda (PDF) of Visit 1") == 21
