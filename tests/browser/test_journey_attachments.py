"""Issue 21 in the browser: a facilitator attaches the minutes of a visit (and is told
why an executable renamed .pdf is refused), the mentee city's officer sees the file and
downloads it through the application, then the scheme's evidence pack. axe checks every
page, the refusal page and the lists of files among them."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from .conftest import capaci_learns_from_mechelen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def attach(page, field, name, content, mime):
    form = page.locator(field).locator("xpath=ancestor::form")
    form.locator("xpath=ancestor::details").locator("summary").first.click()  # "Attach a file" opens the form
    page.locator(field).set_input_files({"name": name, "mimeType": mime, "buffer": content})
    form.get_by_role("button", name="Attach").click()


def test_a_visits_minutes_are_attached_downloaded_and_packed(page, live_server):
    scheme, _organisations = capaci_learns_from_mechelen(
        [("fran@eurocities.example", "facilitator", None), ("ines@capaci.example", "mentee", "Capaci")], PASSWORD
    )
    visit = scheme.visits.get(order=1)
    field = f"#attachment-file-visit-{visit.pk}"
    fran = log_in(page.context, "fran@eurocities.example", PASSWORD)
    fran.goto("/programmes/inclusive/schemes/1/visits/1/")
    attach(fran, field, "tool.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    expect(fran.get_by_text(re.compile("This type of file is not accepted"))).to_be_visible()
    fran.goto("/programmes/inclusive/schemes/1/visits/1/")
    attach(fran, field, "minutes visit 1.pdf", PDF, "application/pdf")
    expect(fran.locator(".alert-success")).to_contain_text("“minutes visit 1.pdf” is attached.")

    ines = log_in(page.context.browser.new_context(base_url=live_server.url), "ines@capaci.example", PASSWORD)
    ines.goto("/programmes/inclusive/schemes/1/visits/1/")
    link = ines.get_by_role("link", name="minutes visit 1.pdf")
    expect(link).to_be_visible()
    download = ines.request.get(link.get_attribute("href"))
    assert download.ok and download.body() == PDF
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("inline")

    ines.goto("/programmes/inclusive/schemes/1/")
    with ines.expect_download() as pack:
        ines.get_by_role("link", name="Evidence pack (ZIP)").click()
    with zipfile.ZipFile(pack.value.path()) as archive:
        names = archive.namelist()
    assert "3 Visits/minutes visit 1.pdf" in names and "contents.txt" in names
