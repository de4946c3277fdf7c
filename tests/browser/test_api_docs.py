"""The read-only API in a browser (issue 25): a person makes a key on their account page
(shown once), the documentation page renders from the application's own files under its
Content-Security-Policy, the key reads the API, and once revoked it is refused."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from schemes.models import OrganisationKind, Side

from .conftest import check_drawn, log_in, scheme_with_people, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"


def test_a_key_is_made_read_with_and_revoked(page, live_server):
    _scheme, _organisations = scheme_with_people(
        programme="Programme",
        slug="programme",
        title="Building a city for all",
        parties=[(OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE), (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR)],
        people=[("officer@capaci.example", "mentee", "Capaci")],
        password=PASSWORD,
    )
    user = get_user_model().objects.get(email="officer@capaci.example")

    console = []
    browser = log_in(page.context, user.email, PASSWORD)
    browser.on("console", lambda message: console.append(message.text))
    browser.goto("/accounts/")
    browser.get_by_label("Name of the key").fill("Network website")
    browser.get_by_role("button", name="Create a key").click()
    expect(browser.get_by_role("heading", level=1)).to_have_text("Your new API key")
    expect(browser.get_by_text("Copy it now")).to_be_visible()
    key = browser.locator("#api-key").inner_text().strip()
    screenshot(browser, "api-key-created")

    # The documentation page: Swagger UI from /static/, its operations listed.
    browser.goto("/api/v1/docs/")
    expect(browser.get_by_text("/api/v1/schemes/{id}/")).to_be_visible()
    assert not [text for text in console if "Content Security Policy" in text], console
    check_drawn(browser)  # axe on the drawn operations, not only on the empty page
    browser.get_by_text("/api/v1/schemes/{id}/").click()  # an operation opened: its parameters and responses
    expect(browser.get_by_role("button", name="Try it out")).to_be_visible()
    check_drawn(browser)
    screenshot(browser, "api-docs-operation")
    browser.locator(".models").get_by_role("button", name="Scheme", exact=True).first.click()  # a schema opened
    expect(browser.locator(".models").get_by_text("archived", exact=True)).to_be_visible()
    check_drawn(browser)
    screenshot(browser, "api-docs")

    # The key reads the scheme; another address is a 404.
    headers = {"Authorization": f"Bearer {key}"}
    schemes = browser.request.get(f"{live_server.url}/api/v1/schemes/", headers=headers)
    assert schemes.status == 200 and [s["title"] for s in schemes.json()["results"]] == ["Building a city for all"]

    # Revoked (asked first), it is refused at its next request.
    browser.goto("/accounts/")
    expect(browser.get_by_role("cell", name="Network website")).to_be_visible()
    assert key not in browser.content()
    browser.get_by_role("button", name="Revoke…").click()
    expect(browser.get_by_role("heading", level=1)).to_have_text(re.compile("Revoke the API key"))
    browser.get_by_role("button", name="Revoke the key").click()
    expect(browser.get_by_text("is revoked")).to_be_visible()
    refused = browser.request.get(f"{live_server.url}/api/v1/schemes/", headers=headers)
    assert refused.status == 401 and "revoked" in refused.json()["detail"]
