"""The one document pipeline: an HTML template rendered by ``render_to_string`` and
turned into a PDF by WeasyPrint with a restrictive URL fetcher.

The fetcher serves only ``data:`` URIs and the application's own static files (found by
the staticfiles finders, so nothing outside them is readable); no ``file://``, no
network, no redirects. Every document function returns (filename, content type, bytes),
the same for downloads, tests and benchmarks.

Two things keep documents fast (measured by ``manage.py measure_speed``):

- **A cache per document version.** The key is a hash of the exact HTML a PDF is made
  from (and of the print style sheet and the WeasyPrint version), so an unchanged
  document is served from the ``documents`` cache and any change makes a new one.
  Nothing has to be invalidated by hand.
- **Long documents in parts.** Nearly all of WeasyPrint's time goes into laying out lines
  of text, in Python, on one core. A document whose template is given ``parts_of`` (the
  name of its list of rows, such as the actions of a plan) is cut into parts of at least
  ``DOCUMENT_PART_MIN_ROWS`` rows; the parts are laid out side by side in
  ``DOCUMENT_WORKERS`` processes, then joined into one PDF with pikepdf: the pages, the
  tag tree (so the PDF stays tagged for screen readers), and the page numbers, which
  only the whole document knows and are drawn over each page last, as artifacts.
"""

import hashlib
import logging
import math
import mimetypes
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger("mentoring.documents")

# Documents are rendered against this made-up origin; only its /static/ path resolves.
BASE_URL = "https://documents.invalid/"
PDF_CONTENT_TYPE = "application/pdf"
CACHE_VERSION = "1"


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
            relative = unquote(parsed.path[len(static_prefix):])
            path = finders.find(relative) if ".." not in relative.split("/") else None
            if path:
                with open(path, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, headers={"Content-Type": content_type})
        logger.warning("document fetcher refused %s", url[:200])
        raise URLFetchingError(f"Refused by the document fetcher: {url[:200]}")


@dataclass(frozen=True)
class Part:
    """Which part of a document a template renders: ``offset`` rows come before it."""

    index: int = 0
    count: int = 1
    offset: int = 0

    @property
    def first(self):
        return self.index == 0

    @property
    def whole(self):
        return self.count == 1



def write_pdf(html):
    """One HTML document to PDF bytes (tagged, so screen readers can read it)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
    return document.write_pdf(pdf_tags=True)


@cache
def _style_fingerprint():
    """What besides the HTML shapes a PDF: the print style sheet, the page numbers of
    documents made in parts, this module and WeasyPrint itself."""
    digest = hashlib.sha256((weasyprint.__version__ + CACHE_VERSION).encode())
    for path in (finders.find("css/print.css"), Path(__file__), Path(settings.BASE_DIR, "templates/documents/page_numbers.html")):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def cache_key(htmls):
    digest = hashlib.sha256(_style_fingerprint().encode())
    for html in htmls:
        digest.update(b"\0" + html.encode())
    return "pdf:" + digest.hexdigest()


def split_rows(rows, workers, min_rows):
    """``rows`` cut into at most ``workers`` nearly equal parts of at least ``min_rows``
    (one part, maybe empty, when there are too few)."""
    count = min(workers, len(rows) // max(min_rows, 1))
    if count < 2:
        return [rows]
    size = math.ceil(len(rows) / count)
    return [rows[start:start + size] for start in range(0, len(rows), size)]


def render_pdf(template_name, context, *, filename, parts_of=None, page=""):
    """Render ``template_name`` with ``context`` and return (filename, content type, PDF bytes).

    With ``parts_of``, the list ``context[parts_of]`` may be cut into parts made side by
    side; the template is given ``part`` (a ``Part``) either way."""
    rows = list(context[parts_of]) if parts_of else []
    chunks = split_rows(rows, settings.DOCUMENT_WORKERS, settings.DOCUMENT_PART_MIN_ROWS) if parts_of else [rows]
    htmls, offset = [], 0
    for index, chunk in enumerate(chunks):
        part_context = {**context, "part": Part(index, len(chunks), offset)}
        if parts_of:
            part_context[parts_of] = chunk
        htmls.append(render_to_string(template_name, part_context))
        offset += len(chunk)
    store = caches["documents"]
    key = cache_key(htmls)
    pdf = store.get(key)
    if pdf is None:
        pdf = write_pdf(htmls[0]) if len(htmls) == 1 else _write_parts(htmls, page)
        store.set(key, pdf)
    return filename, PDF_CONTENT_TYPE, pdf


def pdf_response(template_name, context, *, filename, download=False, parts_of=None, page=""):
    """The rendered PDF as an HTTP response, shown in the browser (or downloaded)."""
    filename, content_type, pdf = render_pdf(template_name, context, filename=filename, parts_of=parts_of, page=page)
    response = HttpResponse(pdf, content_type=content_type)
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return response


# Parts -------------------------------------------------------------------------------

_pool = None
_pool_lock = threading.Lock()


def _start_worker():
    """Set up Django, then make a small document so that fonts and style sheets are
    loaded before the first real part arrives."""
    import django

    django.setup()
    write_pdf(render_to_string("documents/page_numbers.html", {"language": "en", "page": "", "pages": range(1)}))


def _executor():
    """A pool of ``DOCUMENT_WORKERS - 1`` processes (this one makes the first part),
    started once from a clean fork server: nothing of a request, a thread or a database
    connection is inherited."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["mentoring.documents"])
            _pool = ProcessPoolExecutor(
                max_workers=max(1, settings.DOCUMENT_WORKERS - 1), mp_context=context, initializer=_start_worker
            )
        return _pool


