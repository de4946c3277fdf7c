"""Every partner's language (issue 24) in a real browser: a mentee officer whose browser
speaks Italian, Latvian or Greek opens the needs analysis and reads the interface and the
template's questions in that language (the seed's unofficial translation, marked so), with
the English original one click away; axe checks every page in each language, and a
screenshot of each is kept for the report."""

import json

import pytest
from playwright.sync_api import expect

from schemes.services.demo import FIXTURES

from .conftest import capaci_learns_from_mechelen, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"
ORIGINAL = (
    "Which challenge/problem/needs of your city in the area of integration policies do you want to address in this project?"
)


@pytest.mark.parametrize("language", ["it", "lv", "el"])
def test_a_mentee_officer_reads_the_needs_analysis_in_their_language(page, live_server, language):
    seed = json.loads((FIXTURES / "translations" / language / "templates" / "needs-analysis.json").read_text("utf-8"))
    question = seed["sections"]["mentee-needs"]["questions"]["challenge"]["text"]
    _scheme, organisations = capaci_learns_from_mechelen([("giulia@capaci.example", "mentee", "Capaci")], PASSWORD)
    context = page.context.browser.new_context(base_url=live_server.url, locale=language)
    officer = context.new_page()
    officer.set_default_timeout(15_000)
    officer.goto("/accounts/login/")
    assert officer.locator("html").get_attribute("lang") == language
    officer.locator("input[name=username]").fill("giulia@capaci.example")
    officer.locator("input[name=password]").fill(PASSWORD)
    officer.locator("form button[type=submit]").last.click()
    officer.wait_for_url(lambda url: "/accounts/login/" not in url)

    url = f"/programmes/inclusive/schemes/1/needs-analysis/{organisations['Capaci'].pk}/sections/mentee-needs/"
    officer.goto(url)
    expect(officer.get_by_text(question, exact=False).first).to_be_visible()
    expect(officer.locator(".translation-notice")).to_be_visible()
    assert ORIGINAL not in officer.content()
    screenshot(officer, f"needs-analysis-{language}")

    # The original, one click away; and back.
    officer.locator(".translation-notice a").click()
    expect(officer.get_by_text(ORIGINAL).first).to_be_visible()
    officer.locator(".translation-notice a").click()
    expect(officer.get_by_text(question, exact=False).first).to_be_visible()
