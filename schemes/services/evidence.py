"""A scheme's evidence pack: one ZIP with its current documents as PDFs and every file
attached in it, in a folder per step of the method, with a list of contents.

The documents are the ones the scheme's pages print (``schemes.documents.documents_by_step``,
in the reader's language), taken from the documents cache when current (the background
refresh keeps them so) and laid out here otherwise. The attached files are the scheme's
attachments that are not removed, each in the folder of the step its object belongs to,
read through the storage API in chunks (a 20 MB file never sits whole in memory). The
ZIP is written to a temporary file and streamed."""

import tempfile
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.documents import Document

from ..documents import STEP_ASSESSMENT, STEP_GROUP, STEP_NEEDS, STEP_PLAN, STEP_VISITS, documents_by_step

STEP_CLOSING = "closing"
STEP_OTHER = "other"
# The folders, in the order of the method.
FOLDERS = {
    STEP_NEEDS: gettext_lazy("1 Needs analysis and strengths"),
    STEP_ASSESSMENT: gettext_lazy("2 Self-assessment"),
    STEP_VISITS: gettext_lazy("3 Visits"),
    STEP_PLAN: gettext_lazy("4 Action plan and implementation"),
    STEP_GROUP: gettext_lazy("5 Local support group and political commitment"),
    STEP_CLOSING: gettext_lazy("6 Closing"),
    STEP_OTHER: gettext_lazy("7 Other evidence"),
}
# The step of each kind of object a file may be attached to (its model's name).
ATTACHED_TO = {
    "response": STEP_NEEDS,
    "answer": STEP_NEEDS,
    "comment": STEP_NEEDS,
    "goodpractice": STEP_NEEDS,
    "selfassessment": STEP_ASSESSMENT,
    "keyfactorassessment": STEP_ASSESSMENT,
    "visit": STEP_VISITS,
    "agendaitem": STEP_VISITS,
    "actionplan": STEP_PLAN,
    "action": STEP_PLAN,
    "implementationupdate": STEP_PLAN,
    "actioncomment": STEP_PLAN,
    "actionplanversion": STEP_PLAN,
    "politicalcommitment": STEP_GROUP,
    "localsupportgroup": STEP_GROUP,
    "localsupportgroupmember": STEP_GROUP,
    "disseminationoutput": STEP_CLOSING,
}
CHUNK = 1024 * 1024


@dataclass
class Entry:
    path: str
    size: int


def _attachments(scheme):
    """The scheme's attachments that are not removed, and those of the good practices its
    mentor cities attached to their strengths (good practices belong to the programme)."""
    model = apps.get_model("schemes", "Attachment")
    practice = apps.get_model("schemes", "GoodPractice")
    practices = practice.objects.filter(strengths__scheme=scheme).values("pk")
    return list(
        model.objects.filter(
            Q(scheme=scheme) | Q(content_type=ContentType.objects.get_for_model(practice), object_id__in=practices),
            removed_at__isnull=True,
        )
        .select_related("content_type")
        .order_by("added_at", "pk")
    )


def _unique(path, taken):
    """``path``, or "name (2).ext" and so on when a file of that path is in already."""
    if path not in taken:
        taken.add(path)
        return path
    stem, dot, extension = path.rpartition(".")
    if not dot or "/" in extension:
        stem, extension = path, ""
    number = 2
    while True:
        candidate = f"{stem} ({number}){'.' + extension if extension else ''}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        number += 1


def evidence_pack(scheme):
    """A temporary file holding the ZIP of ``scheme``'s evidence (in the active language),
    positioned at its start, and the list of its entries."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open: the response streams and closes it)
    entries, missing, taken = [], [], set()
    # Each step's documents, then its attached files, the steps in the method's order.
    by_step = {step: [] for step in FOLDERS}
    for step, document in documents_by_step(scheme):
        by_step[step].append(document)
    for attachment in _attachments(scheme):
        step = ATTACHED_TO.get(attachment.content_type.model, STEP_OTHER) if attachment.content_type else STEP_OTHER
        by_step[step].append(attachment)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for step, items in by_step.items():
            for item in items:
                if isinstance(item, Document):
                    pdf = item.made_here()
                    if pdf is None:  # too large to print: said in the contents
                        missing.append(item.filename)
                        continue
                    path = _unique(f"{FOLDERS[step]}/{item.filename}", taken)
                    pack.writestr(path, pdf)
                    entries.append(Entry(path, len(pdf)))
                    continue
                path = _unique(f"{FOLDERS[step]}/{item.name}", taken)
                with item.file.open("rb") as source, pack.open(path, "w", force_zip64=True) as target:
                    for chunk in iter(lambda source=source: source.read(CHUNK), b""):
                        target.write(chunk)
                entries.append(Entry(path, item.size))
        pack.writestr(_("contents.txt"), _contents(scheme, entries, missing))
    out.seek(0)
    return out, entries


def _contents(scheme, entries, missing):
    lines = [
        _("Evidence pack of %(scheme)s (%(programme)s), made on %(date)s")
        % {
            "scheme": scheme.title,
            "programme": scheme.programme.name,
            "date": date_format(timezone.localtime(), "DATETIME_FORMAT"),
        },
        "",
    ]
    lines += [f"{entry.path}  ({filesizeformat(entry.size)})" for entry in entries]
    if missing:
        lines += ["", _("Too large to print, not in the pack:")] + [f"- {name}" for name in missing]
    return "\n".join(str(line) for line in lines) + "\n"
