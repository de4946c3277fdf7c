"""Issue 23 in the browser: a coordinator adapts the wording of Annex 4 for the programme
in its template editor (a prompt, its help, the guidance), and the good practice form of
the programme's mentor city shows the new words. axe checks every page, the editor's
new pages with them."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import capaci_learns_from_mechelen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "annex-adapt-password-2026"


def test_a_coordinator_rewords_annex_4_and_the_good_practice_form_shows_it(page, live_server):
    from mentoring.models import User
    from schemes.models import ProgrammeRole, Question

    scheme, _organisations = capaci_learns_from_mechelen([("marco@mechelen.example", "mentor", "Mechelen")], PASSWORD)
    carla = User.objects.create_user(email="carla@network.example", password=PASSWORD, first_name="Carla", last_name="Rossi")
    ProgrammeRole.objects.create(programme=scheme.programme, user=carla, role="coordinator")

    coordinator = log_in(page.context, "carla@network.example", PASSWORD)
    coordinator.goto("/programmes/inclusive/templates/")
    coordinator.get_by_role("link", name="Analysing good practice").first.click()
    coordinator.get_by_role("button", name="Adapt for this programme").click()
    expect(coordinator.locator(".alert-success")).to_contain_text("ready to reword")
    expect(coordinator.locator("#wording-only")).to_contain_text("cannot be added, removed, hidden, reordered or re-keyed")
    expect(coordinator.get_by_role("button", name=re.compile("^Hide"))).to_have_count(0)

    coordinator.get_by_role("link", name="Reword Context and rationale").click()
    coordinator.get_by_label("Question (the field's label)").fill("Context: why the practice began")
    coordinator.get_by_label("Help (shown under the field)").fill("Which problem was it the answer to?")
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.get_by_role("link", name="Reword Context: why the practice began")).to_be_visible()

    coordinator.get_by_role("link", name="Reword the title and guidance").click()
    coordinator.get_by_label("Guidance").fill("Write it with the people who run the practice.")
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.locator(".alert-success")).to_contain_text("Wording saved.")
    expect(coordinator.locator("main")).to_contain_text("Write it with the people who run the practice.")

    mentor = log_in(page.context.browser.new_context(base_url=live_server.url), "marco@mechelen.example", PASSWORD)
    mentor.goto("/programmes/inclusive/good-practices/new/")
    expect(mentor.get_by_label(re.compile("^Context: why the practice began"))).to_be_visible()
    expect(mentor.locator("#id_context_helptext")).to_have_text("Which problem was it the answer to?")
    # The reference template is as the guide has it.
    reference = Question.objects.get(section__template__programme=None, section__template__kind="good_practice", key="context")
    assert reference.text == "Context and rationale"
