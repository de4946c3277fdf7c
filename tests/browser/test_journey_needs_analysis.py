"""Journey 2 (docs/method.md §6) in a real browser: two officers of a mentee city and one of its
association fill the needs analysis together: drafts, sections by who fills them, a
conflict when two save the same section at once (merged, nothing lost), submission, and
the PDF read back with pdftotext."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from schemes.models import OrganisationKind, Side

from .conftest import confirm, log_in, scheme_with_people, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"


def test_two_officers_and_their_association_fill_the_needs_analysis(page, live_server):
    scheme, organisations = scheme_with_people(
        programme="Welcoming Cities",
        slug="welcoming",
        title="Leuven learns from Tampere",
        password=PASSWORD,
        parties=[
            (OrganisationKind.CITY, "Leuven", "BE", Side.MENTEE),
            (OrganisationKind.ASSOCIATION, "VVSG", "BE", Side.MENTEE),
            (OrganisationKind.CITY, "Tampere", "FI", Side.MENTOR),
        ],
        people=[
            ("anna@leuven.example", "mentee", "Leuven"),
            ("bram@leuven.example", "mentee", "Leuven"),
            ("carla@vvsg.example", "association", "VVSG"),
        ],
    )
    leuven = organisations["Leuven"]
    base = f"/programmes/welcoming/schemes/1/needs-analysis/{leuven.pk}/"
    transcript = []

    anna = log_in(page.context, "anna@leuven.example", PASSWORD)
    bram_context = page.context.browser.new_context(base_url=live_server.url)
    bram = log_in(bram_context, "bram@leuven.example", PASSWORD)
    carla_context = page.context.browser.new_context(base_url=live_server.url)
    carla = log_in(carla_context, "carla@vvsg.example", PASSWORD)

    # Day 1: Anna opens the first section from the scheme page and saves a draft.
    anna.get_by_role("link", name="Leuven learns from Tampere").click()
    anna.get_by_role("link", name="Needs analysis: Leuven").click()
    expect(anna.get_by_text("0 of 3 sections done")).to_be_visible()
    anna.get_by_role("link", name=re.compile(r"^1\. ")).click()
    challenge = anna.get_by_label(re.compile("challenge", re.IGNORECASE)).first
    challenge.fill("Newcomers wait months for a first appointment.")
    anna.get_by_role("button", name="Save draft").click()
    expect(anna.locator(".alert-success")).to_contain_text("Saved.")
    transcript.append("Anna saved a draft of section 1")

    # Anna and Bram both open section 1; Bram saves first, then Anna: a conflict.
    bram.goto(base + "sections/mentee-needs/")
    anna.reload()
    anna_field = anna.get_by_label(re.compile("challenge", re.IGNORECASE)).first
    bram_field = bram.get_by_label(re.compile("challenge", re.IGNORECASE)).first
    bram_field.fill("Newcomers wait months for a first appointment; no one-stop shop.")
    anna_field.fill("Newcomers wait three months on average for a first appointment.")
    bram.get_by_role("button", name="Save draft").click()
    expect(bram.locator(".alert-success")).to_contain_text("Saved.")
    anna.get_by_role("button", name="Save draft").click()
    expect(anna.get_by_role("heading", name="Someone else saved this section while you were writing")).to_be_visible()
    expect(anna.locator(".their-version")).to_contain_text("no one-stop shop")
    expect(anna.get_by_label(re.compile("challenge", re.IGNORECASE)).first).to_have_value(
        "Newcomers wait three months on average for a first appointment."
    )
    screenshot(anna, "needs-analysis-conflict")
    transcript.append("Bram saved first; Anna's save showed a conflict with both versions")
    anna.get_by_label(re.compile("challenge", re.IGNORECASE)).first.fill(
        "Newcomers wait three months on average for a first appointment; no one-stop shop."
    )
    anna.get_by_role("button", name="Save draft").click()
    expect(anna.locator(".alert-success")).to_contain_text("Saved.")
    transcript.append("Anna merged both texts and saved")

    # Carla, for the association, reads the city's part and fills the national part.
    carla.goto(base + "sections/mentee-needs/")
    expect(carla.get_by_text("no one-stop shop")).to_be_visible()
    expect(carla.get_by_role("button", name="Save draft")).to_have_count(0)
    carla.goto(base + "sections/national-context/")
    for field in carla.locator("textarea").all():
        field.fill("Flemish integration decree; regions fund civic integration courses.")
    carla.get_by_role("button", name="Save draft").click()
    expect(carla.locator(".alert-success")).to_contain_text("Saved.")
    transcript.append("Carla (association) filled the national/regional context")

    # Bram fills the rest over the days; numbers in his own words are refused clearly.
    bram.goto(base + "sections/mentee-needs/")
    for field in bram.locator("textarea").all():
        if not field.input_value():
            field.fill("Answered by Bram.")
    bram.get_by_role("button", name="Save and next").click()
    expect(bram.get_by_role("heading", level=1)).to_have_text(re.compile("context", re.IGNORECASE))
    for field in bram.locator("textarea").all():
        field.fill("Answered by Bram.")
    inhabitants = bram.get_by_label(re.compile("inhabitants", re.IGNORECASE)).first
    inhabitants.fill("about 100 thousand")
    for field in bram.locator("input[inputmode]").all():
        if not field.input_value():
            field.fill("50")
    bram.get_by_role("button", name="Save draft").click()
    expect(bram.locator(".invalid-feedback").get_by_text("is not a number")).to_be_visible()
    expect(inhabitants).to_have_value("about 100 thousand")
    inhabitants.fill("102,275")
    bram.get_by_role("button", name="Save draft").click()
    expect(bram.locator(".alert-success")).to_contain_text("Saved.")
    transcript.append("Bram filled the local context (a number in words was refused, then given)")

    # Anna submits; the document is read-only; its PDF reads like a document.
    anna.goto(base)
    expect(anna.get_by_text("3 of 3 sections done")).to_be_visible()
    anna.get_by_role("button", name="Submit").click()
    expect(anna.get_by_role("dialog")).to_contain_text("Who can reopen it for changes")
    confirm(anna, "Submit")
    expect(anna.locator(".alert-success")).to_contain_text("Submitted.")
    screenshot(anna, "needs-analysis-submitted")
    transcript.append("Anna submitted")
    with anna.expect_download() as download_info:
        anna.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'na.pdf'; document.body.appendChild(a); a.click(); }",
            base + "document.pdf",
        )
    pdf_path = download_info.value.path()
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Welcoming Cities" in text and "Needs analysis" in text and "Leuven" in text
    assert "three months on average" in text and "no one-stop shop" in text
    assert "102,275" in text and "Submitted" in text
    assert "regions fund civic integration courses" in text
    transcript.append("The PDF names the programme, the city, the merged answer and the number")
    history = anna.goto(base + "history/")
    assert history.status == 200
    expect(anna.get_by_text("Bram").first).to_be_visible()
    print("\nJourney 2 transcript:\n  " + "\n  ".join(transcript))
    bram_context.close()
    carla_context.close()
