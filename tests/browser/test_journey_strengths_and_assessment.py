"""Journey 3 (docs/method.md §6) in a real browser: the mentor city fills its strengths template
(Annex 3) and records a good practice (Annex 4) attached to it; both cities assess
themselves against the benchmark and the focus key factors are chosen and agreed by both
sides; the chart shows where the cities stand; after a re-assessment round it shows how
far the mentee city moved; the report and strengths PDFs are read back with pdftotext."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from schemes.models import OrganisationKind, Side

from .conftest import confirm, log_in, scheme_with_people, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "journey-three-password-2026"
KF1 = "1. Demonstrating political leadership & public commitment to integration"
KF2 = "2. Conducting needs analysis"
KF4 = "4. Acting as a point of first contact for integration information, guidance and support"
KF7 = "7. Monitoring and tackling discrimination"


def downloaded_text(page, link_name):
    """Save the document behind the link (as "Save link as" does: a plain click opens
    Chromium's PDF viewer) and return its text (pdftotext, on one line)."""
    link = page.get_by_role("link", name=link_name, exact=True)
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.evaluate(
            "a => { const save = a.cloneNode(); save.download = ''; document.body.appendChild(save); save.click(); save.remove(); }"
        )
    text = subprocess.run(["pdftotext", str(download_info.value.path()), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # a cell's text wraps across lines


def submit_round(page):
    """Save and submit in one go: what the page holds is saved first, then the dialog asks."""
    page.get_by_role("button", name="Save and submit this round").click()
    expect(page.get_by_role("dialog")).to_contain_text("The round becomes read-only")
    confirm(page, "Submit this round")
    expect(page.locator(".alert-success")).to_contain_text("Submitted: this round is read-only now.")


def level(label):
    """A level of the scale by its name: its label goes on with what the level means."""
    return re.compile(r"^\s*" + re.escape(label))


def assess(page, levels, evidence=None, focus=()):
    """Give each key factor of ``levels`` ({legend: level label}) its level, in its own
    fieldset, with evidence and the focus box where asked, then save the draft."""
    for key_factor, chosen in levels.items():
        group = page.get_by_role("group", name=key_factor, exact=True)
        group.get_by_label(level(chosen)).check()
        if evidence and key_factor in evidence:
            group.get_by_label("Evidence").fill(evidence[key_factor])
        if key_factor in focus:
            group.get_by_label("Focus on this key factor").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".alert-success")).to_contain_text("Saved.")


def figures(page, caption):
    """The table under a chart: {key factor heading: [cell, ...]}, and its column names."""
    table = page.get_by_role("table", name=caption)
    expect(table).to_be_visible()
    columns = [text.strip() for text in table.locator("thead th").all_inner_texts()][1:]
    rows = {}
    for row in table.locator("tbody tr").all():
        rows[row.locator("th").inner_text().strip()] = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    return columns, rows


def test_the_mentor_city_shows_its_strengths_and_both_cities_assess_themselves(page, live_server):
    scheme, _organisations = scheme_with_people(
        programme="IncluCities",
        slug="inclucities",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        benchmark="inclucities-general",
        last_name="Tester",
        parties=[(OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE), (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR)],
        people=[("maria@capaci.example", "mentee", "Capaci"), ("marc@mechelen.example", "mentor", "Mechelen")],
    )
    benchmark = scheme.benchmark
    kf1_option = f"{benchmark.title}: {KF1}"
    transcript = []

    # 1. The mentor officer fills the strengths template (Annex 3) from the scheme page.
    marc = log_in(page.context, "marc@mechelen.example", PASSWORD)
    marc.get_by_role("link", name="Capaci learns from Mechelen").click()
    marc.get_by_role("link", name="Strengths and experience: Mechelen").click()
    expect(marc.get_by_text("0 of 2 sections done")).to_be_visible()
    marc.get_by_role("link", name=re.compile(r"^1\. Mentors")).click()
    marc.get_by_label("In which policy areas do you consider your city as particularly experienced?").fill(
        "Welcoming newcomers: a one-stop welcome desk run with civil society."
    )
    marc.get_by_label(re.compile("worth being replicated")).fill("The Mechelen welcome desk and buddy project.")
    marc.get_by_label(re.compile("Which other actors")).fill("The public employment service and the adult school.")
    marc.get_by_role("button", name="Save and next").click()
    expect(marc.locator(".alert-success")).to_contain_text("Saved.")
    expect(marc.get_by_role("heading", level=1)).to_have_text("The local context")
    marc.get_by_label(re.compile("How has migration developed")).fill("Steady arrivals; more families since 2015.")
    marc.get_by_label("Number of inhabitants in your city").fill("87,000")
    marc.get_by_label(re.compile("Number of people with a migrant background")).fill("31,000")
    marc.get_by_label("Main nationalities and status groups in the city").fill("Moroccan, Syrian, Polish")
    marc.get_by_label(re.compile("approximate size of the municipal annual budget")).fill("350,000,000")
    marc.get_by_label(re.compile("key policy developments")).fill("A diversity plan adopted by the council.")
    marc.get_by_label(re.compile("any other important factors")).fill("A strong network of volunteers.")
    marc.get_by_role("button", name="Save and next").click()
    expect(marc.locator(".alert-success")).to_contain_text("Saved.")
    expect(marc.get_by_text("2 of 2 sections done")).to_be_visible()
    expect(marc.get_by_text("87,000 inhabitants")).to_be_visible()
    screenshot(marc, "strengths-overview")
    transcript.append("Marc (mentor, Mechelen) filled both sections of the strengths template")

    # 2. He records a good practice (Annex 4) from the strengths page: it is attached to
    # them in the same step and he comes back to them (issue 26).
    expect(marc.get_by_text("No good practice attached yet.")).to_be_visible()
    marc.get_by_role("link", name="Record a new good practice").click()
    expect(marc.get_by_role("heading", level=1)).to_have_text("Record a good practice")
    marc.get_by_label(re.compile(r"^\s*Name/Title of good practice")).fill("One-stop welcome desk")
    marc.get_by_label(re.compile(r"^\s*Theme")).fill("Reception")
    marc.get_by_label(re.compile(r"^\s*Where is it\?")).fill("City hall, Mechelen")
    marc.get_by_label(re.compile(r"^\s*Description")).fill("Every newcomer meets one adviser for every service.")
    marc.get_by_label(re.compile(r"^\s*Transferability")).fill("Works in any city with a front office.")
    marc.get_by_role("group", name="Key factors").get_by_label(kf1_option).check()
    screenshot(marc, "good-practice")
    marc.get_by_role("button", name="Save and attach", exact=True).click()
    expect(marc.locator(".alert-success")).to_contain_text("recorded and attached to these strengths")
    expect(marc.get_by_role("heading", level=1)).to_have_text("Mechelen’s strengths and experience")
    expect(marc.locator("#good-practices").get_by_role("link", name="One-stop welcome desk")).to_be_visible()
    marc.locator("#good-practices").get_by_role("link", name="One-stop welcome desk").click()
    expect(marc.get_by_role("heading", level=1)).to_have_text("One-stop welcome desk")
    expect(marc.get_by_text("Every newcomer meets one adviser for every service.")).to_be_visible()
    expect(marc.get_by_text(kf1_option)).to_be_visible()
    marc.go_back()
    marc.get_by_role("button", name="Submit", exact=True).click()
    confirm(marc, "Submit")
    expect(marc.locator(".alert-success")).to_contain_text("Submitted.")
    expect(marc.get_by_text("Submitted", exact=True)).to_be_visible()
    transcript.append("Marc recorded the good practice 'One-stop welcome desk' (KF1), attached it, and submitted the strengths")

    strengths = downloaded_text(marc, "PDF")
    assert "Mechelen" in strengths and "IncluCities" in strengths
    assert "one-stop welcome desk run with civil society" in strengths and "87,000" in strengths
    assert "Good practices" in strengths and "One-stop welcome desk (Reception)" in strengths
    transcript.append("The strengths PDF names the city, the answers, the figures and the attached good practice")

    # 3. Each city's officer assesses their own city against the benchmark and submits.
    marc.get_by_role("link", name="Capaci learns from Mechelen").first.click()
    marc.get_by_role("link", name="Self-assessment: Mechelen").click()
    expect(marc.get_by_role("heading", level=1)).to_have_text("Self-assessment: Mechelen")
    assess(
        marc,
        {KF1: "Fully in place", KF2: "Largely in place", KF4: "Largely in place"},
        evidence={KF4: "A one-stop welcome desk since 2012."},
    )
    submit_round(marc)
    expect(marc.get_by_text(re.compile(r"Baseline: submitted on .*, read-only"))).to_be_visible()
    transcript.append("Marc assessed Mechelen (KF1 4, KF2 3, KF4 3) and submitted the baseline")

    mentee_context = page.context.browser.new_context(base_url=live_server.url)
    maria = log_in(mentee_context, "maria@capaci.example", PASSWORD)
    maria.get_by_role("link", name="Capaci learns from Mechelen").click()
    maria.get_by_role("link", name="Self-assessment: Capaci").click()
    expect(maria.get_by_text("Guide questions").first).to_be_visible()
    assess(
        maria,
        {KF1: "First steps", KF2: "Not in place", KF4: "Partly in place"},
        evidence={KF4: "The front office opens two mornings a week."},
        focus=(KF1, KF4),
    )
    screenshot(maria, "self-assessment-capaci")
    # The form comes a few key factors a page: Next saves this page, then opens the next.
    pages = maria.get_by_role("navigation", name="Pages of this self-assessment")
    expect(pages.get_by_role("link")).to_have_count(3)
    expect(pages.get_by_role("link", name=re.compile("Key factors 1 to 6"))).to_contain_text("3 of 6 levels given")
    maria.get_by_role("button", name="Next: Key factors 7 to 12").click()
    expect(maria.get_by_role("heading", name="Key factors 7 to 12")).to_be_visible()
    expect(maria.get_by_role("group", name=KF1, exact=True)).to_have_count(0)
    maria.get_by_role("group", name=KF7, exact=True).get_by_label(level("First steps")).check()
    maria.get_by_role("button", name="Previous: Key factors 1 to 6").click()
    expect(pages.get_by_role("link", name=re.compile("Key factors 7 to 12"))).to_contain_text("1 of 6 levels given")
    expect(maria.get_by_role("group", name=KF4, exact=True).get_by_label(level("Partly in place"))).to_be_checked()
    transcript.append("Maria went on to key factors 7 to 12 with Next (KF7 1) and back with Previous: both pages saved")
    submit_round(maria)
    expect(maria.get_by_text("Partly in place", exact=True)).to_be_visible()  # the answers, read-only
    expect(maria.get_by_role("button", name="Save draft")).to_have_count(0)
    transcript.append("Maria assessed Capaci (KF1 1, KF2 0, KF4 2), flagged KF1 and KF4 as focus, and submitted")

    # 4. Maria chooses the focus key factors (what Capaci flagged); Marc agrees.
    maria.get_by_role("link", name="Capaci learns from Mechelen").first.click()
    maria.get_by_role("link", name="Choose or agree the focus key factors").click()
    expect(maria.get_by_text("flagged as focus by Capaci")).to_have_count(2)
    maria.get_by_label(KF1, exact=True).check()
    maria.get_by_label(KF4, exact=True).check()
    maria.get_by_role("button", name="Save the focus key factors").click()
    expect(maria.locator(".alert-success")).to_contain_text("Focus key factors saved; the other side is asked to agree.")
    expect(maria.get_by_role("checkbox", name=KF1, exact=True)).to_be_checked()  # back on the focus page
    maria.get_by_role("link", name="Capaci learns from Mechelen").first.click()
    focus_section = maria.locator("section").filter(has=maria.get_by_role("heading", name="Focus key factors"))
    expect(focus_section.get_by_role("listitem")).to_have_text([KF1, KF4])
    expect(focus_section.get_by_text(re.compile("Mentee side: agreed on"))).to_be_visible()
    expect(focus_section.get_by_text("Mentor side: agreement awaited")).to_be_visible()
    transcript.append("Maria chose KF1 and KF4 as focus (her side agreed by saving)")

    marc.get_by_role("link", name="Capaci learns from Mechelen").first.click()
    marc.get_by_role("link", name="Choose or agree the focus key factors").click()
    expect(marc.get_by_role("checkbox", name=KF1, exact=True)).to_be_checked()
    expect(marc.get_by_role("checkbox", name=KF4, exact=True)).to_be_checked()
    expect(marc.get_by_role("checkbox", name=KF2, exact=True)).not_to_be_checked()
    screenshot(marc, "focus-key-factors")
    marc.get_by_role("button", name="Agree to these focus key factors").click()
    expect(marc.locator(".alert-success")).to_contain_text("Your side's agreement is recorded.")
    expect(marc.get_by_role("button", name="Agree to these focus key factors")).to_have_count(0)
    marc.get_by_role("link", name="Capaci learns from Mechelen").first.click()
    expect(marc.get_by_text(re.compile("Mentor side: agreed on"))).to_be_visible()
    expect(marc.get_by_text(re.compile("Mentee side: agreed on"))).to_be_visible()
    marc.get_by_role("link", name="Choose or agree the focus key factors").click()
    expect(marc.get_by_role("button", name="Agree to these focus key factors")).to_have_count(0)
    marc.get_by_role("link", name="Capaci learns from Mechelen").first.click()
    scope = marc.get_by_role("listitem").filter(has_text=re.compile(r"^Scope"))
    expect(scope).to_contain_text("Done")
    expect(scope).to_contain_text("2 focus key factors")
    transcript.append("Marc agreed for the mentor side; the scheme's scope step is done (2 focus key factors)")

    # 5. The chart shows where both cities stand, with its figures in a table.
    maria.get_by_role("link", name="Self-assessment of every city, with charts").click()  # from the scheme page
    expect(maria.get_by_role("heading", name="Where the cities stand")).to_be_visible()
    expect(maria.get_by_role("img", name=re.compile("Latest round of each city"))).to_be_visible()
    columns, rows = figures(maria, "Latest round of each city: the figures")
    assert columns == ["Capaci (Mentee side): Baseline", "Mechelen (Mentor side): Baseline"]
    assert rows[KF1] == ["1 · First steps", "4 · Fully in place"]
    assert rows[KF2] == ["0 · Not in place", "3 · Largely in place"]
    assert rows[KF4] == ["2 · Partly in place", "3 · Largely in place"]
    assert rows["3. Developing an integration strategy document"] == ["–", "–"]
    expect(maria.get_by_role("heading", name="How far they moved")).to_have_count(0)
    screenshot(maria, "self-assessment-chart")
    transcript.append("The chart's table shows Capaci 1/0/2 and Mechelen 4/3/3 on KF1/KF2/KF4")

    # 6. A year later Capaci re-assesses itself: the chart shows how far it moved.
    maria.get_by_role("link", name="Capaci", exact=True).click()
    maria.get_by_role("button", name="Start a re-assessment").click()
    expect(maria.locator(".alert-success")).to_contain_text("Round 2 started from the previous answers: revise them.")
    group = maria.get_by_role("group", name=KF1, exact=True)
    expect(group.get_by_label(level("First steps"))).to_be_checked()  # carried over, to revise
    assess(
        maria,
        {KF1: "Partly in place", KF2: "First steps", KF4: "Largely in place"},
        evidence={KF4: "The welcome desk now opens every weekday."},
    )
    submit_round(maria)
    columns, rows = figures(maria, "Levels by key factor: the figures")
    assert columns == ["Capaci: Baseline", "Capaci: Round 2"]
    assert rows[KF1] == ["1 · First steps", "2 · Partly in place"]
    assert rows[KF2] == ["0 · Not in place", "1 · First steps"]
    assert rows[KF4] == ["2 · Partly in place", "3 · Largely in place"]
    transcript.append("Maria started a re-assessment and raised KF1 1→2, KF2 0→1, KF4 2→3; submitted")

    maria.get_by_role("link", name="All cities of the scheme").click()
    expect(maria.get_by_role("heading", name="How far they moved")).to_be_visible()
    columns, rows = figures(maria, "Baseline and latest round: the figures")
    assert columns == ["Capaci: Baseline", "Capaci (Mentee side): Round 2", "Mechelen (Mentor side): Baseline"]
    assert rows[KF1] == ["1 · First steps", "2 · Partly in place", "4 · Fully in place"]
    assert rows[KF2] == ["0 · Not in place", "1 · First steps", "3 · Largely in place"]
    assert rows[KF4] == ["2 · Partly in place", "3 · Largely in place", "3 · Largely in place"]
    columns, rows = figures(maria, "Latest round of each city: the figures")
    assert rows[KF1] == ["2 · Partly in place", "4 · Fully in place"]
    screenshot(maria, "self-assessment-progress")
    transcript.append("The scheme's chart shows the movement: baseline and latest of Capaci beside Mechelen")

    # 7. The report PDF: both cities, the key factors, the levels and the movement.
    report = downloaded_text(maria, "Report (PDF)")
    assert "Self-assessment report" in report and "Capaci learns from Mechelen" in report
    assert "Capaci (Mentee side): Round 2" in report and "Mechelen (Mentor side): Baseline" in report
    assert "How far they moved" in report and "Capaci: Baseline" in report
    assert "Conducting needs analysis" in report and "Acting as a point of first contact" in report
    assert "0 · Not in place" in report and "1 · First steps" in report and "4 · Fully in place" in report
    assert "The welcome desk now opens every weekday." in report and "A one-stop welcome desk since 2012." in report
    assert "Largely in place · focus" in report  # KF4, Capaci's latest round, a focus
    transcript.append("The report PDF names both cities, the key factors, each level, the movement and the evidence")

    mentee_context.close()
    print("\nJourney 3 transcript:\n  " + "\n  ".join(transcript))
