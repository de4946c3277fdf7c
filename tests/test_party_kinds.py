"""Who may be a party, and who coordinates (issue 23): a municipal association coordinates a
programme, and sits on both sides of a scheme between two of its members ("City
associations are ideal to broker mentoring arrangements between members", seed 000), each
side's officer with that side's rights; service providers and civil-society organisations
are parties ("It can even be used for mutual development between external service
providers to cities, or between civil society organisations in the city", seed 002),
whose officers read and comment, and never write a city's documents."""

import subprocess

import pytest
from django.core import mail

from schemes.models import (
    Comment,
    Invitation,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeRole,
    Scheme,
    SchemeParty,
    SchemeRole,
    Side,
)
from tests.test_accounts import invite
from tests.test_setup import programme_data, scheme_data

SCHEME = "/programmes/test-programme/schemes/1/"
NEEDS = SCHEME + "needs-analysis/{city}/sections/{section}/"
STRENGTHS = SCHEME + "strengths/{city}/sections/mentor-strengths/"


def pdf_text(content):
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def section_data(client, url, **answers):
    """The section form as the browser sends it, with ``answers`` by question key."""
    form = client.get(url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    keys = {question.key: question.pk for question in form.questions}
    for key, value in answers.items():
        data[f"q{keys[key]}"] = value
    return data


def officer(personas, email, role, party):
    user = type(personas.users["outsider"]).objects.create_user(
        email=email, password="a-long-test-password-1", first_name=email.split("@")[0].title(), last_name="Officer"
    )
    SchemeRole.objects.create(scheme=personas.a, user=user, role=role, party=party)
    client = personas.client("anonymous")
    client.force_login(user)
    return user, client


@pytest.fixture
def broker(personas):
    """Scheme A with the Association of Menteeland on both sides, both cities its members;
    the "association" persona acts for its mentee-side party, a second officer for the
    mentor-side one. The mentor side's own association has left the scheme."""
    p = personas
    association = p.mentee_association
    p.mentee_city.member_of.add(association)
    p.mentor_city.member_of.add(association)
    p.a.parties.filter(organisation=p.mentor_association).delete()
    mentor_side = SchemeParty.objects.create(scheme=p.a, organisation=association, side=Side.MENTOR, order=5)
    user, client = officer(p, "broker.mentor@test.example", "association", mentor_side)
    return {"party": mentor_side, "user": user, "client": client}


@pytest.fixture
def provider(personas):
    """A service provider on scheme A's mentee side, registered in the programme, with an
    officer in the partner role."""
    organisation = Organisation.objects.create(kind=OrganisationKind.SERVICE_PROVIDER, name="Welcome Services", country="BE")
    personas.programme.cities.add(organisation)
    party = SchemeParty.objects.create(scheme=personas.a, organisation=organisation, side=Side.MENTEE, order=7)
    user, client = officer(personas, "partner@test.example", "partner", party)
    return {"organisation": organisation, "party": party, "user": user, "client": client}


# 1. An association coordinates a programme.


def test_a_coordinator_creates_a_programme_coordinated_by_an_association(personas):
    client = personas.client("coordinator")
    form = client.get("/programmes/new/").context["form"]
    offered = set(form.fields["coordinating_body"].queryset.values_list("name", flat=True))
    assert {"Test Network", "Association of Menteeland", "Association of Mentorland"} <= offered
    data = programme_data(coordinating_body=personas.mentee_association.pk)
    assert client.post("/programmes/new/", data).status_code == 302
    programme = Programme.objects.get(slug="welcoming-2027")
    assert programme.coordinating_body == personas.mentee_association
    # The creator is its coordinator, as for a network's programme: roles are per person.
    assert ProgrammeRole.objects.filter(programme=programme, user=personas.users["coordinator"], role="coordinator").exists()
    page = client.get("/programmes/welcoming-2027/").content.decode()
    assert "Coordinating body" in page and "Association of Menteeland" in page
    assert "Association of Menteeland" in client.get("/programmes/").content.decode()


def test_a_new_coordinating_association_is_registered_with_the_programme(personas):
    client = personas.client("coordinator")
    data = programme_data(
        coordinating_body="", new_coordinating_body="Union of Walloon Cities", new_coordinating_body_kind="association"
    )
    assert client.post("/programmes/new/", data).status_code == 302
    body = Programme.objects.get(slug="welcoming-2027").coordinating_body
    assert (body.name, body.kind) == ("Union of Walloon Cities", OrganisationKind.ASSOCIATION)
    # Without a kind, a new body is a network, as before.
    data = programme_data(slug="welcoming-2028", coordinating_body="", new_coordinating_body="Cities Network")
    assert client.post("/programmes/new/", data).status_code == 302
    assert Programme.objects.get(slug="welcoming-2028").coordinating_body.kind == OrganisationKind.NETWORK


def test_a_city_or_a_facilitator_organisation_cannot_coordinate_a_programme(personas):
    client = personas.client("coordinator")
    facilitators = Organisation.objects.create(kind=OrganisationKind.FACILITATOR, name="Helpers Ltd")
    for body in (personas.mentee_city, facilitators):
        response = client.post("/programmes/new/", programme_data(coordinating_body=body.pk))
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Programme.objects.filter(slug="welcoming-2027").exists()


def test_the_closing_report_pdf_names_the_coordinating_association(personas):
    programme = personas.programme
    programme.coordinating_body = personas.mentor_association
    programme.save()
    response = personas.client("coordinator").get(SCHEME + "closing/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Coordinated by Association of Mentorland" in " ".join(pdf_text(response.content).split())
    home = personas.client("mentee").get("/").content.decode()
    assert "Coordinated by Association of Mentorland" in home


# 2. The same association on both sides of a scheme between its members.


def test_a_scheme_is_created_with_the_association_on_both_sides(personas):
    client = personas.client("coordinator")
    p = personas
    parties = [
        (p.mentee_city, Side.MENTEE),
        (p.mentee_association, Side.MENTEE),
        (p.mentor_city, Side.MENTOR),
        (p.mentee_association, Side.MENTOR),
    ]
    assert client.post("/programmes/test-programme/schemes/new/", scheme_data(parties)).status_code == 302
    scheme = Scheme.objects.get(title="Welcoming newcomers in Leuven")
    assert sorted(scheme.parties.filter(organisation=p.mentee_association).values_list("side", flat=True)) == [
        "mentee",
        "mentor",
    ]
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "Mentee side</span> – Association of Menteeland" in page
    assert "Mentor side</span> – Association of Menteeland" in page
    # The programme's list of schemes shows it in both columns.
    row = client.get("/programmes/test-programme/").content.decode().split("Welcoming newcomers in Leuven")[1].split("</tr>")[0]
    assert row.count("Association of Menteeland") == 2


def test_the_parties_page_adds_the_association_to_the_other_side_and_keeps_its_people(personas):
    client = personas.client("coordinator")
    p = personas
    parties = [
        (p.mentee_city, Side.MENTEE),
        (p.mentee_association, Side.MENTEE),
        (p.mentor_city, Side.MENTOR),
        (p.mentor_association, Side.MENTOR),
        (p.mentee_association, Side.MENTOR),
    ]
    data = {key.replace("scheme-", ""): value for key, value in scheme_data(parties).items() if key.startswith("parties")}
    response = client.post(SCHEME + "parties/", data)
    assert response.status_code == 302
    assert p.a.parties.filter(organisation=p.mentee_association).count() == 2
    # The association officer still acts for the mentee-side party.
    role = SchemeRole.objects.get(user=p.users["association"])
    assert (role.party.organisation, role.party.side) == (p.mentee_association, Side.MENTEE)
    # Dropping the mentor-side row again leaves the staffed mentee-side one alone.
    data = {key.replace("scheme-", ""): value for key, value in scheme_data(parties[:4]).items() if key.startswith("parties")}
    assert client.post(SCHEME + "parties/", data).status_code == 302
    assert list(p.a.parties.filter(organisation=p.mentee_association).values_list("side", flat=True)) == ["mentee"]
    assert SchemeRole.objects.get(user=p.users["association"]).party.side == Side.MENTEE


def test_each_sides_officer_of_the_association_has_that_sides_rights(personas, broker):
    p = personas
    mentee_side = personas.client("association")
    mentor_side = broker["client"]
    context = NEEDS.format(city=p.mentee_city.pk, section="national-context")
    # The national and regional context of the mentee city is the mentee side's association's.
    assert mentee_side.get(context).context["editable"]
    page = mentor_side.get(context)
    assert page.status_code == 200 and not page.context["editable"]
    data = section_data(mentee_side, context)
    assert mentor_side.post(context, data).status_code == 403
    assert mentee_side.post(context, data).status_code == 302
    # The mentor city's strengths are supported by the mentor side's association only.
    strengths = STRENGTHS.format(city=p.mentor_city.pk)
    assert mentor_side.get(strengths).context["comment_form"] is not None
    assert mentor_side.post(strengths + "comments/", {"comment-text": "Name the regional programme?"}).status_code == 302
    assert mentee_side.get(strengths).context["comment_form"] is None
    assert mentee_side.post(strengths + "comments/", {"comment-text": "Not ours"}).status_code == 403
    assert list(Comment.objects.values_list("author__email", flat=True)) == ["broker.mentor@test.example"]


def test_the_pages_name_the_side_each_officer_of_the_association_acts_for(personas, broker):
    page = personas.client("coordinator").get(SCHEME + "people/").content.decode()
    assert "Association of Menteeland <span" in page
    rows = [row for row in page.split("<tr>") if "Association of Menteeland" in row]
    assert any("Association Tester" in row and "(Mentee side)" in row for row in rows)
    assert any("Broker.Mentor Officer" in row and "(Mentor side)" in row for row in rows)
    detail = personas.client("mentee").get(SCHEME).content.decode()
    assert "Broker.Mentor Officer – Municipal association officer (Association of Menteeland, mentor side)" in detail


def test_only_the_mentee_sides_officer_is_asked_for_the_national_context(personas, broker):
    task = "Fill the national and regional context in the needs analysis of Menteeville"
    assert task in personas.client("association").get("/").content.decode()
    assert task not in broker["client"].get("/").content.decode()


def test_a_reminder_about_the_association_on_both_sides_is_not_found_rather_than_an_error(personas, broker):
    # A city's documents are reminded of, found by the city; the association is no city.
    response = personas.client("association").post(SCHEME + f"remind/needs-analysis/{personas.mentee_association.pk}/")
    assert response.status_code == 404


def test_inviting_for_the_association_asks_which_side(personas, broker):
    client = personas.client("coordinator")
    url = SCHEME + "people/"
    association = personas.mentee_association.pk
    response = invite(client, url, role="association", organisation=association)
    assert response.status_code == 200
    assert "sits on both sides of this scheme: choose the side this person acts for" in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []
    response = invite(client, url, role="association", organisation=association, side="mentor")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.party == broker["party"]
    # A side the organisation is not on is refused.
    response = invite(client, url, email="x@test.example", role="mentee", organisation=personas.mentee_city.pk, side="mentor")
    assert "Menteeville is not on this side of the scheme (Mentor side)." in response.content.decode()
    assert Invitation.objects.count() == 1


def test_one_person_acts_for_one_side_of_the_association(personas, broker):
    client = personas.client("coordinator")
    data = {
        "action": "grant",
        "grant-email": "association@test.example",
        "grant-role": "association",
        "grant-organisation": personas.mentee_association.pk,
        "grant-side": "mentor",
    }
    response = client.post(SCHEME + "people/", data)
    assert response.status_code == 200
    assert "already has this role on behalf of Association of Menteeland (Mentee side)" in response.content.decode()
    assert SchemeRole.objects.get(user=personas.users["association"]).party.side == Side.MENTEE
    # Given to someone else, it is the mentor side's.
    data["grant-email"] = "outsider@test.example"
    assert client.post(SCHEME + "people/", data).status_code == 302
    assert SchemeRole.objects.get(user=personas.users["outsider"]).party == broker["party"]


# 3. Service providers and civil-society organisations.


def test_a_coordinator_registers_a_service_provider_and_a_civil_society_organisation(personas):
    client = personas.client("coordinator")
    for kind, name in (("service_provider", "Welcome Services"), ("civil_society", "Refugee Forum")):
        response = client.post("/programmes/test-programme/organisations/new/", {"kind": kind, "name": name, "country": "BE"})
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/programmes/test-programme/organisations/").content.decode()
    assert "Service provider" in page and "Civil-society organisation" in page
    assert set(personas.programme.cities.partners().values_list("name", flat=True)) == {"Welcome Services", "Refugee Forum"}


def test_a_service_provider_takes_part_in_a_scheme_and_in_a_community_of_practice(personas):
    client = personas.client("coordinator")
    p = personas
    provider = Organisation.objects.create(kind=OrganisationKind.SERVICE_PROVIDER, name="Welcome Services", country="BE")
    forum = Organisation.objects.create(kind=OrganisationKind.CIVIL_SOCIETY, name="Refugee Forum", country="BE")
    p.programme.cities.add(provider, forum)
    parties = [(p.mentee_city, Side.MENTEE), (provider, Side.MENTEE), (p.mentor_city, Side.MENTOR), (forum, Side.MENTOR)]
    assert client.post("/programmes/test-programme/schemes/new/", scheme_data(parties)).status_code == 302
    scheme = Scheme.objects.get(title="Welcoming newcomers in Leuven")
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert 'Welcome Services (BE) <span class="text-body-secondary">(Service provider)</span>' in page
    assert 'Refugee Forum (BE) <span class="text-body-secondary">(Civil-society organisation)</span>' in page
    peers = [(p.mentee_city, Side.PEER), (p.mentor_city, Side.PEER), (forum, Side.PEER)]
    data = scheme_data(peers, **{"scheme-kind": "community", "scheme-title": "Peers"})
    assert client.post("/programmes/test-programme/schemes/new/", data).status_code == 302
    assert Scheme.objects.get(title="Peers").parties.filter(organisation=forum, side=Side.PEER).exists()


def test_a_coordinator_invites_an_officer_for_a_service_provider(personas, provider):
    client = personas.client("coordinator")
    url = SCHEME + "people/"
    form = client.get(url).context["invite_form"]
    assert ("partner", "Service provider or civil-society organisation") in form.fields["role"].choices
    response = invite(client, url, role="partner", organisation=provider["organisation"].pk)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.party == provider["party"]
    assert "comment on the needs analysis and the visits" in " ".join(mail.outbox[0].body.split())
    # A city is no partner organisation, nor is a service provider a city.
    response = invite(client, url, email="y@test.example", role="partner", organisation=personas.mentee_city.pk)
    assert "choose a service provider or civil-society organisation on the right side" in response.content.decode()
    response = invite(client, url, email="z@test.example", role="mentee", organisation=provider["organisation"].pk)
    assert "choose a city on the right side" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_a_service_providers_officer_comments_on_the_needs_analysis_but_never_edits_it(personas, provider):
    p, partner = personas, provider["client"]
    mentee_section = NEEDS.format(city=p.mentee_city.pk, section="mentee-needs")
    page = partner.get(mentee_section)
    assert page.status_code == 200 and not page.context["editable"] and page.context["comment_form"] is not None
    response = partner.post(mentee_section + "comments/", {"comment-text": "Our front desk sees these needs daily."})
    assert response.status_code == 302
    assert Comment.objects.get().author == provider["user"]
    assert "Our front desk sees these needs daily." in p.client("mentee").get(mentee_section).content.decode()
    data = section_data(p.client("mentee"), mentee_section)
    assert partner.post(mentee_section, data).status_code == 403
    context = NEEDS.format(city=p.mentee_city.pk, section="national-context")
    assert not partner.get(context).context["editable"]
    assert partner.post(context, section_data(p.client("association"), context)).status_code == 403
    assert partner.post(SCHEME + "needs-analysis/%s/submit/" % p.mentee_city.pk).status_code == 403
    # It reads the action plan, and writes no city's document.
    assert partner.get(SCHEME + "action-plan/").status_code == 200
    strengths = STRENGTHS.format(city=p.mentor_city.pk)
    assert partner.post(strengths + "comments/", {"comment-text": "Not ours"}).status_code == 403


def test_the_rules_page_lists_the_partner_organisations(personas):
    page = personas.client("mentee").get("/rules/").content.decode()
    assert "Service provider or civil-society organisation" in page


# 4. Bad input: clear messages, nothing changed.


@pytest.mark.parametrize(
    "case, message",
    [
        ("network", "Select a valid choice: a city, municipal association, service provider or civil-society organisation"),
        ("facilitator", "Select a valid choice: a city, municipal association"),
        ("twice on one side", "Association of Menteeland is listed twice on the same side."),
        ("city on both sides", "Menteeville is listed twice: a city sits on one side only."),
        ("other programme", "registered in this programme"),
    ],
)
def test_bad_parties_are_refused_with_a_message_and_nothing_changes(personas, case, message):
    client = personas.client("coordinator")
    p = personas
    network = Organisation.objects.get(name="Test Network")
    helpers = Organisation.objects.create(kind=OrganisationKind.FACILITATOR, name="Helpers Ltd")
    p.programme.cities.add(network, helpers)  # registered in the programme, still no party
    stranger = Organisation.objects.create(kind=OrganisationKind.SERVICE_PROVIDER, name="Far Services", country="FR")
    p.other_programme.cities.add(stranger)
    base = [(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.MENTOR)]
    extra = {
        "network": [(network, Side.MENTOR)],
        "facilitator": [(helpers, Side.MENTEE)],
        "twice on one side": [(p.mentee_association, Side.MENTEE), (p.mentee_association, Side.MENTEE)],
        "city on both sides": [(p.mentee_city, Side.MENTOR)],
        "other programme": [(stranger, Side.MENTEE)],
    }[case]
    before = list(p.a.parties.values_list("organisation_id", "side"))
    # On the scheme's parties page...
    data = {key: value for key, value in scheme_data(base + extra).items() if key.startswith("parties")}
    response = client.post(SCHEME + "parties/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert list(p.a.parties.values_list("organisation_id", "side")) == before
    # ...and when creating a scheme.
    count = Scheme.objects.count()
    response = client.post("/programmes/test-programme/schemes/new/", scheme_data(base + extra))
    assert response.status_code == 200 and message in response.content.decode()
    assert Scheme.objects.count() == count


def test_a_partner_organisations_officer_only_reads_and_comments_by_the_rules():
    from mentoring.access import RULES

    done = {(document, action) for document, actions in RULES.items() for action, roles in actions.items() if "partner" in roles}
    assert {action for _document, action in done} <= {"view", "export", "comment"}
    assert ("needs_analysis.mentee_section", "comment") in done and ("visit", "comment") in done
    assert ("needs_analysis", "edit") not in done and ("support_gap", "edit") not in done


def test_a_list_of_invitations_names_the_side_of_an_association_on_both_sides(personas, broker):
    """Without a side, the line is left out with a reason naming the "side" column; with
    one (its label, or the programme's words for it), the person is invited for that
    side's party; an unknown side is left out with the sides to choose from."""
    import secrets

    coordinator = personas.client("coordinator")

    def post(people, action="preview"):
        data = {"people": people, "role": "mentee", "organisation": "", "message": "", "action": action}
        data["submission"] = secrets.token_urlsafe(24)
        response = coordinator.post(SCHEME + "people/invite-several/", data)
        return response, " ".join(response.content.decode().split())

    response, page = post("Ana Assoc, ana@assoc.example, Association of Menteeland, Municipal association")
    assert response.status_code == 200
    assert (
        "Association of Menteeland sits on both sides of this scheme: name the side this person acts for in a “side” column (Mentee side, Mentor side)."
        in page
    )
    _response, page = post("Ana Assoc, ana@assoc.example, Association of Menteeland, Municipal association, the far side")
    assert "Sides are: Mentee side, Mentor side." in page
    assert not Invitation.objects.exists()

    people = (
        "name;e-mail;organisation;role;side\n"
        "Ana Assoc;ana@assoc.example;Association of Menteeland;Municipal association;Mentor side\n"
        "Bea Assoc;bea@assoc.example;Association of Menteeland;Municipal association;mentee"
    )
    preview, page = post(people)
    assert "(Mentor side)" in page and "(Mentee side)" in page and "Send to 2 people" in page
    from .test_bulk_invitations import send

    assert send(coordinator, preview, url=SCHEME + "people/invite-several/").status_code == 200
    sides = dict(Invitation.objects.values_list("email", "party__side"))
    assert sides == {"ana@assoc.example": Side.MENTOR, "bea@assoc.example": Side.MENTEE}
