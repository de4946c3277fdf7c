"""Journey 1 (docs/method.md §6) in a real browser, up to the invitations: a coordinator creates a
programme, registers cities and an association, loads a benchmark file and publishes it,
starts the mentee city's scheme, pairs it with the suggested mentor city, and invites a
mentee officer, who sets a password from the e-mailed link and lands on the scheme;
then the coordinator follows every scheme on the programme's dashboard, filters it and
downloads it as CSV."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from benchmarks.models import BenchmarkVersion
from mentoring.models import User
from schemes.models import Organisation, OrganisationKind, Programme, ProgrammeRole

from .conftest import confirm, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "coordinator-password-2026"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "benchmarks"


def register(page, kind, name, country, population=None, member_of=None):
    page.get_by_role("link", name="Register a city or association").first.click()
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label(re.compile(r"^\s*Name\s*(\(required\))?\s*$")).fill(name)
    page.get_by_label("Country").select_option(label=country)
    if population:
        page.get_by_label("Number of inhabitants").fill(population)
    if member_of:
        page.get_by_label(member_of).check()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(f"{name} is registered")


def test_a_coordinator_sets_up_a_programme_and_invites_a_mentee_officer(page, live_server):
    from schemes.services.demo import reference_data_load

    reference_data_load()  # the live server's database is emptied between browser tests
    Organisation.objects.create(
        kind=OrganisationKind.NETWORK, name="Council of European Municipalities and Regions", country="BE"
    )
    coordinator = User.objects.create_user(
        email="coordinator@network.example", password=PASSWORD, first_name="Carla", last_name="Coordinator"
    )
    seed = Programme.objects.create(name="Earlier programme", slug="earlier", coordinating_body=Organisation.objects.get())
    ProgrammeRole.objects.create(programme=seed, user=coordinator, role="coordinator")

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("coordinator@network.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # 1. The programme.
    page.get_by_role("link", name="New programme").click()
    page.get_by_label(re.compile(r"^\s*Name\s*(\(required\))?\s*$")).fill("Welcoming Cities 2027")
    page.get_by_label("Short name in addresses").fill("welcoming-2027")
    page.get_by_label(re.compile(r"^\s*Coordinating body\s*(\(required\))?\s*$")).select_option(
        label="Council of European Municipalities and Regions (BE)"
    )
    page.get_by_label(re.compile("General benchmark|IncluCities")).first.check()
    page.get_by_label("Start date").fill("2027-01-15")
    page.get_by_label("End date").fill("2028-12-15")
    page.get_by_label("Visits per scheme by default").fill("3")
    screenshot(page, "programme-create")
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcoming Cities 2027")

    # 2. Its cities and association.
    register(page, "Municipal association", "Association of Flemish Cities", "Belgium")
    page.goto("/programmes/welcoming-2027/")
    register(page, "City", "Leuven", "Belgium", population="102275", member_of="Association of Flemish Cities (BE)")
    page.goto("/programmes/welcoming-2027/")
    register(page, "City", "Tampere", "Finland", population="255050")
    page.goto("/programmes/welcoming-2027/organisations/?kind=city")
    expect(page.get_by_role("link", name="Leuven")).to_be_visible()
    expect(page.get_by_role("cell", name="102,275")).to_be_visible()
    screenshot(page, "organisation-list")

    # 3. A benchmark file, imported as a draft and published for the programme.
    page.goto("/programmes/welcoming-2027/")
    page.get_by_role("main").get_by_role("link", name="Benchmarks", exact=True).click()
    page.get_by_role("link", name="Import a benchmark file").click()
    page.get_by_label("Benchmark file (JSON)").set_input_files(FIXTURES / "implementoring-theme-b.json")
    page.get_by_role("button", name="Import as a draft").click()
    expect(page.locator(".alert-success")).to_contain_text("imported as a draft")
    page.get_by_role("button", name="Publish this version").click()
    confirm(page, "Publish this version")
    expect(page.locator(".alert-success")).to_contain_text("Published")
    # The file carries a shared reference benchmark's name: it becomes the programme's own.
    theme_b = BenchmarkVersion.objects.get(benchmark__slug="implementoring-theme-b-welcoming-2027", number=1)
    assert theme_b.status == "published" and theme_b.key_factors.count() == 8

    # 4. Leuven (with its association) prepares in a scheme of its own, waiting for a mentor.
    page.goto("/programmes/welcoming-2027/")
    page.get_by_role("link", name="New scheme").click()
    page.get_by_label("Title").fill("Leuven learns from Tampere")
    page.get_by_label("Theme").fill("Welcoming newcomers")
    page.get_by_label("Benchmark").select_option(value=str(theme_b.pk))
    page.get_by_label("Party 1: city or organisation").select_option(label="Leuven (BE)")
    page.get_by_label("Party 1: side").select_option(label="Mentee side")
    page.get_by_label("Party 2: city or organisation").select_option(label="Association of Flemish Cities (BE)")
    page.get_by_label("Party 2: side").select_option(label="Mentee side")
    screenshot(page, "scheme-create")
    page.get_by_role("button", name="Create the scheme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leuven learns from Tampere")

    # 5. The suggested mentors, each score explained; Tampere is paired.
    page.get_by_role("link", name="See the suggested mentor cities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentor cities for Leuven")
    expect(page.get_by_role("heading", name=re.compile(r"^1\. Tampere"))).to_be_visible()
    expect(page.get_by_text("How the score is computed")).to_be_visible()
    screenshot(page, "matching")
    page.get_by_role("button", name="Pair Tampere with Leuven").click()
    expect(page.locator(".alert-success")).to_contain_text("Tampere now mentors Leuven")
    visits = page.get_by_role("list", name="Mentoring visits").locator("> li")
    expect(visits).to_have_count(3)
    expect(visits.nth(1)).to_contain_text("Visit 2: Inspiration")
    expect(visits.nth(1)).to_contain_text("Tampere")

    # 6. Invite the mentee city's officer.
    page.get_by_role("link", name="People").click()
    invite = page.get_by_role("region", name="Invite someone")
    invite.get_by_label(re.compile(r"^\s*E-mail address")).fill("officer@leuven.example")
    invite.get_by_label("First name").fill("Lotte")
    invite.get_by_label("Last name").fill("Peeters")
    invite.get_by_label(re.compile(r"^\s*Role")).select_option(label="Mentee city")
    invite.get_by_label("On behalf of").select_option(label="Leuven (BE)")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".alert-success")).to_contain_text("Invitation sent to officer@leuven.example")
    expect(page.get_by_role("cell", name="Waiting")).to_be_visible()
    screenshot(page, "scheme-people")

    # 7. The invitee follows the e-mailed link, chooses a password, and is in.
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    invitee = page.context.browser.new_context(base_url=live_server.url)
    invitee_page = invitee.new_page()
    invitee_page.goto(link)
    expect(invitee_page.get_by_text("Carla Coordinator invites you")).to_be_visible()
    invitee_page.get_by_label("Choose a password").fill("tulip-harbour-velvet-9")
    invitee_page.get_by_label("The same password again").fill("tulip-harbour-velvet-9")
    invitee_page.get_by_role("button", name="Create my account").click()
    expect(invitee_page.get_by_role("heading", level=1)).to_have_text("Leuven learns from Tampere")
    screenshot(invitee_page, "invitee-first-page")
    invitee.close()

    # 8. The dashboard: Leuven's scheme step by step; filtered by country; as CSV.
    page.get_by_role("link", name="Welcoming Cities 2027").first.click()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    row = page.get_by_role("row", name=re.compile("Leuven learns from Tampere"))
    expect(row.get_by_role("cell").nth(5)).to_contain_text("Done")  # late, next date, phase, needs analysis, strengths, pairing
    expect(row).to_contain_text("0 of 3 held")
    screenshot(page, "dashboard")
    page.get_by_label("Phase").select_option(label="After the visits")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No scheme you can see matches.")).to_be_visible()
    page.get_by_label("Phase").select_option(label="All phases")
    page.get_by_label("Country").select_option(label="Finland")  # the mentor city's
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row", name=re.compile("Leuven learns from Tampere"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert table[1][1] == "Leuven learns from Tampere" and table[1][3].startswith("Leuven")
