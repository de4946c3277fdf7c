"""The document pipeline: PDFs through WeasyPrint with a fetcher that reads only data:
URIs and the app's own static files."""

import contextlib
import logging
import resource
import shutil
import subprocess
import sys
import threading

import pytest
from django.urls import reverse
from weasyprint.urls import URLFetchingError

from mentoring import documents
from mentoring.documents import BASE_URL, SafeURLFetcher, _deeper, render_within_limits

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


def test_what_the_renderer_would_log_reaches_the_log_of_the_process_that_asked(caplog):
    """The child process that lays a document out writes nothing to the log's streams
    (see the next test); what it would log, such as an address the fetcher refused,
    is logged by its parent."""
    html = '<html><body><p>A logo:</p><img src="https://example.com/logo.png" alt=""></body></html>'
    with caplog.at_level(logging.WARNING):
        pdf = render_within_limits(html)
    assert pdf.startswith(b"%PDF")
    refused = [
        r.getMessage() for r in caplog.records if "document fetcher refused https://example.com/logo.png" in r.getMessage()
    ]
    assert refused and refused[0].startswith("document renderer: mentoring.documents: ")


def test_a_document_laid_out_while_other_threads_write_to_the_log_is_laid_out(settings, monkeypatch, tmp_path):
    """A download lays its document out from one thread of a web process whose other
    threads write to the log: a child forked while one of them held its stream's lock
    must not wait for that lock for ever (and the document be taken for too large)."""
    settings.DOCUMENT_RENDER_SECONDS = 20
    # A server's log: a line-buffered file (not the tests' capture), which the renderer's
    # logger writes to as well.
    stream = open(tmp_path / "server.log", "w", encoding="utf-8", buffering=1)  # noqa: SIM115 (closed below)
    monkeypatch.setattr(sys, "stderr", stream)
    handler = logging.StreamHandler(stream)
    logging.getLogger("mentoring.documents").addHandler(handler)
    stop = threading.Event()

    def chatter():
        while not stop.is_set():
            sys.stderr.seek(0)  # (the same few lines over and over: the file stays small)
            sys.stderr.write("a line of another request's log\n" * 20)
            sys.stderr.flush()

    threads = [threading.Thread(target=chatter, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for number in range(30):
            # (with an address the fetcher refuses: the child's logger has something to say)
            html = f'<p>Document {number}</p><img src="https://example.com/{number}.png" alt="">'
            assert render_within_limits(html).startswith(b"%PDF")
    finally:
        logging.getLogger("mentoring.documents").removeHandler(handler)
        stop.set()
        for thread in threads:
            thread.join()
        stream.close()


def _faults_of_a_layout(html, caller_depth=0):
    """The page faults of the renderer's child laying ``html`` out, asked for from
    ``caller_depth`` calls deeper than here."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    assert _deeper(caller_depth, render_within_limits, html).startswith(b"%PDF")
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before


def test_a_long_document_costs_the_same_however_deep_the_code_that_asks_for_it(monkeypatch):
    """Python 3.11 returns a piece of its frame stack to the system each time the call
    that needed it returns (decision 0023). Where the edge of a piece fell among
    WeasyPrint's calls for each line, a long plan took 30 to 40 % longer to lay out, and
    where it fell depended on how deep the download or the worker asked for it. Counted
    in page faults (the pages the system hands over, which each such piece costs again;
    a count the machine's load does not blur):
    - asked for from depths spread over more than one piece, a long table costs the
      renderer the same;
    - the depth the layout starts at is as cheap as the cheapest of the others tried."""
    cell = "Department of social affairs, with the schools and the youth council " * 3
    rows = "".join(f"<tr><td>{n}</td>" + f"<td class='prose'>{cell}</td>" * 5 + "</tr>" for n in range(30))
    html = (
        '<html lang="en"><head><link rel="stylesheet" href="/static/css/print.css"></head><body>'
        f'<div class="landscape"><h1>Action plan</h1><table class="plan"><tbody>{rows}</tbody></table></div></body></html>'
    )
    callers = {depth: _faults_of_a_layout(html, depth) for depth in range(0, 180, 30)}
    assert max(callers.values()) < 1.25 * min(callers.values()), callers
    chosen = callers[0]
    others = {}
    for depth in (0, 16, 32, 48, 80, 96, 112):
        monkeypatch.setattr(documents, "LAYOUT_DEPTH", depth)
        others[depth] = _faults_of_a_layout(html)
    assert chosen < 1.25 * min(others.values()), (chosen, others)
