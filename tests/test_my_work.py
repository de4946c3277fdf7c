"""The home page lists what is waiting for each person, with links, and stops listing it
once it is done."""

import datetime

from django.utils import timezone

from schemes.models import AgendaItem, Response, ResponseStatus, SelfAssessment, Side
from schemes.services.action_plans import plan_get_or_create
from schemes.services.filling import template_for
from schemes.services.schemes import scheme_create


def waiting(client):
    return [(task.text, task.url) for task in client.get("/").context["tasks"]]


def test_each_person_sees_what_waits_for_them_and_it_goes_once_done(personas):
    p = personas
    scheme = "/programmes/test-programme/schemes/1/"
    mentee = waiting(p.client("mentee"))
    assert ("Fill and submit the needs analysis of Menteeville", f"{scheme}needs-analysis/{p.mentee_city.pk}/") in mentee
    assert ("Assess Menteeville against the benchmark and submit", f"{scheme}self-assessment/{p.mentee_city.pk}/") in mentee
    assert ("Fill and submit the strengths and experience of Mentorburg", f"{scheme}strengths/{p.mentor_city.pk}/") in waiting(
        p.client("mentor")
    )
    assert (
        "Fill the national and regional context in the needs analysis of Menteeville",
        f"{scheme}needs-analysis/{p.mentee_city.pk}/",
    ) in waiting(p.client("association"))

    # Submitted documents, an agreed scope: gone from the list.
    Response.objects.create(
        scheme=p.a,
        template=template_for(p.programme, "needs_analysis"),
        organisation=p.mentee_city,
        status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    SelfAssessment.objects.create(scheme=p.a, city=p.mentee_city, benchmark=p.a.benchmark, submitted_at=timezone.now())
    p.a.focus_key_factors.add(p.a.benchmark.key_factors.first())
    texts = [text for text, _url in waiting(p.client("mentee"))]
    assert "Fill and submit the needs analysis of Menteeville" not in texts
    assert "Assess Menteeville against the benchmark and submit" not in texts
    assert "Agree the focus key factors for your side" in texts
    assert "Fill the national and regional context in the needs analysis of Menteeville" not in [
        t for t, _u in waiting(p.client("association"))
    ]

    # A submitted plan waits for the mentee city's approval.
    plan = plan_get_or_create(scheme=p.a)
    plan.status = "submitted"
    plan.save()
    assert ("Record the approval of the action plan", f"{scheme}action-plan/") in waiting(p.client("mentee"))
    assert "Record the approval of the action plan" not in [t for t, _u in waiting(p.client("mentor"))]

    # The facilitator: a visit in three weeks without an agenda, then one to confirm.
    visit = p.a.visits.get(order=1)
    visit.start_date = visit.end_date = timezone.localdate() + datetime.timedelta(days=21)
    visit.save()
    assert ("Build the agenda of Visit 1: Setting the scene", f"{scheme}visits/1/") in waiting(p.client("facilitator"))
    AgendaItem.objects.create(
        visit=visit, day=visit.start_date, start_time="09:00", end_time="10:00", session_type="recap", title="Recap"
    )
    assert ("Confirm Visit 1: Setting the scene", f"{scheme}visits/1/") in waiting(p.client("facilitator"))
    # Nothing of scheme A for someone of scheme B; nothing at all for an outsider.
    assert all("/schemes/1/" not in url for _text, url in waiting(p.client("b_mentee")))
    assert waiting(p.client("outsider")) == []
    assert "Nothing is waiting for you." in p.client("outsider").get("/").content.decode()


def test_a_coordinator_is_asked_to_find_mentors(personas):
    from schemes.models import Organisation

    newtown = Organisation.objects.create(kind="city", name="Newtown", country="BE")
    scheme_create(programme=personas.programme, title="Newtown prepares", theme="x", parties=[(newtown, Side.MENTEE)])
    assert ("Pair Newtown with its mentor city", f"/programmes/test-programme/matching/{newtown.pk}/") in waiting(
        personas.client("coordinator")
    )
    assert "Pair Newtown with its mentor city" not in [t for t, _u in waiting(personas.client("facilitator"))]


def test_the_list_costs_the_same_for_one_scheme_or_twenty(personas, django_assert_max_num_queries):
    from schemes.models import Organisation, SchemeRole

    mentee = personas.client("mentee")
    # The home page: the programmes and schemes (3), and the person's roles, documents,
    # rounds, plans, scopes, mentee cities and mentees to pair (8), plus the session's.
    with django_assert_max_num_queries(20) as first:
        mentee.get("/")
    for n in range(20):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="BE")
        scheme = scheme_create(
            programme=personas.programme,
            title=f"S{n}",
            theme="x",
            benchmark=personas.a.benchmark,
            parties=[(city, Side.MENTEE), (personas.mentor_city, Side.MENTOR)],
        )
        party = scheme.parties.get(organisation=city)
        SchemeRole.objects.create(scheme=scheme, user=personas.users["mentee"], role="mentee", party=party)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(mentee.get("/").context["tasks"]) >= 40
