"""Issue 23 in the browser: the mentor city drafts an action with the mentee city (the
good practice it transfers named), a consultation is recorded, the mentee city submits
and records the approval; a year later it starts a revision, changes the plan and has it
approved again, both approved versions listed. Then a call: the coordinator opens it, a
city applies on its public page without an account, the coordinator accepts it and the
city gets its scheme waiting for a mentor and an invitation. axe checks every page; the
steps go to test-artifacts/plan-together-transcript.txt."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .conftest import ARTIFACTS, capaci_learns_from_mechelen, confirm, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "plan-together-password-2026"
PLAN = "/programmes/inclusive/schemes/1/action-plan/"


def test_the_plan_written_together_revised_and_a_call_answered(page, live_server):
    from mentoring.models import User
    from schemes.models import GoodPractice, ProgrammeRole, Scheme

    scheme, organisations = capaci_learns_from_mechelen(
        [("maria@capaci.example", "mentee", "Capaci"), ("marco@mechelen.example", "mentor", "Mechelen")], PASSWORD
    )
    GoodPractice.objects.create(programme=scheme.programme, city=organisations["Mechelen"], title="Buddy Project")
    carla = User.objects.create_user(email="carla@network.example", password=PASSWORD, first_name="Carla", last_name="Rossi")
    ProgrammeRole.objects.create(programme=scheme.programme, user=carla, role="coordinator")
    transcript = []

    # 1. The mentor city drafts an action, naming the good practice it transfers.
    marco = log_in(page.context, "marco@mechelen.example", PASSWORD)
    marco.goto(PLAN)
    marco.get_by_role("link", name="Add an action").click()
    marco.get_by_label(re.compile(r"^\s*1\. ACTIONS")).fill("Pilot a buddy project for newcomers")
    marco.get_by_label(re.compile("Transfers|good practice", re.I)).first.select_option(label="Buddy Project (Mechelen)")
    marco.get_by_role("button", name="Save", exact=True).click()
    expect(marco.get_by_text("Buddy Project (Mechelen)", exact=True).first).to_be_visible()
    transcript.append(
        "Marco (Mechelen, mentor) adds the action “Pilot a buddy project for newcomers”, transferring Mechelen's “Buddy Project”."
    )

    # 2. The mentee city records a consultation, submits and records the approval.
    maria = log_in(page.context.browser.new_context(base_url=live_server.url), "maria@capaci.example", PASSWORD)
    maria.goto(PLAN)
    maria.get_by_role("link", name=re.compile("Record a consultation|Add a consultation")).click()
    maria.get_by_label("Who was consulted").fill("Social services department")
    maria.get_by_label("When").fill("2027-02-15")
    maria.get_by_label("What they said").fill("Two social workers can mentor the buddies.")
    maria.get_by_role("button", name=re.compile("^Save")).first.click()
    expect(maria.get_by_text("Social services department").first).to_be_visible()
    maria.goto(PLAN)
    maria.get_by_role("button", name="Submit the final version for approval").click()
    confirm(maria, "Submit the final version")
    maria.get_by_label("Formal decision reference").fill("Giunta comunale 2027/45")
    maria.get_by_role("button", name="Record the approval").click()
    confirm(maria, "Record the approval")
    expect(maria.get_by_text("The action plan is approved.")).to_be_visible()
    transcript.append(
        "Maria (Capaci) records the consultation of the social services, submits the plan and records its approval (Giunta comunale 2027/45)."
    )

    # 3. A year later: a revision, changed, approved in turn; both approved versions stay.
    maria.get_by_role("button", name=re.compile("^Start revision 2")).click()
    confirm(maria, "Start the revision")
    expect(maria.get_by_text(re.compile("Revision 2 in progress"))).to_be_visible()
    maria.get_by_role("link", name="Edit action 1").click()
    maria.get_by_label("Who leads").fill("Social services and the integration office")
    maria.get_by_role("button", name="Save", exact=True).click()
    maria.get_by_role("button", name="Submit the final version for approval").click()
    confirm(maria, "Submit the final version")
    maria.get_by_label("Formal decision reference").fill("Giunta comunale 2028/12")
    maria.get_by_role("button", name="Record the approval").click()
    confirm(maria, "Record the approval")
    expect(maria.get_by_text(re.compile("Approved version 2")).first).to_be_visible()  # in force
    maria.get_by_role("link", name="All 2 approved versions, on the versions page").click()
    expect(maria.get_by_text(re.compile("Approved version 1")).first).to_be_visible()
    expect(maria.get_by_text(re.compile("Approved version 2")).first).to_be_visible()
    transcript.append(
        "A year later Maria starts revision 2, changes who leads the action, submits it and records its approval (Giunta comunale 2028/12): approved versions 1 and 2 are listed."
    )

    # 4. A call: opened, answered on its public page, accepted.
    carla_page = log_in(page.context.browser.new_context(base_url=live_server.url), "carla@network.example", PASSWORD)
    carla_page.goto("/programmes/inclusive/calls/")
    carla_page.get_by_role("link", name=re.compile("Open a call|New call")).first.click()
    carla_page.get_by_label("Title").fill("Cities wanting to welcome newcomers better")
    carla_page.get_by_label("Text of the call").fill("Apply to be mentored by an experienced city.")
    carla_page.get_by_label("Cities sought").select_option(index=0)
    carla_page.get_by_label("Opens on").fill("2020-01-01")
    carla_page.get_by_label("Closes on").fill("2099-12-31")
    carla_page.get_by_label("Application questions").fill("What do you want to change?")
    carla_page.get_by_role("button", name=re.compile("^Save|^Open")).first.click()
    public = carla_page.locator("a[href^='/calls/']").first.get_attribute("href")
    applicant = page.context.browser.new_context(base_url=live_server.url).new_page()
    applicant.goto(public)
    applicant.get_by_label(re.compile(r"^\s*City")).fill("Jelgava")
    applicant.get_by_label(re.compile(r"^\s*Country")).select_option("LV")
    applicant.get_by_label("Contact person's name").fill("Ilze Ozola")
    applicant.get_by_label("Contact person's e-mail address").fill("ilze@jelgava.example")
    applicant.get_by_label("What do you want to change?").fill("A first contact point for newcomers.")
    applicant.get_by_role("button", name="Send the application").click()
    expect(applicant.locator("main")).to_contain_text(re.compile("received|thank", re.I))
    assert not User.objects.filter(email="ilze@jelgava.example").exists()
    carla_page.reload()
    carla_page.get_by_role("link", name="Jelgava").click()
    carla_page.get_by_role("button", name="Accept…").click()
    # The page that asks first, with what accepting does.
    expect(carla_page.get_by_role("heading", name="Accept the application of Jelgava?")).to_be_visible()
    carla_page.locator("main").get_by_role("button", name="Accept", exact=True).click()
    expect(carla_page.locator(".alert-success")).to_be_visible()
    waiting = Scheme.objects.get(programme=scheme.programme, parties__organisation__name="Jelgava")
    assert not waiting.parties.filter(side="mentor").exists()
    invitation = next(message for message in mail.outbox if "ilze@jelgava.example" in message.to)
    transcript.append(
        "Carla opens a call; Jelgava applies on its public page (no account made); Carla accepts: "
        f"“{waiting.title}” waits for a mentor, and Ilze is invited (“{invitation.subject}”)."
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "plan-together-transcript.txt").write_text("\n".join(transcript) + "\n")
