"""The one document pipeline: an HTML template rendered by ``render_to_string`` and
turned into a PDF by WeasyPrint with a restrictive URL fetcher, in a child process.

The fetcher serves only ``data:`` URIs and the application's own static files (found by
the staticfiles finders, so nothing outside them is readable); no ``file://``, no
network, no redirects. ``render_pdf`` returns (filename, content type, bytes), the same
for the background task, tests and benchmarks.

Laying out a long document takes seconds of one core, and a hostile one (a plan of
thousands of actions, a visit of five years) could take minutes and gigabytes. So:

- **Laid out in the background, or in the download that finds none.** A download
  renders the document's HTML (fast, and without the request: a document is the same
  whoever asks, so a worker can make it too), and asks the ``documents`` cache for the
  PDF of exactly that HTML (the key is a hash of it, of the print style sheet and of
  WeasyPrint's version: any change makes a new one, nothing is invalidated by hand). A
  scheme's documents are laid out in the background whenever they change
  (``schemes.documents.documents_refresh``), so a download usually finds its PDF there
  and is a file read. A download that finds none lays it out itself, in the request, and
  says so in the log: no wait for a worker to pick it up. Two exceptions leave it to the
  workers: someone is laying the same document out already (a worker, another download:
  a marker in the cache says it is pending), or this process is laying out another
  download's document (one layout for a request at a time per process, the evidence
  pack's included: with a gunicorn worker per core, a burst of downloads starts at most
  one layout per core, beside the background workers'). The download then enqueues the
  ``document_render`` task (once) and waits at most ``DOCUMENT_WAIT_SECONDS`` for it; a
  document not ready by then is a page that says it is being prepared and opens it when
  it is.
- **In one process.** A document is laid out whole by one WeasyPrint call: no parts, no
  pool, no joining.
- **Within limits.** Whoever lays a document out (a worker, a download) does so in a
  child process with a memory limit (``DOCUMENT_RENDER_MEMORY_MB``) and a time limit
  (``DOCUMENT_RENDER_SECONDS``);
  HTML longer than ``DOCUMENT_MAX_HTML`` characters is not even tried. A document over a
  limit is remembered as too large for a while, and its page says so and offers the
  CSV or XLSX export where there is one.
"""

import gc
import hashlib
import logging
import mimetypes
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django_tasks import task
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger("mentoring.documents")

# Documents are rendered against this made-up origin; only its /static/ path resolves.
BASE_URL = "https://documents.invalid/"
PDF_CONTENT_TYPE = "application/pdf"
CACHE_VERSION = "2"
PENDING, TOO_LARGE = "pending", "too-large"
# Held while this process lays out a document for a request (``Document.for_download``,
# ``Document.made_here``): one at a time per process (a gunicorn worker); a download
# finding it held leaves its document to the workers, the evidence pack waits for it.
_download_layout = threading.Lock()


