"""Attachments: what a file is (decided from its content, never its name), the limits an
upload meets, and the writes (add, remove, restore), each with its history row and its
activity-log entry.

The rules, in the order an upload meets them:

1. Size while it streams (``SizeLimitHandler``): more than ``ATTACHMENT_MAX_BYTES`` and
   the rest of the file is skipped before it fills the disk.
2. The rate per person (``ATTACHMENT_UPLOADS_PER_HOUR``, 30 by default, counted from the
   attachments the person added in the last hour, removed ones included) and the total
   per scheme (``SCHEME_ATTACHMENTS_MAX_BYTES``, the attachments not removed; for a
   programme's own files, the good practices', the same total per programme), checked
   with the scheme's (or programme's) row locked so that two uploads at once cannot
   both pass.
3. The type, from the bytes (``file_type``): PDF without active content, JPEG, PNG, GIF
   and WebP images that end where the image ends, office documents (OOXML without
   macros, OpenDocument, legacy OLE2 documents named .doc/.xls/.ppt), and UTF-8 or
   Windows-1252 text and CSV that do not look like markup. Everything else (HTML, SVG,
   executables, archives, polyglots) is refused, with a message naming what is allowed.
4. The same file (same SHA-256) already attached to the object, and not removed: refused
   (a database constraint holds it for two uploads at the same instant).

The file is written to storage first, then its row, in a savepoint: a storage error
writes no row, and a row that cannot be written (the constraint) removes its file.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.activity import log_action

from ..models import (
    ActionPlan,
    ActionPlanStatus,
    AgendaItem,
    Answer,
    Attachment,
    Comment,
    DisseminationOutput,
    GoodPractice,
    ImplementationUpdate,
    KeyFactorAssessment,
    PoliticalCommitment,
    Programme,
    ResponseStatus,
    Scheme,
    Visit,
)

NAME_LENGTH = 150

# What a file may be, by the type decided from its content: (label, served inline).
ALLOWED = {
    "application/pdf": ("PDF", True),
    "image/jpeg": ("JPEG", True),
    "image/png": ("PNG", True),
    "image/gif": ("GIF", True),
    "image/webp": ("WebP", True),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word", False),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel", False),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("PowerPoint", False),
    "application/vnd.oasis.opendocument.text": ("OpenDocument text", False),
    "application/vnd.oasis.opendocument.spreadsheet": ("OpenDocument spreadsheet", False),
    "application/vnd.oasis.opendocument.presentation": ("OpenDocument presentation", False),
    "application/msword": ("Word 97-2003", False),
    "application/vnd.ms-excel": ("Excel 97-2003", False),
    "application/vnd.ms-powerpoint": ("PowerPoint 97-2003", False),
    "text/plain": (gettext_lazy("Text"), False),
    "text/csv": ("CSV", False),
}
# For the file input's ``accept``: a hint to the browser, never a check.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt,.txt,.csv," + ",".join(sorted(ALLOWED))
ALLOWED_TYPES = gettext_lazy(
    "PDF, images (JPEG, PNG, GIF, WebP), office documents (Word, Excel, PowerPoint, OpenDocument), text and CSV"
)

OOXML = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_VBA = "_VBA_PROJECT".encode("utf-16-le")
OLE2_BY_EXTENSION = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
# Markup a browser would run or render, wherever it sits in a file that is not a PDF or
# an office document (an image, a text): such a file is refused.
MARKUP = re.compile(rb"<\s*(script|html|svg|body|iframe|object|embed|!doctype|\?xml|\?php)\b", re.IGNORECASE)
# PDF names that run something or carry another file (after #xx escapes are decoded).
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
# How far before a stream its object's dictionary is looked at (for "/Type /ObjStm").
OBJECT_HEADER = 512
INFLATED_MAX = 64 * 1024 * 1024  # the most a PDF's streams are inflated to, all together
# Control characters and the bidi marks and overrides that make "gpj.exe" read "exe.jpg".
BIDI = dict.fromkeys([0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


class AttachmentRefused(Exception):
    """An upload the rules refuse; ``str()`` is the message for the person."""


# What the attachments may be attached to. Each target kind: its model, how it is found
# in the scheme (another scheme's object is not found: a 404), the document of the
# access rules whose ``edit`` adds and removes and whose ``view`` downloads, the page it
# is shown on, and whether it is locked (a message) or not (None).
@dataclass(frozen=True)
class Target:
    model: type
    document: str
    objects: object  # scheme -> queryset of the scheme's objects of this kind
    url: object  # (scheme, obj) -> address of the page that shows the attachments
    locked: object = None  # obj -> message or None
    # When the document-wide rule is not enough (a questionnaire's section, a comment's
    # author, a city's self-assessment): the kind's own check, in schemes.views.attachments.
    rule: str = ""


def _scheme_url(scheme, name, anchor="", **kwargs):
    return reverse(name, kwargs={"programme": scheme.programme.slug, "number": scheme.number, **kwargs}) + anchor


def plan_url(scheme, plan, anchor=""):
    """The plan's page: the shared plan's, or a community city's own (issue 23)."""
    if plan.organisation_id is None:
        return _scheme_url(scheme, "schemes:action_plan", anchor)
    return _scheme_url(scheme, "schemes:city_action_plan", anchor, city=plan.organisation_id)


