"""Every write is checked against the organisation the person acts for, not only their
side: in a scheme of two mentee cities and two mentor cities, each with its association,
an officer writes the documents of their own city (or association) and reads the others.

Each test walks every document kind for every actor: the owner's write lands, the
neighbour's (same side, another city) is refused with a 403 and changes nothing.
"""

import pytest
from django.test import Client

from schemes.models import (
    Answer,
    KeyFactorAssessment,
    LocalSupportGroupMember,
    Organisation,
    OrganisationKind,
    Response,
    ResponseStatus,
    SchemeRole,
    SelfAssessment,
    Side,
)
from schemes.services.action_plans import plan_get_or_create, plan_submit
from schemes.services.schemes import scheme_create

from .test_questionnaires import form_data as section_data
from .test_self_assessment import form_data as assessment_data


class Network:
    """Scheme 3 of the personas' programme: mentee cities Capaci (IT, member of ANCI) and
    Levadia (GR, member of KEDE), mentor cities Mechelen (BE, member of VVSG) and Lyon
    (FR); one officer for each, and the personas' facilitator."""

    def __init__(self, personas, django_user_model):
        from benchmarks.models import BenchmarkVersion

        def org(kind, name, country):
            return Organisation.objects.create(kind=kind, name=name, country=country)

        city, association = OrganisationKind.CITY, OrganisationKind.ASSOCIATION
        self.orgs = {
            "capaci": org(city, "Capaci", "IT"),
            "levadia": org(city, "Levadia", "GR"),
            "anci": org(association, "ANCI", "IT"),
            "kede": org(association, "KEDE", "GR"),
            "mechelen": org(city, "Mechelen", "BE"),
            "lyon": org(city, "Lyon", "FR"),
            "vvsg": org(association, "VVSG", "BE"),
        }
        o = self.orgs
        o["capaci"].member_of.add(o["anci"])
        o["levadia"].member_of.add(o["kede"])
        o["mechelen"].member_of.add(o["vvsg"])
        self.scheme = scheme_create(
            programme=personas.programme,
            title="Two and two",
            theme="Welcoming newcomers",
            benchmark=BenchmarkVersion.objects.get(benchmark__slug="inclucities-general"),
            parties=[
                (o["capaci"], Side.MENTEE),
                (o["levadia"], Side.MENTEE),
                (o["anci"], Side.MENTEE),
                (o["kede"], Side.MENTEE),
                (o["mechelen"], Side.MENTOR),
                (o["lyon"], Side.MENTOR),
                (o["vvsg"], Side.MENTOR),
            ],
        )
        parties = {party.organisation_id: party for party in self.scheme.parties.all()}
        self.users = {}
        for key, role in [
            ("capaci", "mentee"),
            ("levadia", "mentee"),
            ("anci", "association"),
            ("kede", "association"),
            ("mechelen", "mentor"),
            ("lyon", "mentor"),
            ("vvsg", "association"),
        ]:
            user = django_user_model.objects.create_user(email=f"{key}@officer.example", password="a-long-test-password-1")
            SchemeRole.objects.create(scheme=self.scheme, user=user, role=role, party=parties[o[key].pk])
            self.users[key] = user
        self.users["facilitator"] = personas.users["facilitator"]
        SchemeRole.objects.create(scheme=self.scheme, user=self.users["facilitator"], role="facilitator")
        self.base = f"/programmes/{personas.programme.slug}/schemes/{self.scheme.number}/"

    def client(self, key):
        client = Client()
        client.force_login(self.users[key])
        return client

    def url(self, path, city):
        return self.base + path.format(city=self.orgs[city].pk)


@pytest.fixture
def net(personas, django_user_model):
    return Network(personas, django_user_model)


def answers_of(net, city):
    return dict(
        Answer.objects.filter(response__scheme=net.scheme, response__organisation=net.orgs[city]).values_list(
            "question__key", "text"
        )
    )


# Sections: (url, section, the question key written, who owns it, who is refused)
SECTIONS = [
    ("needs-analysis/{city}/", "mentee-needs", "capaci", "capaci", ["levadia", "anci", "mechelen", "vvsg"]),
    ("needs-analysis/{city}/", "national-context", "capaci", "anci", ["kede", "vvsg", "capaci", "levadia"]),
    ("needs-analysis/{city}/", "national-context", "levadia", "kede", ["anci", "vvsg"]),
    ("strengths/{city}/", "mentor-strengths", "mechelen", "mechelen", ["lyon", "vvsg", "capaci"]),
]


@pytest.mark.parametrize("path, section, city, owner, refused", SECTIONS)
def test_a_section_is_written_only_by_those_acting_for_its_city(net, path, section, city, owner, refused):
    url = net.url(path, city) + f"sections/{section}/"
    owner_client = net.client(owner)
    first_key = owner_client.get(url).context["form"].questions[0].key
    for key in refused:
        client = net.client(key)
        page = client.get(url)
        assert page.status_code == 200  # everyone of the scheme reads it
        assert "Save draft" not in page.content.decode(), key
        data = section_data(owner_client, url, **{first_key: f"Written by {key}."})
        assert client.post(url, data).status_code == 403, key
    assert answers_of(net, city) == {}  # nothing written by anyone refused
    assert owner_client.post(url, section_data(owner_client, url, **{first_key: "Written by its owner."})).status_code == 302
    assert answers_of(net, city) == {first_key: "Written by its owner."}
    facilitator = net.client("facilitator")
    assert facilitator.post(url, section_data(facilitator, url, **{first_key: "Helped."})).status_code == 302


