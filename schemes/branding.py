"""A programme's branding on its documents (issue 26): its logo, its funding line and
the funder's emblem ("Funded by the Asylum, Migration and Integration Fund" beside the
EU emblem), printed at the top of every PDF the application makes.

An uploaded image is checked from its bytes (the attachments' own sniffing:
``schemes.services.attachments.file_type``), not its name: PNG or JPEG only, at most
``BRANDING_MAX_BYTES``. SVG is refused outright (a drawing can carry a script). The
image is then decoded and re-encoded as a PNG of at most ``MAX_SIDE`` pixels a side, so
what is stored is only pixels (no metadata, no trailing file), and small enough to be
embedded in each document as a ``data:`` URI: the documents' URL fetcher
(mentoring/documents.py) stays closed to everything but ``data:`` and static files.
"""

import base64
import io
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BRANDING_MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 800  # pixels: sharp at 30 mm wide when printed, small as a data: URI
MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded (a decompression bomb)
ALLOWED = {"image/png", "image/jpeg"}
IMAGE_HELP = gettext_lazy(
    "A PNG or JPEG image of at most 2 MB, printed at the top of every document. "
    "SVG drawings are not accepted (they can carry scripts): export the drawing as PNG."
)


def image_clean(upload):
    """The upload as a ``ContentFile`` of a re-encoded PNG, or ``ValidationError`` saying
    what is wrong (too large, not a PNG or JPEG, damaged)."""
    from PIL import Image, UnidentifiedImageError

    from .services.attachments import AttachmentRefused, file_type

    if upload.size is not None and upload.size > BRANDING_MAX_BYTES:
        raise ValidationError(
            _("This image is larger than %(size)s.") % {"size": filesizeformat(BRANDING_MAX_BYTES)}, code="too_large"
        )
    data = b"".join(upload.chunks())
    if len(data) > BRANDING_MAX_BYTES:
        raise ValidationError(
            _("This image is larger than %(size)s.") % {"size": filesizeformat(BRANDING_MAX_BYTES)}, code="too_large"
        )
    not_image = _("Only a PNG or JPEG image is accepted here (not SVG, PDF or other files).")
    try:
        mime = file_type(data, "image")
    except AttachmentRefused as exc:
        raise ValidationError(not_image, code="type") from exc
    if mime not in ALLOWED:
        raise ValidationError(not_image, code="type")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("This image has too many pixels: make it smaller."), code="too_large")
            image.load()
            image = image.convert("RGBA")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This image is damaged or not what it claims to be."), code="damaged") from exc
    return ContentFile(out.getvalue(), name="branding.png")


@lru_cache(maxsize=64)
def _data_uri(name):
    # Keyed by the stored name, which is new (a uuid) for every upload: never stale.
    try:
        with storages["attachments"].open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def data_uri(field_file):
    """The stored image as a ``data:`` URI ("" when there is none, or it is missing)."""
    return _data_uri(field_file.name) if field_file else ""


def funding_text(programme):
    """The line printed under the documents' header: the programme's funding line, else
    "Funded by: <funding>", else nothing."""
    if programme.funding_line:
        return programme.funding_line
    if programme.funding:
        return _("Funded by: %(funding)s") % {"funding": programme.funding}
    return ""


def branding(programme):
    """What the documents' header shows for ``programme`` (None: no programme)."""
    if programme is None:
        return None
    return {
        "name": programme.name,
        "logo": data_uri(programme.logo),
        "emblem": data_uri(programme.emblem),
        "funding": funding_text(programme),
    }