def _plan_locked(plan):
    if plan.status == ActionPlanStatus.APPROVED:
        return _("This action plan is approved: its attachments can no longer change. It must be reopened first.")
    return None


def _answer_locked(answer):
    if answer.response.status == ResponseStatus.SUBMITTED:
        return _("This document is submitted: its supporting documents can no longer change. It must be reopened first.")
    return None


def _comment_locked(comment):
    thread = comment.parent or comment
    if thread.resolved_at is not None:
        return _("This comment's thread is resolved: its files can no longer change.")
    return None


def _key_factor_locked(row):
    if row.assessment.submitted_at is not None:
        return _(
            "This self-assessment round is submitted: its evidence can no longer change. Start a re-assessment to change it."
        )
    return None


def _filling_url(scheme, response, section_key, anchor):
    name = {"needs_analysis": "schemes:needs_analysis", "strengths": "schemes:strengths"}[response.template.kind]
    base = reverse(
        name, kwargs={"programme": scheme.programme.slug, "number": scheme.number, "organisation": response.organisation_id}
    )
    return f"{base}sections/{section_key}/{anchor}"


def _key_factor_url(scheme, row):
    from ..views.assessments import key_factor_url

    return key_factor_url(scheme, row)


TARGETS = {
    "visit": Target(
        model=Visit,
        document="visit",
        objects=lambda scheme: scheme.visits.all(),
        url=lambda scheme, visit: _scheme_url(scheme, "schemes:visit", visit=visit.order),
    ),
    "session": Target(
        model=AgendaItem,
        document="visit",
        objects=lambda scheme: AgendaItem.objects.filter(visit__scheme=scheme).select_related("visit"),
        url=lambda scheme, session: _scheme_url(scheme, "schemes:visit", f"#session-{session.pk}", visit=session.visit.order),
    ),
    "commitment": Target(
        model=PoliticalCommitment,
        document="political_commitment",
        objects=lambda scheme: scheme.commitments.all(),
        url=lambda scheme, commitment: _scheme_url(scheme, "schemes:scheme", f"#commitment-{commitment.pk}"),
    ),
    "approval": Target(
        model=ActionPlan,
        document="action_plan",
        objects=lambda scheme: ActionPlan.objects.filter(scheme=scheme),
        url=lambda scheme, plan: plan_url(scheme, plan, "#approval"),
        locked=_plan_locked,
        rule="plan",  # a community city's plan: its own officers (schemes.views.attachments)
    ),
    "update": Target(
        model=ImplementationUpdate,
        document="implementation_update",
        objects=lambda scheme: ImplementationUpdate.objects.filter(action__plan__scheme=scheme).select_related("action__plan"),
        url=lambda scheme, update: plan_url(scheme, update.action.plan, f"#update-{update.pk}"),
        rule="plan",
    ),
    "answer": Target(
        model=Answer,
        document="",  # the section's own rule: schemes.views.attachments
        objects=lambda scheme: Answer.objects.filter(response__scheme=scheme).select_related(
            "response__template", "question__section"
        ),
        url=lambda scheme, answer: _filling_url(
            scheme, answer.response, answer.question.section.key, f"#attachments-answer-{answer.pk}"
        ),
        locked=_answer_locked,
        rule="answer",
    ),
    "comment": Target(
        model=Comment,
        document="",
        objects=lambda scheme: Comment.objects.filter(response__scheme=scheme).select_related(
            "response__template", "section", "parent"
        ),
        url=lambda scheme, comment: _filling_url(
            scheme, comment.response, comment.section.key, f"#comment-{(comment.parent_id or comment.pk)}"
        ),
        locked=_comment_locked,
        rule="comment",
    ),
    "key_factor": Target(
        model=KeyFactorAssessment,
        document="self_assessment",
        objects=lambda scheme: KeyFactorAssessment.objects.filter(assessment__scheme=scheme).select_related(
            "assessment__city", "key_factor"
        ),
        url=_key_factor_url,
        locked=_key_factor_locked,
        rule="key_factor",
    ),
    # A closing event's or communication output's files (the closing stage's records).
    "dissemination": Target(
        model=DisseminationOutput,
        document="dissemination",
        objects=lambda scheme: scheme.dissemination_outputs.all(),
        url=lambda scheme, output: _scheme_url(scheme, "schemes:closing", f"#output-{output.pk}"),
    ),
}


