"""A city already known to the network joins another programme (issue 26), in the
browser: the coordinator of a new programme tries to register Capaci, is pointed to the
search, finds it and adds it. axe checks every page on the way (conftest)."""

import pytest
from playwright.sync_api import expect

from mentoring.models import User
from schemes.models import Organisation, OrganisationKind, Programme, ProgrammeRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "city-join-password-2026"


def test_the_coordinator_of_a_new_programme_adds_capaci(page, live_server):
    network = Organisation.objects.create(kind=OrganisationKind.NETWORK, name="Network", country="BE")
    first = Programme.objects.create(name="Inclusive Cities", slug="inclusive", coordinating_body=network)
    capaci = Organisation.objects.create(kind=OrganisationKind.CITY, name="Capaci", country="IT", population=11_345)
    first.cities.add(capaci)
    second = Programme.objects.create(name="Welcoming Towns", slug="welcoming", coordinating_body=network)
    coordinator = User.objects.create_user(email="ana@network.example", password=PASSWORD, first_name="Ana")
    ProgrammeRole.objects.create(programme=second, user=coordinator, role="coordinator")

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("ana@network.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/programmes/welcoming/organisations/")
    page.get_by_role("link", name="Register a city or association").click()
    page.locator("#id_name").fill("Capaci")
    page.locator("#id_country").select_option("IT")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("A city of this name in this country is already known")
    expect(page.locator("main")).not_to_contain_text("Inclusive Cities")

    page.get_by_role("link", name="Find it and add it to your programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a known city or organisation")
    expect(page.locator("#id_q")).to_have_value("Capaci")
    row = page.get_by_role("row", name="Capaci")
    expect(row).to_contain_text("Italy")
    expect(page.locator("main")).not_to_contain_text("11,345")
    row.get_by_role("button", name="Add to this programme").click()
    expect(page.locator(".alert-success")).to_contain_text("Capaci is now part of this programme.")
    expect(page.get_by_role("link", name="Capaci", exact=True)).to_be_visible()
    assert second.cities.filter(pk=capaci.pk).exists() and first.cities.filter(pk=capaci.pk).exists()