@pytest.mark.parametrize(
    "path, city, owner, neighbour",
    [
        ("needs-analysis/{city}/", "levadia", "levadia", "capaci"),
        ("strengths/{city}/", "lyon", "lyon", "mechelen"),
    ],
)
def test_submit_and_reopen_are_the_citys_own(net, path, city, owner, neighbour):
    base = net.url(path, city)
    owner_client = net.client(owner)
    # The facilitator helps answer every question, then the neighbour tries to submit.
    facilitator = net.client("facilitator")
    for section in facilitator.get(base).context["filling"].sections:
        url = base + f"sections/{section.key}/"
        form = facilitator.get(url).context["form"]
        data = section_data(facilitator, url, **{q.key: "1" if q.is_numeric else "An answer." for q in form.questions})
        assert facilitator.post(url, data).status_code == 302
    response = Response.objects.get(scheme=net.scheme, organisation=net.orgs[city])
    assert net.client(neighbour).post(base + "submit/", {"confirmed": "1"}).status_code == 403
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    assert net.client(neighbour).get(base).context["can_submit"] is False
    assert owner_client.get(base).context["can_submit"] is True
    assert owner_client.post(base + "submit/", {"confirmed": "1"}).status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert net.client(neighbour).post(base + "reopen/").status_code == 403
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert owner_client.post(base + "reopen/").status_code == 302


@pytest.mark.parametrize(
    "city, owner, neighbours",
    [
        ("levadia", "levadia", ["capaci", "kede", "mechelen"]),
        ("lyon", "lyon", ["mechelen", "vvsg", "levadia"]),
    ],
)
def test_a_self_assessment_is_rated_submitted_and_restarted_only_for_ones_own_city(net, city, owner, neighbours):
    url = net.url("self-assessment/{city}/", city)
    owner_client = net.client(owner)
    for key in neighbours:
        client = net.client(key)
        assert client.post(url, assessment_data(owner_client, url, level_1="0", level_2="0")).status_code == 403, key
    assert not KeyFactorAssessment.objects.filter(assessment__city=net.orgs[city]).exists()
    assert owner_client.post(url, assessment_data(owner_client, url, level_1="3")).status_code == 302
    for key in neighbours:
        assert net.client(key).post(url + "submit/", {"confirmed": "1"}).status_code == 403, key
    assessment = SelfAssessment.objects.get(scheme=net.scheme, city=net.orgs[city])
    assert assessment.submitted_at is None
    assert "submit/" not in net.client(neighbours[0]).get(url).content.decode()
    assert owner_client.post(url + "submit/", {"confirmed": "1"}).status_code == 302
    for key in neighbours:
        assert net.client(key).post(url + "new-round/").status_code == 403, key
    assert SelfAssessment.objects.filter(scheme=net.scheme, city=net.orgs[city]).count() == 1


def member(name):
    return {"name": name, "organisation": "NGO", "stakeholder_type": "ngo", "role": "Advises", "email": "", "phone": ""}


@pytest.mark.parametrize(
    "city, owner, neighbours",
    [
        ("levadia", "levadia", ["capaci", "anci", "mechelen"]),
        ("lyon", "lyon", ["mechelen", "levadia"]),
    ],
)
def test_a_local_support_group_is_built_only_by_its_citys_officers(net, city, owner, neighbours):
    url = net.url("support-groups/{city}/", city)
    for key in neighbours:
        assert net.client(key).post(url, member(f"Added by {key}")).status_code == 403, key
    assert not LocalSupportGroupMember.objects.filter(group__city=net.orgs[city]).exists()
    assert net.client(owner).post(url, member("Added by the owner")).status_code == 302
    added = LocalSupportGroupMember.objects.get(group__city=net.orgs[city])
    for key in neighbours:
        client = net.client(key)
        assert client.post(url + f"members/{added.pk}/edit/", member("Renamed")).status_code == 403, key
        assert client.post(url + f"members/{added.pk}/delete/", {"confirmed": "1"}).status_code == 403, key
    added.refresh_from_db()
    assert added.name == "Added by the owner"


def test_only_an_officer_of_a_mentee_city_submits_and_approves_the_plan(net, personas):
    plan = plan_get_or_create(scheme=net.scheme)
    plan.actions.create(order=1, action="Open a welcome desk")
    url = net.base + "action-plan/"
    for key in ("anci", "mechelen", "vvsg", "facilitator"):
        assert net.client(key).post(url + "submit/", {"confirmed": "1"}).status_code == 403, key
    plan_submit(plan=plan, user=net.users["capaci"])
    for key in ("anci", "kede", "mechelen", "lyon", "facilitator"):
        assert (
            net.client(key).post(url + "approve/", {"confirmed": "1", "decision_reference": "Council 12"}).status_code == 403
        ), key
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.approved_by is None
    page = net.client("facilitator").get(url).content.decode()
    assert "Record the approval" not in page
    assert net.client("levadia").post(url + "approve/", {"confirmed": "1", "decision_reference": "Council 12"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == net.users["levadia"]


def test_a_role_without_a_party_writes_no_citys_documents(net, django_user_model):
    """A city officer's role recorded without the city it acts for (before parties were
    checked, and ambiguous) reads the scheme but writes for no city."""
    loose = django_user_model.objects.create_user(email="loose@officer.example")
    SchemeRole.objects.create(scheme=net.scheme, user=loose, role="mentee")
    client = Client()
    client.force_login(loose)
    url = net.url("support-groups/{city}/", "capaci")
    assert client.get(url).status_code == 200
    assert client.post(url, member("Loose")).status_code == 403
