"""Issue 23 in the browser: a call from opening to an accepted mentee paired by matching.

The coordinator opens a call for mentee cities (dates, text, application questions); a
city applies on the call's public page without an account; the coordinator reviews the
application and accepts it with a message (the city's contact person is invited by
e-mail, the message in it); the accepted city's scheme waiting for a mentor is on the
matching page; the coordinator pairs it with a mentor city there, and the scheme's page
shows both cities. axe checks every page; the steps go to
test-artifacts/call-matching-transcript.txt."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .conftest import ARTIFACTS, capaci_learns_from_mechelen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "call-matching-password-2026"
MESSAGE = "Welcome to Inclusive Cities: we look for your mentor in March."


def test_a_call_from_opening_to_an_accepted_mentee_paired_by_matching(page, live_server):
    from mentoring.models import User
    from schemes.models import CallApplication, ProgrammeRole, Scheme

    scheme, _organisations = capaci_learns_from_mechelen(
        [("maria@capaci.example", "mentee", "Capaci"), ("marco@mechelen.example", "mentor", "Mechelen")], PASSWORD
    )
    programme = scheme.programme
    carla = User.objects.create_user(email="carla@network.example", password=PASSWORD, first_name="Carla", last_name="Rossi")
    ProgrammeRole.objects.create(programme=programme, user=carla, role="coordinator")
    transcript = []

    # 1. The coordinator opens a call for mentee cities.
    coordinator = log_in(page.context, "carla@network.example", PASSWORD)
    coordinator.goto("/programmes/inclusive/calls/")
    coordinator.get_by_role("link", name=re.compile("Open a call|New call")).first.click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Open a call for mentors and mentees")
    coordinator.get_by_label("Title").fill("Cities wanting to welcome newcomers better")
    coordinator.get_by_label("Text of the call").fill("Apply to be mentored by an experienced city for two years.")
    coordinator.get_by_label("Cities sought").select_option(label="Mentee cities")
    coordinator.get_by_label("Opens on").fill("2020-01-01")
    coordinator.get_by_label("Closes on").fill("2099-12-31")
    coordinator.get_by_label("Application questions").fill("What do you want to change?\nWho would take part?")
    coordinator.get_by_role("button", name="Save the call").click()
    expect(coordinator.locator(".alert-success")).to_contain_text("The call is saved")
    public = coordinator.locator("a[href^='/calls/']").first.get_attribute("href")
    transcript.append(
        "Carla (coordinator of Inclusive Cities) opens the call “Cities wanting to welcome newcomers better” for "
        f"mentee cities, open from 1 January 2020 to 31 December 2099, with two questions; its public page is {public}."
    )

    # 2. A city applies on the public page, without an account.
    applicant = page.context.browser.new_context(base_url=live_server.url).new_page()
    applicant.goto(public)
    expect(applicant.get_by_role("heading", level=1)).to_contain_text("Cities wanting to welcome newcomers better")
    expect(applicant.locator("main")).to_contain_text("Apply to be mentored by an experienced city for two years.")
    applicant.get_by_label(re.compile(r"^\s*City")).fill("Jelgava")
    applicant.get_by_label(re.compile(r"^\s*Country")).select_option("LV")
    applicant.get_by_label("Contact person's name").fill("Ilze Ozola")
    applicant.get_by_label("Contact person's e-mail address").fill("ilze@jelgava.example")
    applicant.get_by_label("What do you want to change?").fill("A first contact point for newcomers.")
    applicant.get_by_label("Who would take part?").fill("The social services and two NGOs.")
    applicant.get_by_role("button", name="Send the application").click()
    expect(applicant.locator(".alert-success")).to_contain_text("your application is received")
    assert not User.objects.filter(email="ilze@jelgava.example").exists()
    transcript.append(
        "Ilze Ozola applies for Jelgava (Latvia) on the public page, without logging in, and answers both questions: "
        "“Thank you: your application is received.” No account is made."
    )

    # 3. The coordinator reviews the application and accepts it with a message.
    coordinator.reload()
    coordinator.get_by_role("link", name="Jelgava").click()
    expect(coordinator.locator("main")).to_contain_text("A first contact point for newcomers.")
    expect(coordinator.locator("main")).to_contain_text("The social services and two NGOs.")
    coordinator.locator("#id_accept-message").fill(MESSAGE)
    coordinator.get_by_role("button", name="Accept…").click()
    expect(coordinator.get_by_role("heading", name="Accept the application of Jelgava?")).to_be_visible()
    expect(coordinator.locator("main")).to_contain_text("It gets its own scheme waiting for a mentor")
    coordinator.locator("main").get_by_role("button", name="Accept", exact=True).click()
    expect(coordinator.locator(".alert-success")).to_contain_text("Jelgava is accepted")
    application = CallApplication.objects.get(city_name="Jelgava")
    assert application.status == "accepted" and application.decision_message == MESSAGE
    waiting = application.scheme
    assert waiting.parties.filter(organisation__name="Jelgava", side="mentee").exists()
    assert not waiting.parties.filter(side="mentor").exists()
    to_ilze = [message for message in mail.outbox if "ilze@jelgava.example" in message.to]
    assert len(to_ilze) == 2, [message.subject for message in to_ilze]  # the invitation and the decision
    assert any(MESSAGE in message.body for message in to_ilze)
    subjects = " and ".join(f"“{message.subject}”" for message in to_ilze)
    transcript.append(
        f"Carla reads the answers and accepts Jelgava with the message “{MESSAGE}” after the page that says what "
        f"accepting does; “{waiting.title}” is created with Jelgava as mentee and no mentor, and Ilze gets {subjects}."
    )

    # 4. The waiting scheme is on the matching page; the coordinator pairs it with Mechelen.
    coordinator.goto("/programmes/inclusive/matching/")
    waiting_row = coordinator.get_by_role("row").filter(has_text="Jelgava")
    expect(waiting_row.get_by_role("link", name=waiting.title)).to_be_visible()
    waiting_row.get_by_role("link", name="Jelgava", exact=True).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Mentor cities for Jelgava")
    candidates = coordinator.get_by_role("table", name="Candidate mentor cities and their scores")
    expect(candidates).to_contain_text("Mechelen")
    candidates.get_by_role("button", name="Pair Mechelen with Jelgava").click()
    expect(coordinator.locator(".alert-success")).to_contain_text("Mechelen now mentors Jelgava in this scheme.")
    # The scheme's page: named after the pair now, both cities on it.
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Jelgava – Mechelen")
    main = coordinator.locator("main")
    expect(main).to_contain_text("Jelgava")
    expect(main).to_contain_text("Mechelen")
    paired = Scheme.objects.get(pk=waiting.pk)
    assert paired.title == "Jelgava – Mechelen"
    sides = {party.organisation.name: party.side for party in paired.parties.select_related("organisation")}
    assert sides == {"Jelgava": "mentee", "Mechelen": "mentor"}
    transcript.append(
        f"On the matching page Jelgava waits with “{waiting.title}”; Carla opens its candidates, Mechelen among them, "
        "and pairs them: “Mechelen now mentors Jelgava in this scheme.” The scheme's page "
        f"({coordinator.url.replace(live_server.url, '')}), now called “{paired.title}” (it kept “waiting for a mentor” "
        "before the fix of this branch), shows Jelgava as mentee and Mechelen as mentor."
    )

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "call-matching-transcript.txt").write_text("\n".join(transcript) + "\n")
