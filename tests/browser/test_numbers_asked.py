"""In a real browser: an officer types "11.000" inhabitants while reading the site in
English; the form asks which number was meant (the page checked by axe like every
other), the officer picks one with the keyboard, and that is what the needs analysis
says. The question needs no JavaScript: tests/test_numbers.py posts it back without."""

import pytest
from playwright.sync_api import expect

from schemes.models import Answer, OrganisationKind, Side

from .conftest import log_in, scheme_with_people, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"


def test_a_number_that_reads_two_ways_is_asked_about_and_the_choice_is_stored(page, live_server):
    _scheme, organisations = scheme_with_people(
        programme="Welcoming Cities",
        slug="welcoming",
        title="Bari learns from Tampere",
        password=PASSWORD,
        parties=[(OrganisationKind.CITY, "Bari", "IT", Side.MENTEE), (OrganisationKind.CITY, "Tampere", "FI", Side.MENTOR)],
        people=[("giulia@bari.example", "mentee", "Bari")],
    )
    giulia = log_in(page.context, "giulia@bari.example", PASSWORD)
    base = f"/programmes/welcoming/schemes/1/needs-analysis/{organisations['Bari'].pk}/"
    giulia.goto(base + "sections/local-context/")
    giulia.get_by_label("Number of inhabitants in your city").fill("11.000")
    giulia.get_by_role("button", name="Save draft").click()

    expect(
        giulia.locator(".invalid-feedback").get_by_text("“11.000” can be read two ways: 11,000 inhabitants or 11 inhabitants.")
    ).to_be_visible()
    question = giulia.get_by_role("group", name="Which number did you mean?")
    expect(question.get_by_role("radio")).to_have_count(2)
    screenshot(giulia, "numbers-asked")
    assert not Answer.objects.filter(question__key="inhabitants").exists()

    question.get_by_role("radio", name="11,000 inhabitants, if “.” separates thousands").focus()
    giulia.keyboard.press("Space")
    giulia.get_by_role("button", name="Save draft").click()
    expect(giulia.locator(".alert-success")).to_contain_text("Saved.")
    expect(giulia.get_by_label("Number of inhabitants in your city")).to_have_value("11,000")
    assert Answer.objects.get(question__key="inhabitants").number == 11000
    giulia.goto(base)
    expect(giulia.get_by_text("11,000 inhabitants")).to_be_visible()
