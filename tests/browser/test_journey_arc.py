"""Issue 22 in the browser: one scheme from its first visit to its closing report. The
facilitator starts visit 1's agenda from the method, plans its preparation meeting,
records the visit and writes its report; the mentee city answers and makes a
recommendation a draft action; a thematic benchmark is added for the second half; after
the final self-assessment rounds each side evaluates the mentoring, the closing event and
a support gap are recorded; the closing review, the closing report and the programme
report are read back. axe checks every page; the steps and the PDFs' text go to
test-artifacts/arc-transcript.txt."""

import datetime
import re
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, confirm, log_in, scheme_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "arc-of-the-method-2026"
SCHEME = "/programmes/inclusive/schemes/1/"


def pdf_text(page, address):
    """The text of the PDF at ``address``, fetched with the page's session."""
    response = page.request.get(address)
    assert response.ok and response.headers["content-type"] == "application/pdf", address
    text = subprocess.run(["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def around(text, phrase, width=160):
    """What the reader sees of ``text`` around ``phrase`` (which must be there)."""
    at = text.index(phrase)
    return "…" + text[max(0, at - width // 2) : at + len(phrase) + width] + "…"


def assess(scheme, city, round_number, levels):
    """A submitted self-assessment round of ``city`` (the rounds themselves are journey 3's
    browser test: here they only feed the closing review)."""
    from django.utils import timezone

    from schemes.models import KeyFactorAssessment, SelfAssessment

    assessment = SelfAssessment.objects.create(
        scheme=scheme, city=city, benchmark=scheme.benchmark, round=round_number, submitted_at=timezone.now()
    )
    for key_factor, level in levels.items():
        KeyFactorAssessment.objects.create(assessment=assessment, key_factor=key_factor, level=level)


def test_one_scheme_from_its_first_visit_to_its_closing_report(page, live_server):
    from benchmarks.models import BenchmarkVersion
    from mentoring.models import User
    from schemes.models import OrganisationKind, Side

    scheme, organisations = scheme_with_people(
        programme="Inclusive Cities",
        slug="inclusive",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        last_name="Rossi",
        benchmark="inclucities-general",
        parties=[
            (OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE),
            (OrganisationKind.ASSOCIATION, "ANCI Sicilia", "IT", Side.MENTEE),
            (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR),
        ],
        people=[
            ("fran@eurocities.example", "facilitator", None),
            ("ines@capaci.example", "mentee", "Capaci"),
            ("marco@mechelen.example", "mentor", "Mechelen"),
            ("anna@anci.example", "association", "ANCI Sicilia"),
        ],
    )
    from schemes.models import ProgrammeRole

    carla = User.objects.create_user(email="carla@eurocities.example", password=PASSWORD, first_name="Carla", last_name="Rossi")
    ProgrammeRole.objects.create(programme=scheme.programme, user=carla, role="coordinator")
    capaci, mechelen = organisations["Capaci"], organisations["Mechelen"]
    kf1, kf2 = list(scheme.benchmark.key_factors.order_by("order")[:2])
    scheme.focus_key_factors.set([kf1, kf2])
    assess(scheme, capaci, 1, {kf1: 1, kf2: 2})
    assess(scheme, mechelen, 1, {kf1: 3, kf2: 3})
    start = datetime.date.today() + datetime.timedelta(days=40)
    scheme.visits.filter(order=1).update(start_date=start, end_date=start + datetime.timedelta(days=1), location="Capaci")

    transcript = []

    def say(line):
        transcript.append(line)

    # 1. The visit starts from the method: its aim is the guide's, its agenda the guide's elements.
    fran = log_in(page.context, "fran@eurocities.example", PASSWORD)
    fran.goto(SCHEME + "visits/1/")
    expect(fran.get_by_text(re.compile("introduce the mentors to the local context"))).to_be_visible()
    say("Fran opens Visit 1: its aim is the guide's (“…introduce the mentors to the local context…”).")
    fran.get_by_role("link", name="Start the agenda from the method").click()
    sessions = fran.locator("fieldset[id^=proposal-]")
    expect(sessions.first).to_be_visible()  # count() does not wait for the page
    proposed = [sessions.nth(i).locator("input[name$=-title]").input_value() for i in range(sessions.count())]
    say(f"“Start the agenda from the method” proposes {len(proposed)} sessions: " + "; ".join(proposed))
    fran.get_by_role("button", name="Add the ticked sessions").click()
    expect(fran.locator(".alert-success")).to_be_visible()
    agenda = pdf_text(fran, SCHEME + "visits/1/agenda.pdf")
    assert proposed[0][:30] in agenda
    say(f"Agenda PDF read back: “{around(agenda, proposed[0][:30], 400)}”")

    # Its preparation meeting, a month and a half before (“prepared by working group meeting of all participants 1-2 months before”).
    fran.goto(SCHEME + "visits/1/")
    fran.get_by_role("link", name="Plan a preparation meeting").click()
    expect(fran.get_by_label("Title")).to_have_value("Preparation of Setting the scene")
    fran.get_by_label("Agenda").fill("Who the mentors meet; the questions to clarify.")
    fran.get_by_role("button", name=re.compile("^Save|^Plan")).first.click()
    expect(fran.locator(".alert-success")).to_contain_text("Meeting “Preparation of Setting the scene” planned.")
    fran.goto(SCHEME)
    next_date = " ".join(fran.locator("main").inner_text().split())
    assert "Preparation of Setting the scene" in next_date or "Preparation meeting" in next_date
    say(
        "Fran plans the preparation meeting from the visit page (proposed six weeks before, online, in the visit's time zone); the scheme page's next date is that meeting."
    )

    # 2. After the visit: what happened, then the report.
    fran.goto(SCHEME + "visits/1/")
    fran.get_by_role("link", name="Record notes and outcomes").click()
    fran.get_by_label("Status").select_option(label="Held")
    fran.get_by_label("Outcomes", exact=True).fill("A first list of five actions.")
    fran.get_by_role("button", name=re.compile("^Save")).first.click()
    expect(fran.locator(".alert-success")).to_be_visible()
    fran.goto(SCHEME + "visits/1/")
    fran.get_by_role("link", name="Visit report").click()
    fran.get_by_role("link", name="Add to the report").click()
    fran.get_by_label("Recommendation", exact=True).check()
    fran.get_by_label("Text").fill("Open a single welcome desk with the employment service.")
    fran.get_by_label("Key factor").select_option(index=1)
    fran.get_by_role("button", name=re.compile("^Save|^Add")).first.click()
    expect(fran.get_by_text("Open a single welcome desk with the employment service.", exact=True)).to_be_visible()
    say("Fran records Visit 1 as held and writes a recommendation in its report, tied to key factor 1.")

    ines = log_in(page.context.browser.new_context(base_url=live_server.url), "ines@capaci.example", PASSWORD)
    ines.goto(SCHEME + "visits/1/report/")
    ines.get_by_role("link", name=re.compile("^Respond")).first.click()
    ines.get_by_label("Response of the mentee city").fill("Agreed: the desk opens in the town hall.")
    ines.get_by_role("button", name=re.compile("^Save")).first.click()
    expect(ines.get_by_text("Agreed: the desk opens in the town hall.", exact=True)).to_be_visible()
    ines.get_by_role("button", name="Make it a draft action").first.click()
    confirm(ines, "Make it a draft action")
    expect(ines.locator(".alert-success")).to_contain_text("The recommendation is now a draft action")
    ines.goto(SCHEME + "action-plan/")
    expect(ines.get_by_text(re.compile("From the report of"))).to_be_visible()
    say("Ines responds and makes the recommendation a draft action: the plan shows “From the report of Visit 1…”.")
    report = pdf_text(ines, SCHEME + "visits/1/report/report.pdf")
    assert "Open a single welcome desk" in report and "Agreed: the desk opens" in report
    say(f"Visit report PDF read back: “{around(report, 'Open a single welcome desk', 300)}”")

    # 3. A thematic benchmark for the second half.
    theme = BenchmarkVersion.objects.get(benchmark__slug="inclucities-language-learning")
    fran.goto(SCHEME + "stages/")
    fran.get_by_role("link", name=re.compile("Add a stage")).click()
    fran.get_by_label(re.compile("^Name|^Stage")).first.fill("Second half: language learning")
    fran.get_by_label("Benchmark").select_option(value=str(theme.pk))
    fran.get_by_label(re.compile("Starts")).select_option(index=2)
    fran.get_by_role("button", name=re.compile("^Save|^Add")).first.click()
    expect(fran.locator(".alert-success")).to_contain_text("Stage added.")
    say(f"Fran adds the stage “Second half: language learning” ({theme.title}) from Visit 2.")

    # 4. The closing stage. The final rounds of the first stage (journey 3 fills rounds in the browser).
    assess(scheme, capaci, 2, {kf1: 3, kf2: 3})
    assess(scheme, mechelen, 2, {kf1: 3, kf2: 4})
    ines.goto(SCHEME + "closing/")
    ines.get_by_role("link", name=re.compile("^Write|^Edit")).first.click()
    ines.get_by_label("What did we learn?").fill("Ask the newcomers first.")
    ines.get_by_label("What worked in the mentoring method?").fill("Seeing the desk in Mechelen.")
    ines.get_by_role("button", name=re.compile("^Save")).first.click()
    ines.get_by_role("button", name=re.compile("^Submit")).first.click()
    confirm(ines, "Submit")
    expect(ines.locator(".alert-success")).to_contain_text("Evaluation submitted.")
    ines.get_by_role("link", name="Record the closing event or an output").click()
    ines.get_by_label("Kind").select_option(label="Closing event")
    ines.get_by_label("Title").fill("Capaci presents its plan")
    ines.get_by_label("Date").fill((start + datetime.timedelta(days=200)).isoformat())
    ines.get_by_role("button", name=re.compile("^Save|^Add|^Record")).first.click()
    expect(ines.get_by_role("heading", name="Capaci presents its plan")).to_be_visible()
    anna = log_in(page.context.browser.new_context(base_url=live_server.url), "anna@anci.example", PASSWORD)
    anna.goto(SCHEME + "closing/")
    anna.get_by_role("link", name="Record a support gap or multi-level issue").click()
    anna.get_by_label("Level").select_option(label="National")
    anna.get_by_label("The gap or issue").fill("No national fund for welcome desks.")
    anna.get_by_role("button", name=re.compile("^Save|^Add|^Record")).first.click()
    expect(anna.get_by_text("No national fund for welcome desks.", exact=True).first).to_be_visible()
    say(
        "Ines submits the mentee side's evaluation and records the closing event; Anna (ANCI Sicilia) records a national support gap."
    )

    ines.goto(SCHEME + f"closing/review/?benchmark={scheme.benchmark_id}")
    expect(ines.get_by_role("heading", name="Closing review")).to_be_visible()
    expect(ines.get_by_text("Level moved with no action").first).to_be_visible()
    flagged = ines.locator("#flags, .flags").first.inner_text() if ines.locator("#flags, .flags").count() else ""
    say(
        "The closing review: key factor 1 moved 1 → 3 with the action from the report; key factor 2 moved 2 → 3 with no action, flagged “Level moved with no action”. "
        + " ".join(flagged.split())
    )
    closing = pdf_text(ines, SCHEME + f"closing/report.pdf?benchmark={scheme.benchmark_id}")
    assert "Ask the newcomers first." in closing and "Capaci" in closing
    say(f"Closing report PDF read back: “{closing[:240]}…” and “{around(closing, 'Ask the newcomers first.', 200)}”")
    carla_page = log_in(page.context.browser.new_context(base_url=live_server.url), "carla@eurocities.example", PASSWORD)
    programme = pdf_text(carla_page, "/programmes/inclusive/report.pdf")
    assert "Capaci learns from Mechelen" in programme
    say(f"Programme report PDF (Carla, coordinator) read back: “{around(programme, 'Progress on the benchmark', 400)}”")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "arc-transcript.txt").write_text("\n".join(transcript) + "\n")
