"""The document pipeline: PDFs through WeasyPrint with a fetcher that reads only data:
URIs and the app's own static files."""

import contextlib
import shutil
import subprocess

import pytest
from django.urls import reverse
from weasyprint.urls import URLFetchingError

from mentoring.documents import BASE_URL, SafeURLFetcher

pytestmark = pytest.mark.django_db


def pdf_text(pdf, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read PDFs back")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def test_benchmark_booklet_pdf(personas, tmp_path):
    url = reverse("benchmarks:booklet", kwargs={"slug": "implementoring-theme-cd", "number": 1})
    response = personas.client("mentee").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="implementoring-theme-cd-v1.pdf"' in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Theme C+D: Promoting civic and political participation in integrating cities" in text
    assert "N5 · Coordination and monitoring at neighbourhood level" in text
    assert "Which structures for political and civic participants" in text
    info = pdf_info(response.content, tmp_path)
    assert "Title:" in info and "Theme C+D" in info
    assert "Tagged:          yes" in info


def test_booklet_needs_login(client):
    url = reverse("benchmarks:booklet", kwargs={"slug": "implementoring-theme-cd", "number": 1})
    assert client.get(url).status_code == 302


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = SafeURLFetcher()
    response = fetcher.fetch(BASE_URL + "static/css/print.css")
    assert b"@page" in response.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.org/logo.png",
        BASE_URL + "static/../../etc/passwd",
        BASE_URL + "static/%2e%2e/settings.py",
        BASE_URL + "media/secret.pdf",
        BASE_URL + "static/does-not-exist.css",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises((URLFetchingError, ValueError)):
        SafeURLFetcher().fetch(url)


def pdf_objects(pdf):
    """The PDF's bytes with its compressed streams (object streams too) inflated."""
    import re
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pdfs_carry_their_language_and_title(personas, tmp_path, language):
    url = reverse("benchmarks:booklet", kwargs={"slug": "implementoring-theme-cd", "number": 1})
    pdf = personas.client("mentee").get(url, HTTP_ACCEPT_LANGUAGE=language).content
    assert f"/Lang ({language})".encode() in pdf_objects(pdf)
    assert "Theme C+D" in pdf_info(pdf, tmp_path).split("Title:")[1].splitlines()[0]