def _reset_pool():
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _write_parts(htmls, page):
    try:
        futures = [_executor().submit(write_pdf, html) for html in htmls[1:]]
        pdfs = [write_pdf(htmls[0])] + [future.result() for future in futures]
    except BrokenProcessPool:
        logger.exception("document workers stopped; making the parts here")
        _reset_pool()
        pdfs = [write_pdf(html) for html in htmls]
    return join_parts(pdfs, page)


def join_parts(pdfs, page=""):
    """One PDF from the parts' PDFs: pages, tag tree and outline of each part, in order,
    then "page / pages" drawn over every page (the parts leave that margin empty)."""
    import pikepdf

    whole = pikepdf.open(BytesIO(pdfs[0]))
    tree = whole.Root.StructTreeRoot
    document_element = tree.K[0]
    numbers = tree.ParentTree.Nums
    next_key = _next_parent_key(numbers)
    for data in pdfs[1:]:
        part = pikepdf.open(BytesIO(data))
        first_page = len(whole.pages)
        whole.pages.extend(part.pages)
        # The copied pages and the copied tag tree share one foreign-object map, so the
        # tags' page references land on the copied pages.
        part_tree = whole.copy_foreign(part.Root.StructTreeRoot)
        for element in part_tree.K[0].K:
            element.P = document_element
            document_element.K.append(element)
        part_numbers = part_tree.ParentTree.Nums
        for position in range(0, len(part_numbers), 2):
            numbers.append(int(part_numbers[position]) + next_key)
            numbers.append(part_numbers[position + 1])
        for copied in whole.pages[first_page:]:
            if "/StructParents" in copied.obj:
                copied.obj.StructParents = int(copied.obj.StructParents) + next_key
            for annotation in copied.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + next_key
        next_key = _next_parent_key(numbers)
    tree.ParentTreeNextKey = next_key
    stamps = pikepdf.open(BytesIO(_page_numbers_pdf(get_language() or "en", page, len(whole.pages))))
    for target, stamp in zip(whole.pages, stamps.pages, strict=True):
        target.add_overlay(stamp)
    out = BytesIO()
    whole.save(out)
    return out.getvalue()


def _next_parent_key(numbers):
    keys = [int(numbers[position]) for position in range(0, len(numbers), 2)]
    return max(keys, default=-1) + 1


@lru_cache(maxsize=64)
def _page_numbers_pdf(language, page, pages):
    """``pages`` empty pages in the document's page layout (``page``, the class that names
    it), with only their numbers, in the language the document was made in. They depend on
    nothing else, so each process keeps the last few page counts it drew (WeasyPrint
    spends about 5 ms on each page, even an empty one)."""
    return write_pdf(render_to_string("documents/page_numbers.html", {"language": language, "page": page, "pages": range(pages)}))