# What belongs to a programme, not a scheme: found through the programme
# (``programme_view``), ``objects`` and ``url`` taking the programme.
PROGRAMME_TARGETS = {
    "practice": Target(
        model=GoodPractice,
        document="good_practice",
        objects=lambda programme: programme.good_practices.select_related("city"),
        url=lambda programme, practice: (
            reverse("schemes:good_practice", kwargs={"programme": programme.slug, "pk": practice.pk}) + "#attachments"
        ),
        rule="practice",
    ),
}

KIND_OF_MODEL = {target.model: kind for kind, target in (TARGETS | PROGRAMME_TARGETS).items()}


def target_kind(kind):
    return TARGETS.get(kind) or PROGRAMME_TARGETS[kind]


def target_of(attachment, scheme, *, programme=None):
    """(kind, Target, object) of ``attachment``, found through ``scheme`` (or, for a
    programme's own file, ``programme``)."""
    model = attachment.content_type.model_class()
    kind = KIND_OF_MODEL[model]
    if scheme is None:
        target = PROGRAMME_TARGETS[kind]
        return kind, target, target.objects(programme).get(pk=attachment.object_id)
    target = TARGETS[kind]
    return kind, target, target.objects(scheme).get(pk=attachment.object_id)


# Names.


def clean_name(name):
    """The name a person gave the file, safe to show and to send back: its last path
    part only, no control characters or bidi marks, spaces collapsed, at most
    ``NAME_LENGTH`` characters keeping the extension; "file" when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(c) in {"Cc", "Zl", "Zp"} else c for c in name.translate(BIDI))
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return "file"
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = name, ""
    if extension:
        stem = stem[: NAME_LENGTH - len(extension) - 1].rstrip(" .") or "file"
        return f"{stem}.{extension}"
    return name[:NAME_LENGTH]


def extension(name):
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# Types.


def _not_allowed():
    return AttachmentRefused(_("This type of file is not accepted. Accepted: %(types)s.") % {"types": ALLOWED_TYPES})


def _pdf(data):
    """A PDF with no JavaScript, launch action, embedded file, rich media or XFA form,
    looked for where a PDF writes such names: its objects outside their streams, and the
    compressed object streams (which hide objects). Other streams (page content, images,
    fonts) are data, where the bytes of "/JS" turn up by chance: not read."""
    texts = [PDF_STREAM.sub(b"stream\nendstream", data)]
    budget = INFLATED_MAX
    for match in PDF_STREAM.finditer(data):
        if b"/ObjStm" not in data[max(0, match.start() - OBJECT_HEADER) : match.start()]:
            continue
        if budget <= 0:
            raise AttachmentRefused(_("This PDF is too large to check once uncompressed, and is not accepted."))
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        texts.append(inflated)
    for text in texts:
        decoded = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text)
        if PDF_ACTIVE.search(decoded):
            raise AttachmentRefused(
                _(
                    "This PDF contains active content (JavaScript, an action that launches something or an embedded file), which is not accepted."
                )
            )
    return "application/pdf"


def _image(data, mime):
    """An image that Pillow reads as the type its bytes say, with nothing after the image's
    end and no markup or archive inside (a polyglot: an image that is also a page or a zip)."""
    from PIL import Image, UnidentifiedImageError

    formats = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != formats[mime]:
                raise AttachmentRefused(_("This image is damaged or not what it claims to be."))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise AttachmentRefused(_("This image is damaged or not what it claims to be.")) from exc
    if MARKUP.search(data) or b"PK\x03\x04" in data or _trailing(data, mime):
        raise AttachmentRefused(
            _("This image carries something else besides the image (a web page, a script or an archive), which is not accepted.")
        )
    return mime


def _trailing(data, mime):
    """True when bytes follow the image's own end (where a polyglot hides its second file);
    NUL padding after the end, which some cameras write, is tolerated."""
    data = data.rstrip(b"\x00")
    if mime == "image/png":
        end = data.rfind(b"IEND")
        return end < 0 or len(data) != end + 8  # the chunk type, then its 4-byte CRC
    if mime == "image/jpeg":
        return not data.endswith(b"\xff\xd9")
    if mime == "image/gif":
        return not data.endswith(b"\x3b")
    if mime == "image/webp":
        return len(data) != int.from_bytes(data[4:8], "little") + 8
    return True


def _zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise AttachmentRefused(_("Office documents with macros are not accepted: save it without macros."))
            for part, mime in OOXML.items():
                if part in names:
                    return mime
        elif "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
            mime = archive.read("mimetype").decode("ascii", "replace").strip()
            if mime in ODF:
                if any(name.lower().startswith("basic/") for name in names):
                    raise AttachmentRefused(_("Office documents with macros are not accepted: save it without macros."))
                return mime
    except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError) as exc:
        raise _not_allowed() from exc
    raise _not_allowed()


def _text(data, name):
    if b"\x00" in data:
        raise _not_allowed()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _not_allowed()
    if MARKUP.search(data):
        raise AttachmentRefused(_("Web pages, SVG drawings and other markup are not accepted as attachments."))
    return "text/csv" if extension(name) == "csv" else "text/plain"


def file_type(data, name):
    """The MIME type of ``data`` (the whole file), decided from its bytes; ``name`` (the
    cleaned name) only tells a CSV from a text and a legacy .doc from an .xls, whose bytes
    look alike. Refuses (``AttachmentRefused``) what is not allowed."""
    import filetype

    if not data:
        raise AttachmentRefused(_("This file is empty."))
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if data.startswith(OLE2):
        mime = OLE2_BY_EXTENSION.get(extension(name))
        if mime is None:
            raise _not_allowed()
        # Every VBA project has a "_VBA_PROJECT" stream, named in the compound file's
        # directory in UTF-16 (a document's own text does not hold that name).
        if OLE2_VBA in data:
            raise AttachmentRefused(_("Office documents with macros are not accepted: save it without macros."))
        return mime
    if data.startswith(b"PK\x03\x04"):
        return _zip(data)
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.mime in {"image/jpeg", "image/png", "image/gif", "image/webp"}:
            return _image(data, kind.mime)
        raise _not_allowed()
    return _text(data, name)


# Limits.


def max_bytes():
    return settings.ATTACHMENT_MAX_BYTES


def too_large_message():
    return _("This file is larger than %(size)s.") % {"size": filesizeformat(max_bytes())}


class SizeLimitHandler(FileUploadHandler):
    """Counts a file's bytes as they arrive and skips the rest of a file larger than
    ``ATTACHMENT_MAX_BYTES``, before it is written anywhere (Django's "Modifying upload
    handlers on the fly"); the next handlers (memory, temporary file) keep the bytes."""

    too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def _read(upload):
    """The upload's bytes (at most ``ATTACHMENT_MAX_BYTES``: the handler has counted) and
    their SHA-256."""
    digest, chunks, size = hashlib.sha256(), [], 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > max_bytes():
            raise AttachmentRefused(too_large_message())
        digest.update(chunk)
        chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def _check_limits(*, scheme, programme, actor, size):
    per_hour = settings.ATTACHMENT_UPLOADS_PER_HOUR
    recent = Attachment.objects.filter(added_by=actor, added_at__gte=timezone.now() - timedelta(hours=1)).count()
    if recent >= per_hour:
        raise AttachmentRefused(
            ngettext(
                "You have added %(count)s file in the last hour, the most allowed. Please try again later.",
                "You have added %(count)s files in the last hour, the most allowed. Please try again later.",
                recent,
            )
            % {"count": recent}
        )
    if scheme is not None:
        mine = Attachment.objects.filter(scheme=scheme)
        message = _(
            "This scheme's attachments would take more than %(limit)s (%(used)s used). Remove files no longer needed first."
        )
    else:
        mine = Attachment.objects.filter(programme=programme, scheme__isnull=True)
        message = _(
            "This programme's own attachments (its good practices') would take more than %(limit)s (%(used)s used). "
            "Remove files no longer needed first."
        )
    used = mine.present().aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.SCHEME_ATTACHMENTS_MAX_BYTES:
        raise AttachmentRefused(
            message % {"limit": filesizeformat(settings.SCHEME_ATTACHMENTS_MAX_BYTES), "used": filesizeformat(used)}
        )


# Writes.


def _log(action, attachment, actor, scheme, obj, kind, programme=None):
    log_action(
        actor=actor,
        action=action,
        obj=obj,
        scheme=scheme,
        programme=programme if scheme is None else None,
        data={"attachment": attachment.pk, "name": attachment.name, "size": attachment.size, "kind": kind},
    )


@transaction.atomic
def attachment_add(*, scheme, kind, obj, upload, actor, programme=None):
    """Attach ``upload`` (an UploadedFile) to ``obj`` (of target ``kind``, in ``scheme``;
    for a programme's own object, ``scheme`` None and ``programme``). Refuses
    (``AttachmentRefused``) what the rules above refuse, writing nothing."""
    target = target_kind(kind)
    programme = scheme.programme if scheme is not None else programme
    message = target.locked and target.locked(obj)
    if message:
        raise AttachmentRefused(message)
    if upload.size is not None and upload.size > max_bytes():
        raise AttachmentRefused(too_large_message())
    name = clean_name(upload.name)
    data, sha256 = _read(upload)
    mime = file_type(data, name)
    # One upload at a time per scheme past this point: the total and the same-file check
    # cannot both pass for two uploads at once.
    if scheme is not None:
        Scheme.objects.select_for_update().filter(pk=scheme.pk).values_list("pk", flat=True).first()
    else:
        Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk", flat=True).first()
    _check_limits(scheme=scheme, programme=programme, actor=actor, size=len(data))
    content_type = ContentType.objects.get_for_model(obj)
    if Attachment.objects.present().filter(content_type=content_type, object_id=obj.pk, sha256=sha256).exists():
        raise AttachmentRefused(_("This file is already attached here."))
    attachment = Attachment(
        scheme=scheme,
        programme=programme,
        content_type=content_type,
        object_id=obj.pk,
        name=name,
        size=len(data),
        mime=mime,
        sha256=sha256,
        added_by=actor,
    )
    try:
        attachment.file.save(name, ContentFile(data), save=False)
    except OSError as exc:
        raise AttachmentRefused(
            _("The file could not be stored (the storage is full or out of reach). Nothing was saved: please try again later.")
        ) from exc
    try:
        with transaction.atomic():
            attachment._change_reason = gettext_lazy("Added")
            attachment.save()
            _log("attachment.added", attachment, actor, scheme, obj, kind, programme)
    except IntegrityError as exc:
        attachment.file.storage.delete(attachment.file.name)
        raise AttachmentRefused(_("This file is already attached here.")) from exc
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def _locked_check(kind, obj):
    target = target_kind(kind)
    message = target.locked and target.locked(obj)
    if message:
        raise AttachmentRefused(message)


@transaction.atomic
def attachment_remove(*, scheme, kind, obj, attachment, actor, programme=None):
    """Remove ``attachment`` from ``obj``: its row says so, its file stays, restorable
    with the object's earlier state for ``ATTACHMENT_RETENTION_DAYS``."""
    _locked_check(kind, obj)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is not None:
        return attachment
    attachment.removed_at = timezone.now()
    attachment.removed_by = actor
    attachment._change_reason = gettext_lazy("Removed")
    attachment.save()
    _log("attachment.removed", attachment, actor, scheme, obj, kind, programme)
    return attachment


def attachments_with(objects, actor):
    """Before ``objects`` are deleted (a visit and its sessions, an action and its updates,
    a commitment): their files are marked removed with them, so that they no longer count
    toward the scheme's total and are purged after the retention period. Each keeps a
    history row (the files of a deleted object are not restored with it)."""
    now = timezone.now()
    for attachment in attachments_of(objects).values():
        for item in attachment:
            item.removed_at, item.removed_by = now, actor
            item._change_reason = gettext_lazy("Removed with what it was attached to")
            item.save(update_fields=["removed_at", "removed_by"])


def retention():
    return timedelta(days=settings.ATTACHMENT_RETENTION_DAYS)


@dataclass
class Purged:
    files: int = 0
    size: int = 0
    failed: list = None


def attachments_purge(*, dry_run=False):
    """Delete the files, then the rows, of the attachments removed more than
    ``ATTACHMENT_RETENTION_DAYS`` ago (no longer restorable). A file the storage cannot
    delete keeps its row, for the next run. ``dry_run``: count only."""
    outcome = Purged(failed=[])
    expired = Attachment.objects.filter(removed_at__lt=timezone.now() - retention()).order_by("pk")
    for attachment in expired.iterator(chunk_size=500):
        if not dry_run:
            try:
                if attachment.file.name:
                    attachment.file.storage.delete(attachment.file.name)
            except OSError as exc:
                outcome.failed.append((attachment.pk, str(exc)))
                continue
            attachment._change_reason = gettext_lazy("Purged")
            attachment.delete()
        outcome.files += 1
        outcome.size += attachment.size
    return outcome


def attachments_restore(*, obj, when, actor, scheme, programme=None):
    """With ``obj`` restored to its state at ``when``: bring back the attachments it had
    then and that were removed since (within the retention period). Attachments added
    since stay: a restore never deletes a file. Returns how many came back."""
    if type(obj) not in KIND_OF_MODEL:
        return 0
    kind = KIND_OF_MODEL[type(obj)]
    back = 0
    removed = Attachment.objects.of(obj).filter(
        added_at__lte=when, removed_at__gt=when, removed_at__gte=timezone.now() - retention()
    )
    for attachment in removed.select_for_update():
        if Attachment.objects.of(obj).present().filter(sha256=attachment.sha256).exists():
            continue  # the same file was attached again since
        attachment.removed_at = attachment.removed_by = None
        attachment._change_reason = gettext_lazy("Restored")
        attachment.save()
        _log("attachment.restored", attachment, actor, scheme, obj, kind, programme)
        back += 1
    return back


def form_context():
    """What the pages that show attachments add to their context for the upload form."""
    return {"accept": ACCEPT, "max_size": max_bytes()}


def with_files_flag(queryset):
    """``queryset`` annotated with ``has_files`` (whether any attachment not removed is
    on the object), in the same query: ``with_attachments`` then reads the files only
    when there are some (a page with none costs no query more)."""
    from django.db.models import Exists, OuterRef

    # The content type by its natural key, joined: no query of its own.
    meta = queryset.model._meta
    files = Attachment.objects.present().filter(
        content_type__app_label=meta.app_label, content_type__model=meta.model_name, object_id=OuterRef("pk")
    )
    return queryset.annotate(has_files=Exists(files))


def with_attachments(objects):
    """Set ``attached_files`` (the attachments not removed) on each of ``objects``, of any
    kinds, in one query (none when each was annotated by ``with_files_flag`` and none
    has files); returns the objects."""
    objects = [obj for obj in objects if obj is not None]
    found = attachments_of([obj for obj in objects if getattr(obj, "has_files", True)])
    for obj in objects:
        obj.attached_files = found.get((type(obj), obj.pk), [])
    return objects


def attachments_of(objects):
    """{(model, pk): [attachment, ...]} of the attachments not removed of ``objects`` (of
    any kinds), in one query (content types joined by their natural key), with who added
    each."""
    from django.db.models import Q

    by_type = {}
    for obj in objects:
        if obj is not None:
            by_type.setdefault(type(obj), set()).add(obj.pk)
    if not by_type:
        return {}
    condition = Q()
    for model, pks in by_type.items():
        meta = model._meta
        condition |= Q(content_type__app_label=meta.app_label, content_type__model=meta.model_name, object_id__in=pks)
    found = {}
    attachments = Attachment.objects.present().filter(condition).select_related("content_type", "added_by")
    for attachment in attachments.order_by("added_at", "pk"):
        key = (attachment.content_type.app_label, attachment.content_type.model, attachment.object_id)
        found.setdefault(key, []).append(attachment)
    return {
        (model, pk): found.get((model._meta.app_label, model._meta.model_name, pk), [])
        for model, pks in by_type.items()
        for pk in pks
    }


def file_history(obj):
    """The attachment events of ``obj`` for its history page, newest first (one query):
    history rows of its attachments, each with its reason (added, removed, restored),
    who and when. None for an object that takes no attachments."""
    if type(obj) not in KIND_OF_MODEL or obj.pk is None:
        return None
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        Attachment.history.filter(content_type=content_type, object_id=obj.pk)
        .exclude(history_change_reason__isnull=True)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:200]
    )


def annexes(labelled):
    """The files attached to the objects of ``labelled`` ([(object, what a reader calls
    it)], in that order; each object's files in the order they were added), as a document
    lists them in its annexes: [(attachment, what it is attached to)], in one query."""
    labelled = [(obj, label) for obj, label in labelled if obj is not None]
    found = attachments_of([obj for obj, _label in labelled])
    return [(attachment, label) for obj, label in labelled for attachment in found.get((type(obj), obj.pk), [])]