class SafeURLFetcher(URLFetcher):
    """Fetch ``data:`` URIs and the app's static files; refuse everything else."""

    def __init__(self):
        super().__init__(timeout=5, allowed_protocols={"data", "https"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if parsed.scheme == "https" and parsed.netloc == "documents.invalid" and parsed.path.startswith(static_prefix):
            relative = unquote(parsed.path[len(static_prefix) :])
            path = finders.find(relative) if ".." not in relative.split("/") else None
            if path:
                with open(path, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, headers={"Content-Type": content_type})
        logger.warning("document fetcher refused %s", url[:200])
        raise URLFetchingError(f"Refused by the document fetcher: {url[:200]}")


class DocumentTooLarge(Exception):
    """The document went over a limit of the renderer (size, memory or time)."""


def write_pdf(html):
    """One HTML document to PDF bytes (tagged, so screen readers can read it)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
    return document.write_pdf(pdf_tags=True)


# How many calls deep the layout starts in its thread (decision 0023): where Python 3.11
# puts the edges of its frame stack's pieces, out of WeasyPrint's busiest calls.
LAYOUT_DEPTH = 64


def _deeper(calls, function, *args):
    """``function(*args)``, called ``calls`` calls deeper than this one."""
    return function(*args) if calls <= 0 else _deeper(calls - 1, function, *args)


def laid_out(html):
    """``write_pdf(html)`` in a thread of its own, started ``LAYOUT_DEPTH`` calls deep.

    Python 3.11 keeps its calls' frames in pieces of 16 KiB; a call that does not fit in
    the current piece gets a new one from the system, returned to the system as soon as
    that call returns (CPython issue gh-142183, mended for 3.13 and 3.14 in March 2026,
    not for 3.12). Where the edge of a piece falls among the calls WeasyPrint makes for
    every line of text, a long document pays that for each line: 30 to 40 % more time for
    the 200-action plan. Where the edge falls depends on how deep the layout starts, which a
    thread of its own fixes, whoever asks for the document (a download deep in a web
    request, a worker), and ``LAYOUT_DEPTH`` puts it where it costs least, measured
    (docs/decisions/0023-layout-started-at-a-fixed-depth.md).

    A plain thread, joined: an interruption of the child (Ctrl-C) ends it at once, the
    thread with it."""
    outcome = []

    def lay_out():
        try:
            outcome.append(_deeper(LAYOUT_DEPTH, write_pdf, html))
        except BaseException as error:  # raised again in the calling thread
            outcome.append(error)

    thread = threading.Thread(target=lay_out, name="layout")
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


class _Kept(logging.Handler):
    """In the renderer's child process: what would be logged, kept for the parent."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.name}: {record.getMessage()}")


def _render_child(html, path, memory_bytes, seconds):
    """In the child process: cap the memory and the processor time it may take, write
    the PDF to ``path``.

    The child may be forked from one thread of a web process whose other threads were
    writing to the log at that moment: a lock they held then stays held in the child. So
    the child writes nothing to the log's streams (what WeasyPrint and the fetcher would
    log goes to ``path.log``, which the parent logs; the standard streams are opened
    afresh) and ends with ``os._exit``, whatever happens, without the flush of the
    inherited streams that a normal exit makes.

    The processor-time limit stops the child even if its parent is gone (a web process
    stopped in the middle of a download) while it lays out.

    The child lives for this one document, so Python's cyclic garbage collector is
    switched off in it: its collections (several hundred during a long plan) only walk
    WeasyPrint's boxes, which are all freed together when the child exits. A plan of 200
    actions is laid out about 10 % sooner (docs/performance.md) for 5 MB more at its peak
    (247 MB of address space above the parent's); a table four times as long, past what
    ``MAX_DOCUMENT_TEXT`` lets a plan hold, 63 MB more (477 MB, against the limit of
    ``DOCUMENT_RENDER_MEMORY_MB``, 1,024 by default). Those figures were taken before the
    layout moved to a thread of its own (``laid_out``), whose stack adds 8 MiB of address
    space."""
    # Fresh standard streams over the same files (new objects, new locks), for what is
    # written to them without the log: Python's warnings, a traceback.
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 (the child ends with os._exit)
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    kept = _Kept()
    loggers = [logging.getLogger(), *logging.getLogger().manager.loggerDict.values()]
    for each in loggers:
        if isinstance(each, logging.Logger):
            each.handlers = []
            each.propagate = True
    logging.getLogger().addHandler(kept)
    status = 1
    try:
        gc.disable()
        if memory_bytes:
            # On top of what the process already maps (inherited from its parent).
            _limit_resource(resource.RLIMIT_AS, _mapped_bytes() + memory_bytes)
        _limit_resource(resource.RLIMIT_CPU, seconds + 5)
        Path(path).write_bytes(laid_out(html))
        status = 0
    except MemoryError:
        status = 3
    except BaseException:
        kept.lines.append(traceback.format_exc())
    finally:
        try:
            if kept.lines:
                Path(f"{path}.log").write_text("\n".join(kept.lines), encoding="utf-8")
        finally:
            os._exit(status)


def _limit_resource(which, soft):
    _soft, hard = resource.getrlimit(which)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(which, (soft, hard))


def _mapped_bytes():
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def render_within_limits(html):
    """PDF bytes of ``html``, laid out in a child process under the memory and time
    limits; ``DocumentTooLarge`` when it goes over one."""
    if len(html) > settings.DOCUMENT_MAX_HTML:
        raise DocumentTooLarge(f"{len(html)} characters of HTML")
    # A fork: the child has WeasyPrint and its fonts loaded already, and touches no
    # database connection or cache (it only lays out the HTML it is given, and writes
    # nothing to the log's streams: see _render_child).
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="document-") as folder:
        path = Path(folder, "document.pdf")
        child = context.Process(
            target=_render_child,
            args=(html, path, settings.DOCUMENT_RENDER_MEMORY_MB * 1024 * 1024, settings.DOCUMENT_RENDER_SECONDS),
        )
        child.start()
        child.join(settings.DOCUMENT_RENDER_SECONDS)
        timed_out = child.is_alive()
        if timed_out:
            child.kill()
            child.join()
        log = Path(f"{path}.log")
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                logger.warning("document renderer: %s", line[:500])
        if timed_out:
            raise DocumentTooLarge(f"not laid out within {settings.DOCUMENT_RENDER_SECONDS} s")
        if child.exitcode != 0 or not path.exists():
            raise DocumentTooLarge(f"the renderer stopped (exit code {child.exitcode}: out of memory or failed)")
        return path.read_bytes()


@cache
def _style_fingerprint():
    """What besides the HTML shapes a PDF: the print style sheets, this module and
    WeasyPrint itself."""
    digest = hashlib.sha256((weasyprint.__version__ + CACHE_VERSION).encode())
    for path in (finders.find("css/print.css"), finders.find("css/documents.css"), Path(__file__)):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def cache_key(html):
    return "pdf:" + hashlib.sha256(_style_fingerprint().encode() + b"\0" + html.encode()).hexdigest()


def _state_key(key):
    return f"{key}:state"


@task(queue_name="documents")
def document_render(key, html):
    """Lay out one document and keep it in the ``documents`` cache under ``key`` (or
    remember that it is too large)."""
    if caches["documents"].has_key(key):
        return
    render_and_store(key, html)


def _claim_seconds():
    # How long a document stays "pending" while it is laid out (the renderer's limit,
    # and a margin): a process stopped in the middle does not block it for longer.
    return settings.DOCUMENT_RENDER_SECONDS + 10


def _pending_seconds():
    # How long a document stays "pending": its layout, and its wait in the queue.
    return settings.DOCUMENT_RENDER_SECONDS + settings.DOCUMENT_QUEUE_SECONDS


def render_and_store(key, html):
    """Lay ``html`` out here (within the limits) and keep the PDF under ``key``, or
    remember that it is too large; the PDF, or None. For whoever claimed it
    (``Document._claim``): a worker, or a download."""
    store = caches["documents"]
    started = time.perf_counter()
    try:
        pdf = render_within_limits(html)
        store.set(key, pdf)
    except DocumentTooLarge as error:
        logger.warning("document %s too large to render: %s", key[:16], error)
        store.set(_state_key(key), TOO_LARGE, settings.DOCUMENT_TOO_LARGE_SECONDS)
        return None
    except BaseException:
        # Not "pending" for minutes after a failure: the next download tries again.
        store.delete(_state_key(key))
        raise
    store.delete(_state_key(key))
    logger.info("document %s rendered in %.1f s (%s bytes)", key[:16], time.perf_counter() - started, len(pdf))
    return pdf


def render_pdf(template_name, context, *, filename):
    """Render ``template_name`` with ``context`` and return (filename, content type, PDF
    bytes), in this process and within the limits: for tests and measurements. A cached
    PDF of the same HTML is served as it is."""
    html = render_to_string(template_name, context)
    store = caches["documents"]
    key = cache_key(html)
    pdf = store.get(key)
    if pdf is None:
        pdf = render_within_limits(html)
        store.set(key, pdf)
    return filename, PDF_CONTENT_TYPE, pdf


def render_document(template_name, context, *, filename):
    """The ``Document`` of ``template_name`` with ``context``, in the active language.
    Rendered without a request: the print templates use nothing of it (no user, no CSRF
    token, no messages), so a download and a background worker make the same HTML, and
    so the same key."""
    return Document(render_to_string(template_name, context), filename)


@dataclass
class Document:
    """A printable document: its HTML, the key of its PDF, its file name."""

    html: str
    filename: str

    @cached_property
    def key(self):
        return cache_key(self.html)

    def __str__(self):
        return f"{self.filename} ({self.key[:16]})"

    def pdf(self):
        return caches["documents"].get(self.key)

    def is_current(self):
        """Whether its PDF is in the cache (without reading it)."""
        return caches["documents"].has_key(self.key)

    def state(self):
        return caches["documents"].get(_state_key(self.key))

    def request(self):
        """Enqueue its rendering unless it is ready, pending or known too large."""
        store = caches["documents"]
        if not store.has_key(self.key) and store.add(_state_key(self.key), PENDING, _pending_seconds()):
            document_render.enqueue(self.key, self.html)

    def _claim(self):
        """Whether this process is to lay it out: it is not in the cache, and nobody lays
        it out already (the "pending" marker, added here for as long as a layout may
        take; also there when it is known too large). The file cache's ``add`` is not
        atomic across processes: two downloads in the same instant may both lay it out,
        and both store the same PDF."""
        store = caches["documents"]
        return not store.has_key(self.key) and store.add(_state_key(self.key), PENDING, _claim_seconds())

    def render_here(self):
        """Lay it out in this process (a worker), unless it is ready, pending elsewhere or
        known too large. True when it was laid out."""
        if not self._claim():
            return False
        render_and_store(self.key, self.html)
        return True

    def for_download(self, seconds):
        """The PDF, for a download that did not find it in the cache: laid out here, in
        the request, unless it is laid out elsewhere already or this process is laying out
        another download's document; then left to the workers (enqueued, once) and waited
        for at most ``seconds``. None when it is not ready by then, or too large."""
        if _download_layout.acquire(blocking=False):
            try:
                if self._claim():
                    logger.info("document %s not current at download: laying it out in the request", self)
                    return render_and_store(self.key, self.html)
            finally:
                _download_layout.release()
            logger.info("document %s not current at download: laid out elsewhere, waiting for it", self)
        else:
            logger.info("document %s not current at download: left to the workers (another is laid out here)", self)
        self.request()
        return self.wait(seconds)

    def made_here(self):
        """The PDF, laid out in this request if need be (the evidence pack's documents),
        one layout at a time per process as for a download; a document laid out elsewhere
        meanwhile is waited for, as long as a layout may take. None when too large."""
        pdf = self.pdf()
        if pdf is None and self.state() != TOO_LARGE:
            with _download_layout:
                if self._claim():
                    return render_and_store(self.key, self.html)
            pdf = self.wait(_claim_seconds())
        return pdf

    def wait(self, seconds):
        """The PDF, if it is made within ``seconds``; None otherwise (or too large)."""
        deadline = time.monotonic() + seconds
        pause = 0.05
        while True:
            pdf = self.pdf()
            if pdf is not None or self.state() == TOO_LARGE or time.monotonic() >= deadline:
                return pdf
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def pdf_response(request, document, *, download=False, alternatives=()):
    """``document`` as a PDF response, shown in the browser (or downloaded): at once when
    it is current (laid out already, usually in the background after its last change);
    else laid out in this request (``Document.for_download``), or, when it is left to the
    workers, when it is ready within ``DOCUMENT_WAIT_SECONDS``; else a page saying it is
    being prepared (202), or that it is too large to print (422), offering
    ``alternatives`` ((label, url), such as the CSV export)."""
    filename = document.filename
    pdf = document.pdf()
    if pdf is None and document.state() != TOO_LARGE:
        pdf = document.for_download(settings.DOCUMENT_WAIT_SECONDS)
    if pdf is not None:
        response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
        return response
    too_large = document.state() == TOO_LARGE
    page = render(
        request,
        "documents/not_ready.html",
        {"too_large": too_large, "filename": filename, "alternatives": alternatives, "page_title": filename},
        status=422 if too_large else 202,
    )
    if not too_large:
        page["Retry-After"] = "3"
    return page
