"""Issue 21 in the browser, the method's other evidence: the mentee city's officer attaches
a supporting document to a needs-analysis answer, the evidence of a self-assessment key
factor, the council's decision to a political commitment and the formal decision to the
action plan; the mentor city's officer attaches a file to a comment and a leaflet to a
good practice; a removal asks first. axe checks each of these pages as it loads, with
the files listed and the upload form open."""

import re

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from .conftest import confirm, log_in, scheme_with_people
from .test_journey_attachments import PDF, attach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "evidence-password-2026"
SCHEME = "/programmes/inclusive/schemes/1/"


def attached(page, name):
    expect(page.locator(".alert-success")).to_contain_text(f"“{name}” is attached.")
    row = page.locator("li", has=page.get_by_role("link", name=name, exact=True))
    # Its name, size, type, who added it and when.
    expect(row).to_contain_text(re.compile(r"[\d.]+\s(bytes|KB) · application/pdf · added by \w+ Rossi, "))
    return row


def pdf_viewer(page):
    """The frame of Chromium's PDF viewer in ``page``, once it has started (5 s at most)."""
    for _attempt in range(50):
        viewer = next((frame for frame in page.frames if frame.url.startswith("chrome-extension://")), None)
        if viewer is not None:
            return viewer
        page.wait_for_timeout(100)
    raise AssertionError("Chromium's PDF viewer did not open")


def test_every_kind_of_evidence_is_attached_where_the_method_produces_it(page, live_server):
    from schemes.models import ActionPlan, GoodPractice, KeyFactorAssessment, OrganisationKind, SelfAssessment, Side

    scheme, organisations = scheme_with_people(
        programme="Inclusive Cities",
        slug="inclusive",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        last_name="Rossi",
        benchmark="inclucities-general",
        parties=[
            (OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE),
            (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR),
        ],
        people=[("ines@capaci.example", "mentee", "Capaci"), ("marco@mechelen.example", "mentor", "Mechelen")],
    )
    capaci, mechelen = organisations["Capaci"], organisations["Mechelen"]
    commitment = scheme.commitments.create(name="Anna Bianchi", office="Mayor", date="2026-11-20", scope="both")
    plan = ActionPlan.objects.create(scheme=scheme, title="Capaci's plan")
    assessment = SelfAssessment.objects.create(scheme=scheme, city=capaci, benchmark_id=scheme.benchmark_id)
    first_factor = scheme.benchmark.key_factors.order_by("number").first()
    row = KeyFactorAssessment.objects.create(assessment=assessment, key_factor=first_factor, level=2)
    practice = GoodPractice.objects.create(programme=scheme.programme, city=mechelen, title="Buddy project")

    ines = log_in(page.context, "ines@capaci.example", PASSWORD)
    # A needs-analysis answer, once saved, takes a supporting document.
    section = f"{SCHEME}needs-analysis/{capaci.pk}/sections/mentee-needs/"
    ines.goto(section)
    ines.get_by_label(re.compile("Which challenge/problem/needs")).fill("Newcomers wait months for a first appointment.")
    ines.get_by_role("button", name="Save draft").click()
    expect(ines.get_by_role("heading", name="Supporting documents")).to_be_visible()
    answer = scheme.responses.get().answers.get()
    attach(ines, f"#attachment-file-answer-{answer.pk}", "waiting times 2025.pdf", PDF, "application/pdf")
    attached(ines, "waiting times 2025.pdf")
    assert ines.url.endswith(f"#attachments-answer-{answer.pk}")

    # The evidence of a key factor.
    ines.goto(f"{SCHEME}self-assessment/{capaci.pk}/")
    attach(ines, f"#attachment-file-key_factor-{row.pk}", "council minutes.pdf", PDF, "application/pdf")
    attached(ines, "council minutes.pdf")

    # The political commitment's decision, on the scheme page.
    ines.goto(SCHEME)
    attach(ines, f"#attachment-file-commitment-{commitment.pk}", "council decision.pdf", PDF, "application/pdf")
    attached(ines, "council decision.pdf")

    # The action plan's formal decision; removing it asks first.
    ines.goto(f"{SCHEME}action-plan/")
    attach(ines, f"#attachment-file-approval-{plan.pk}", "approval draft.pdf", PDF, "application/pdf")
    row_of_file = attached(ines, "approval draft.pdf")
    row_of_file.get_by_role("button", name=re.compile("Remove")).click()
    confirm(ines, "Remove")
    expect(ines.locator(".alert-success")).to_contain_text("approval draft.pdf")
    expect(ines.get_by_role("link", name="approval draft.pdf")).to_have_count(0)

    marco = log_in(page.context.browser.new_context(base_url=live_server.url), "marco@mechelen.example", PASSWORD)
    # The mentor reads the mentee's supporting document but may not change it.
    marco.goto(section)
    expect(marco.get_by_role("link", name="waiting times 2025.pdf")).to_be_visible()
    expect(marco.locator(f"#attachment-file-answer-{answer.pk}")).to_have_count(0)
    # A comment's author attaches a file to it.
    marco.locator("#new-comment textarea[name=comment-text]").fill("Our study of the same problem, for comparison.")
    marco.get_by_role("button", name="Add the comment").click()
    comment = scheme.responses.get().comments.get()
    attach(marco, f"#attachment-file-comment-{comment.pk}", "mechelen study.pdf", PDF, "application/pdf")
    attached(marco, "mechelen study.pdf")

    # A good practice's leaflet, for the whole programme.
    marco.goto(f"/programmes/inclusive/good-practices/{practice.pk}/")
    leaflet = HTML(string="<h1>Buddy project</h1><p style='break-before: page'>How to join</p>").write_pdf()
    attach(marco, f"#attachment-file-practice-{practice.pk}", "buddy leaflet.pdf", leaflet, "application/pdf")
    attached(marco, "buddy leaflet.pdf")
    address = marco.get_by_role("link", name="buddy leaflet.pdf").get_attribute("href")
    download = marco.request.get(address)
    assert download.ok and download.body() == leaflet
    # Opened rather than saved, Chromium's own viewer shows it under the download's
    # policy (which lets no script of the file run): its name and its two pages.
    marco.goto(address)
    viewer = pdf_viewer(marco)
    expect(viewer.locator("viewer-toolbar #title")).to_have_text("buddy leaflet.pdf")
    expect(viewer.locator("#pagelength")).to_have_text("2")
