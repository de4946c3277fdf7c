"""Journey 4 (docs/method.md §6) in a real browser: a facilitator plans the visits, builds an
agenda, prints it, exports the dates to a calendar and records the outcomes; the mentee
refines the action plan after the visits, compares versions, finalises it, records its
approval and tracks its implementation."""

import re
import subprocess

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from schemes.models import LocalSupportGroup, LocalSupportGroupMember, OrganisationKind, Side

from .conftest import confirm, log_in, scheme_with_people, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "journey-four-password-2026"


def pdf_text(page, url):
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())  # a cell's text wraps across lines


def test_a_facilitator_plans_the_visits_and_the_mentee_gets_its_plan_approved(page, live_server):
    scheme, organisations = scheme_with_people(
        programme="IncluCities",
        slug="inclucities",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        benchmark="inclucities-general",
        last_name="Tester",
        parties=[(OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE), (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR)],
        people=[
            ("felix@facilitators.example", "facilitator", None),
            ("maria@capaci.example", "mentee", "Capaci"),
            ("marc@mechelen.example", "mentor", "Mechelen"),
        ],
    )
    capaci, benchmark = organisations["Capaci"], scheme.benchmark
    scheme.focus_key_factors.add(benchmark.key_factors.order_by("order").first())
    LocalSupportGroupMember.objects.create(
        group=LocalSupportGroup.objects.create(scheme=scheme, city=capaci),
        name="Giulia Rossi",
        organisation="Caritas",
        stakeholder_type="ngo",
    )
    base = "/programmes/inclucities/schemes/1/"
    transcript = []

    # The facilitator plans visit 1 and builds its agenda.
    felix = log_in(page.context, "felix@facilitators.example", PASSWORD)
    felix.get_by_role("link", name="Capaci learns from Mechelen", exact=True).click()
    felix.get_by_role("link", name="Plan the visits and their agendas").click()
    felix.get_by_role("link", name="Plan Setting the scene").click()
    felix.get_by_label("First day").fill("2027-03-10")
    felix.get_by_label("Last day").fill("2027-03-11")
    felix.get_by_label("Time zone").select_option("Europe/Rome")
    felix.get_by_label("Location").fill("Town hall, Capaci")
    felix.get_by_label(re.compile(r"^\s*Aim")).fill("Understand Capaci's needs first-hand.")
    felix.get_by_label(re.compile(r"^\s*Expected outcome")).fill("A shared picture of the needs.")
    felix.get_by_role("button", name="Save").click()
    expect(felix.locator(".alert-success")).to_contain_text("Visit saved.")
    # Its preparation meeting, from the visit page: proposed six weeks before, online.
    felix.get_by_role("link", name="Plan a preparation meeting").click()
    expect(felix.get_by_label("Date")).to_have_value("2027-01-27")
    felix.get_by_role("button", name=re.compile("^Save|^Plan")).first.click()
    expect(felix.locator(".alert-success")).to_contain_text("Meeting “Preparation of Setting the scene” planned.")
    felix.goto(base + "visits/1/")
    transcript.append("Felix planned visit 1 (two days in Capaci, Europe/Rome, aim and outcome) and its preparation meeting")

    felix.get_by_role("link", name="Add a session").click()
    felix.get_by_label("Day").select_option(index=0)
    felix.get_by_label("Starts").fill("09:30")
    felix.get_by_label("Ends").fill("11:00")
    felix.get_by_label("Type of session").select_option(label="Recap of needs")
    felix.get_by_label(re.compile(r"^\s*Title")).fill("Recap of Capaci's needs")
    felix.get_by_label("Place").fill("Council room")
    felix.get_by_label("Led by").fill("Maria")
    felix.get_by_label(re.compile("Maria Tester")).check()
    felix.get_by_label(re.compile("Giulia Rossi")).check()
    felix.get_by_role("button", name="Save and add another").click()
    felix.get_by_label("Day").select_option(index=0)
    felix.get_by_label("Starts").fill("10:00")
    felix.get_by_label("Ends").fill("12:00")
    felix.get_by_label("Type of session").select_option(label="Site visit")
    felix.get_by_label(re.compile(r"^\s*Title")).fill("Visit to the welcome desk")
    felix.get_by_role("button", name="Save", exact=True).click()
    expect(
        felix.locator(".invalid-feedback").get_by_text("This overlaps “Recap of Capaci's needs” (09:30–11:00)")
    ).to_be_visible()
    felix.get_by_label("Starts").fill("11:30")
    felix.get_by_label("Ends").fill("13:00")
    felix.get_by_role("button", name="Save", exact=True).click()
    expect(felix.get_by_text("2 sessions · 3 h 00 in all")).to_be_visible()
    screenshot(felix, "visit-agenda")
    transcript.append("Felix added two sessions; an overlapping one was refused, then moved")

    # Reordering with JavaScript: the agenda is updated in place, the focus stays on the
    # moved session, and the slots are swapped (lengths and the gap kept).
    felix.evaluate("window.stayedOnThePage = true")
    felix.get_by_role("button", name="Later Recap of Capaci's needs").click()
    rows = felix.locator("#agenda tbody tr")
    expect(rows.nth(0)).to_contain_text("09:30–11:00")
    expect(rows.nth(0)).to_contain_text("Visit to the welcome desk")
    expect(rows.nth(1)).to_contain_text("11:30–13:00")
    assert felix.evaluate("window.stayedOnThePage") is True
    assert felix.evaluate("document.activeElement.textContent.trim()") == "Earlier Recap of Capaci's needs"
    expect(felix.locator("#reorder-status")).to_have_text("Moved.")
    transcript.append("Felix moved the recap later: the agenda changed in place (JavaScript), focus kept")

    agenda = pdf_text(felix, base + "visits/1/agenda.pdf")
    assert "Wednesday 10 March 2027" in agenda and "09:30–11:00" in agenda and "Council room" in agenda
    assert "Giulia Rossi" in agenda and "Caritas" in agenda
    transcript.append("The agenda PDF lists the day, times, places and participants with organisations")
    feed = felix.request.get(base + "visits/calendar.ics")
    calendar = Calendar.from_ical(feed.body())
    sessions = [e for e in calendar.walk("VEVENT") if e["dtstart"].params.get("TZID") == "Europe/Rome"]
    assert len(sessions) == 2 and str(sessions[0]["url"]).endswith("/visits/1/")
    transcript.append("The scheme's calendar parses back (icalendar): 2 timed sessions in Europe/Rome, links to the visit")

    felix.get_by_role("link", name="Record notes and outcomes").click()
    felix.get_by_label("Status").select_option(label="Held")
    felix.get_by_label("Outcomes").fill("Three priorities agreed.")
    felix.get_by_label("Agreed next steps").fill("Draft the action plan.")
    felix.get_by_label(re.compile("Giulia Rossi")).check()
    felix.get_by_role("button", name="Save").click()
    expect(felix.get_by_text("Three priorities agreed.")).to_be_visible()
    transcript.append("Felix recorded the outcomes and who of the local support group attended")

    # The mentee drafts the plan; versions are frozen after visits 1 and 2.
    mentee_context = page.context.browser.new_context(base_url=live_server.url)
    maria = log_in(mentee_context, "maria@capaci.example", PASSWORD)
    maria.goto(base)
    maria.get_by_role("link", name="Open the action plan").click()
    maria.get_by_role("link", name="Edit the needs").click()
    maria.locator("textarea, input[type=text]").first.fill("Newcomers do not find the services")
    maria.get_by_role("button", name="Save").click()
    maria.get_by_role("link", name="Add an action").click()
    maria.get_by_label(re.compile(r"^\s*1\. ACTIONS\s*(\(required\))?\s*$")).fill("Open a one-stop welcome desk")
    maria.get_by_label("Timeframe").fill("By June 2027")
    maria.get_by_label("Due date").fill("2027-06-30")
    maria.get_by_label("Who leads").fill("Integration office")
    maria.get_by_label("Newcomers do not find the services").check()
    maria.get_by_role("button", name="Save", exact=True).click()
    expect(maria.get_by_text("Not addressed by any action yet")).to_be_visible()  # the focus key factor
    maria.get_by_role("link", name="Freeze this version").click()  # the versions page, its form
    maria.get_by_label("Label of this version").fill("Draft after visit 1")
    maria.get_by_label("After visit").select_option(index=1)
    maria.get_by_role("button", name="Freeze this version").click()
    expect(maria.get_by_text("“Draft after visit 1” frozen")).to_be_visible()
    maria.get_by_role("link", name="Edit action 1").click()
    maria.get_by_label("Who leads").fill("Mayor's office")
    maria.get_by_label(re.compile(r"^\s*1 · ")).check()
    maria.get_by_role("button", name="Save", exact=True).click()
    expect(maria.get_by_text("Not addressed by any action yet")).to_have_count(0)
    maria.get_by_role("link", name="Freeze this version").click()
    maria.get_by_label("Label of this version").fill("Draft after visit 2")
    maria.get_by_role("button", name="Freeze this version").click()
    maria.get_by_role("link", name="Compare versions").click()
    maria.get_by_label("From").select_option("1")
    maria.get_by_label("To").select_option("2")
    maria.get_by_role("button", name="Compare").click()
    expect(maria.locator("ins").first).to_contain_text("Mayor's")
    screenshot(maria, "action-plan-compare")
    transcript.append("Maria drafted the plan, froze it after visits 1 and 2, and compared them (who leads changed)")

    maria.get_by_role("link", name="Back to the action plan").click()
    maria.get_by_role("button", name="Submit the final version for approval").click()
    confirm(maria, "Submit the final version")
    maria.get_by_label("Formal decision reference").fill("Giunta comunale 2027/45")
    maria.get_by_role("button", name="Record the approval").click()
    expect(maria.get_by_role("dialog")).to_contain_text("any later change is a revision")
    confirm(maria, "Record the approval")
    expect(maria.get_by_text("The action plan is approved.")).to_be_visible()
    expect(maria.get_by_role("link", name="Add an action")).to_have_count(0)
    transcript.append("Maria submitted the final version and recorded its approval (read-only since)")

    maria.get_by_text("Record progress").click()
    maria.get_by_label(re.compile(r"^\s*Date")).fill("2027-05-02")
    maria.get_by_label(re.compile(r"^\s*Status")).select_option(label="In progress")
    maria.get_by_label(re.compile(r"^\s*Progress")).fill("40")
    maria.get_by_label(re.compile(r"^\s*Update")).fill("The desk opens two days a week.")
    maria.get_by_role("button", name="Save").click()
    expect(maria.get_by_text("In progress · 40 %", exact=True)).to_be_visible()
    screenshot(maria, "action-plan-implementation")
    plan = pdf_text(maria, base + "action-plan/action-plan.pdf")
    assert "Open a one-stop welcome desk" in plan and "Mayor's office" in plan and "Giunta comunale 2027/45" in plan
    transcript.append("Maria recorded progress (40 %); the plan PDF shows the action, its lead and the decision")
    mentee_context.close()
    print("\nJourney 4 transcript:\n  " + "\n  ".join(transcript))
