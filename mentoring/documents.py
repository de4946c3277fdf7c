"""The one document pipeline: an HTML template rendered by ``render_to_string`` and
turned into a PDF by WeasyPrint with a restrictive URL fetcher.

The fetcher serves only ``data:`` URIs and the application's own static files (found by
the staticfiles finders, so nothing outside them is readable); no ``file://``, no
network, no redirects. Every document function returns (filename, content type, bytes),
the same for downloads, tests and benchmarks.
"""

import logging
import mimetypes
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger("mentoring.documents")

# Documents are rendered against this made-up origin; only its /static/ path resolves.
BASE_URL = "https://documents.invalid/"
PDF_CONTENT_TYPE = "application/pdf"


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


def render_pdf(template_name, context, *, filename):
    """Render ``template_name`` with ``context`` and return (filename, content type, PDF bytes)."""
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
    pdf = document.write_pdf(pdf_tags=True)
    return filename, PDF_CONTENT_TYPE, pdf


def pdf_response(template_name, context, *, filename, download=False):
    """The rendered PDF as an HTTP response, shown in the browser (or downloaded)."""
    from django.http import HttpResponse

    filename, content_type, pdf = render_pdf(template_name, context, filename=filename)
    response = HttpResponse(pdf, content_type=content_type)
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return response
