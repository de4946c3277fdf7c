"""Attachments through the pages: what is accepted (decided from the content), every bad
input of the issue refused with its message and nothing written, the download's
headers, who may add, remove and download, removal that asks and keeps the file, the
history and the activity log, and the visit page's queries."""

import io
import zipfile
import zlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from mentoring.models import LogEntry
from schemes.models import ActionPlanStatus, AgendaItem, Attachment, PoliticalCommitment
from schemes.services.action_plans import plan_get_or_create
from schemes.services.attachments import clean_name

SCHEME = "/programmes/test-programme/schemes/1/"
OTHER = "/programmes/test-programme/schemes/2/"


def png(extra=b""):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue() + extra


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def visit_of(personas, scheme=None):
    return (scheme or personas.a).visits.get(order=1)


def add_url(kind, pk, base=SCHEME):
    return f"{base}attachments/{kind}/{pk}/add/"


def upload(client, name, content, kind="visit", pk=None, personas=None, base=SCHEME):
    pk = pk or visit_of(personas).pk
    return client.post(add_url(kind, pk, base), {"file": SimpleUploadedFile(name, content)})


def stored_files(location):
    return [path for path in location.rglob("*") if path.is_file()]


@pytest.fixture
def facilitator(personas):
    return personas.client("facilitator")


@pytest.mark.parametrize(
    ("name", "content", "mime", "disposition"),
    [
        ("photo.png", png(), "image/png", "inline"),
        ("minutes.pdf", PDF, "application/pdf", "inline"),
        ("report.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
        ("signatures.csv", "name;organisation\nZoë;Ville\n".encode(), "text/csv", "attachment"),
    ],
)
def test_allowed_types_are_attached_and_downloaded_safely(personas, facilitator, name, content, mime, disposition):
    response = upload(facilitator, name, content, personas=personas)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.mime, attachment.size) == (name, mime, len(content))
    assert attachment.added_by == personas.users["facilitator"]
    assert name not in attachment.file.name and attachment.file.name.startswith(f"{personas.a.pk}/")

    page = personas.client("observer").get(response["Location"]).content.decode()
    assert name in page and personas.users["facilitator"].display_name in page

    download = personas.client("observer").get(f"{SCHEME}attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == mime
    assert download["Content-Disposition"].startswith(disposition)
    assert download["X-Content-Type-Options"] == "nosniff"
    if mime == "application/pdf":  # to the browser's own viewer, which a sandbox blocks
        assert download["Content-Security-Policy"].startswith("default-src 'none'; object-src 'self'")
    else:
        assert download["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]


BAD = [
    ("empty.pdf", b"", "This file is empty."),
    ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300, "This type of file is not accepted"),
    (
        "evil.pdf",
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        "active content",
    ),
    ("hidden.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript >>"), "active content"),
    (
        "packed.pdf",
        PDF.replace(
            b"trailer",
            b"3 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n"
            + zlib.compress(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>")
            + b"\nendstream endobj\ntrailer",
        ),
        "active content",
    ),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("page.html", b"<!DOCTYPE html><html><body>Hello</body></html>", "Web pages"),
    ("page.txt", b"Hello <script>alert(1)</script>", "Web pages"),
    ("polyglot.png", png(b"<script>alert(1)</script>"), "carries something else"),
    ("zipped.png", png() + docx(), "carries something else"),
    ("trailing.png", png(b"\x01\x02\x03 trailing"), "carries something else"),
    ("macro.docx", None, "macros"),
    # A legacy Word file whose compound-file directory names a VBA project.
    (
        "macro.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "_VBA_PROJECT".encode("utf-16-le") + b"\x00" * 100,
        "macros",
    ),
    ("archive.zip", None, "This type of file is not accepted"),
]


def test_a_legacy_word_file_without_macros_is_accepted(personas, facilitator):
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
    assert upload(facilitator, "minutes.doc", legacy, personas=personas).status_code == 302
    assert Attachment.objects.get().mime == "application/msword"


def test_a_pdf_whose_image_data_holds_the_bytes_of_a_name_is_accepted(personas, facilitator):
    # Binary data (a photo in a report) holds "/JS" by chance once in a few megabytes.
    image = (
        b"5 0 obj << /Type /XObject /Subtype /Image /Length 60 >>\nstream\n"
        + b"\x00/JS \x01/Launch\x02" * 5
        + b"\nendstream endobj\n"
    )
    response = upload(facilitator, "report.pdf", PDF.replace(b"trailer", image + b"trailer"), personas=personas)
    assert response.status_code == 302
    assert Attachment.objects.get().mime == "application/pdf"


@pytest.mark.parametrize(("name", "content", "message"), BAD)
def test_bad_files_are_refused_with_a_message_and_nothing_written(
    personas, facilitator, attachments_in_tmp, name, content, message
):
    if name == "macro.docx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr("word/vbaProject.bin", "macro")
        content = buffer.getvalue()
    if name == "archive.zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("run.exe", "MZ")
        content = buffer.getvalue()
    before = LogEntry.objects.count()
    response = upload(facilitator, name, content, personas=personas)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "nothing was saved" in page
    assert 'type="file"' in page  # the form again
    assert not Attachment.objects.exists() and LogEntry.objects.count() == before
    assert stored_files(attachments_in_tmp) == []


def test_a_file_over_the_limit_is_stopped_while_it_streams(personas, facilitator, attachments_in_tmp, settings):
    settings.ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    content = b"a" * (21 * 1024 * 1024)
    response = upload(facilitator, "big.txt", content, personas=personas)
    assert response.status_code == 400
    assert "This file is larger than 20.0" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(attachments_in_tmp) == []


def test_names_are_cleaned():
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\me\\report.pdf") == "report.pdf"
    assert clean_name("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert clean_name("a\x00b\x1fc  d.txt") == "a b c d.txt"
    long = clean_name("x" * 500 + ".pdf")
    assert len(long) == 150 and long.endswith(".pdf")
    assert clean_name("\u202e") == "file" and clean_name("") == "file"


def test_a_path_and_a_long_name_are_stored_cleaned(personas, facilitator):
    upload(facilitator, "../../etc/passwd", b"root:x:0:0", personas=personas)
    upload(facilitator, "n" * 500 + ".txt", b"another text", personas=personas)
    names = sorted(Attachment.objects.values_list("name", flat=True), key=len)
    assert names[0] == "passwd" and len(names[1]) == 150 and names[1].endswith(".txt")


def test_the_same_file_twice_is_attached_once(personas, facilitator):
    assert upload(facilitator, "photo.png", png(), personas=personas).status_code == 302
    response = upload(facilitator, "copy.png", png(), personas=personas)
    assert response.status_code == 400 and "already attached here" in response.content.decode()
    assert Attachment.objects.count() == 1
    # Two at the same instant, both past the check: the database keeps one.
    attachment = Attachment.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.create(
            scheme=attachment.scheme,
            content_type=attachment.content_type,
            object_id=attachment.object_id,
            file="x",
            name="again.png",
            size=1,
            mime="image/png",
            sha256=attachment.sha256,
        )


def test_another_schemes_object_is_not_found(personas, facilitator):
    other_visit = visit_of(personas, personas.b)
    response = upload(facilitator, "photo.png", png(), pk=other_visit.pk, personas=personas)
    assert response.status_code == 404
    # Nor is a kind that does not exist.
    assert upload(facilitator, "photo.png", png(), kind="nothing", personas=personas).status_code == 404
    assert not Attachment.objects.exists()


def test_an_approved_plan_refuses_files(personas):
    plan = plan_get_or_create(scheme=personas.a)
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    response = upload(personas.client("mentee"), "decision.pdf", PDF, kind="approval", pk=plan.pk, personas=personas)
    assert response.status_code == 400
    assert "This action plan is approved" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_plan_before_approval_takes_the_formal_decision(personas):
    plan = plan_get_or_create(scheme=personas.a)
    response = upload(personas.client("mentee"), "decision.pdf", PDF, kind="approval", pk=plan.pk, personas=personas)
    assert response.status_code == 302
    assert Attachment.objects.get().target == plan


class FullStorage(FileSystemStorage):
    """A disk that is full: every write fails."""

    def _save(self, name, content):
        raise OSError(28, "No space left on device")


def test_a_full_storage_is_a_clear_error_and_nothing_recorded(personas, facilitator, settings):
    settings.STORAGES = {**settings.STORAGES, "attachments": {"BACKEND": "tests.test_attachments.FullStorage"}}
    response = upload(facilitator, "photo.png", png(), personas=personas)
    assert response.status_code == 400
    assert "could not be stored" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not LogEntry.objects.filter(action="attachment.added").exists()


def test_the_rate_per_person_and_the_total_per_scheme(personas, facilitator, settings):
    settings.ATTACHMENT_UPLOADS_PER_HOUR = 1
    assert upload(facilitator, "a.txt", b"first", personas=personas).status_code == 302
    response = upload(facilitator, "b.txt", b"second", personas=personas)
    assert response.status_code == 400 and "the most allowed" in response.content.decode()
    settings.ATTACHMENT_UPLOADS_PER_HOUR = 30
    settings.SCHEME_ATTACHMENTS_MAX_BYTES = 10
    response = upload(facilitator, "c.txt", b"more than ten bytes", personas=personas)
    assert response.status_code == 400 and "more than 10" in response.content.decode()
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "adds"),
    [("facilitator", True), ("coordinator", True), ("mentee", False), ("mentor", False), ("observer", False)],
)
def test_who_adds_to_a_visit(personas, role, adds):
    response = upload(personas.client(role), "photo.png", png(), personas=personas)
    assert response.status_code == (302 if adds else 403)
    assert Attachment.objects.exists() == adds


def test_commitment_files_are_added_by_the_mentee_and_read_by_everyone(personas):
    commitment = PoliticalCommitment.objects.create(
        scheme=personas.a, name="Mayor", office="Mayor", date="2026-03-01", scope="both"
    )
    response = upload(personas.client("mentee"), "letter.pdf", PDF, kind="commitment", pk=commitment.pk, personas=personas)
    assert response["Location"] == f"{SCHEME}#commitment-{commitment.pk}"
    assert (
        upload(personas.client("mentor"), "x.pdf", PDF + b" ", kind="commitment", pk=commitment.pk, personas=personas).status_code
        == 403
    )
    page = personas.client("observer").get(SCHEME).content.decode()
    assert "letter.pdf" in page
    attachment = Attachment.objects.get()
    assert personas.client("association").get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 200
    # Not from another scheme's address, nor by someone outside.
    assert personas.client("coordinator").get(f"{OTHER}attachments/{attachment.pk}/").status_code == 404
    assert personas.client("outsider").get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 404


def test_removal_asks_keeps_the_file_and_a_restore_brings_it_back(personas, facilitator):
    visit = visit_of(personas)
    upload(facilitator, "minutes.pdf", PDF, personas=personas)
    attachment = Attachment.objects.get()
    visit.aim = "Set the scene."
    visit.save()  # the visit's state with the file
    with_file = visit.history.latest("history_id").history_id
    remove = f"{SCHEME}attachments/{attachment.pk}/remove/"
    asked = facilitator.post(remove)
    assert asked.status_code == 200 and "Remove “minutes.pdf”?" in asked.content.decode()
    Attachment.objects.get(removed_at__isnull=True)
    assert personas.client("mentee").post(remove, {"confirmed": "1"}).status_code == 403

    assert facilitator.post(remove, {"confirmed": "1"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and attachment.removed_by == personas.users["facilitator"]
    assert attachment.file.storage.exists(attachment.file.name)  # kept for a restore
    assert facilitator.get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 404
    assert "minutes.pdf" not in facilitator.get(f"{SCHEME}visits/1/").content.decode()

    # The history says who added and removed it; the activity log too.
    reasons = list(attachment.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons == [("Added", personas.users["facilitator"].pk), ("Removed", personas.users["facilitator"].pk)]
    actions = list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(visit), object_id=visit.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.index("attachment.added") < actions.index("attachment.removed")

    history = facilitator.get(f"{SCHEME}visits/1/history/").content.decode()
    assert "Added: minutes.pdf" in history and "Removed: minutes.pdf" in history

    # Restoring the visit's earlier state brings the file back.
    assert facilitator.post(f"{SCHEME}visits/1/history/{with_file}/restore/").status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    assert LogEntry.objects.filter(action="attachment.restored").exists()
    assert "minutes.pdf" in facilitator.get(f"{SCHEME}visits/1/").content.decode()


def test_the_visit_page_reads_every_files_in_one_query(personas, facilitator):
    visit = visit_of(personas)
    visit.start_date, visit.end_date = "2027-03-10", "2027-03-10"
    visit.save()
    sessions = [
        AgendaItem.objects.create(
            visit=visit, day="2027-03-10", start_time=f"{9 + n}:00", end_time=f"{9 + n}:30", session_type="recap", title=f"S{n}"
        )
        for n in range(3)
    ]
    url = f"{SCHEME}visits/1/"
    facilitator.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert facilitator.get(url).status_code == 200
        return len(captured)

    upload(facilitator, "one.txt", b"one", kind="session", pk=sessions[0].pk, personas=personas)
    few = queries()
    for n, session in enumerate(sessions):
        upload(facilitator, f"more{n}.txt", f"more {n}".encode(), kind="session", pk=session.pk, personas=personas)
    upload(facilitator, "visit.txt", b"visit", personas=personas)
    assert queries() == few
    page = facilitator.get(url).content.decode()
    assert all(f"more{n}.txt" in page for n in range(3)) and "visit.txt" in page


def test_an_update_and_a_session_take_proofs_in_their_own_scheme_only(personas):
    from schemes.models import Action, ImplementationUpdate

    updates = {}
    for key, scheme in (("a", personas.a), ("b", personas.b)):
        plan = plan_get_or_create(scheme=scheme)
        plan.status = ActionPlanStatus.APPROVED  # updates follow the approval, which locks the plan, not them
        plan.save()
        action = Action.objects.create(plan=plan, order=1, action="Open a desk")
        updates[key] = ImplementationUpdate.objects.create(action=action, date="2027-01-01", text="Done", status="done")
    mentee = personas.client("mentee")
    response = upload(mentee, "proof.jpg", png(), kind="update", pk=updates["a"].pk, personas=personas)
    assert response.status_code == 302 and response["Location"] == f"{SCHEME}action-plan/#update-{updates['a'].pk}"
    assert Attachment.objects.get().mime == "image/png"  # the content decides, not the name
    assert upload(mentee, "proof.png", png(), kind="update", pk=updates["b"].pk, personas=personas).status_code == 404
    assert (
        upload(personas.client("mentor"), "p.txt", b"x", kind="update", pk=updates["a"].pk, personas=personas).status_code == 403
    )
    assert "proof.jpg" in personas.client("observer").get(f"{SCHEME}action-plan/").content.decode()

    other_session = AgendaItem.objects.create(
        visit=visit_of(personas, personas.b),
        day="2027-03-10",
        start_time="09:00",
        end_time="10:00",
        session_type="recap",
        title="R",
    )
    facilitator = personas.client("facilitator")
    assert upload(facilitator, "s.txt", b"s", kind="session", pk=other_session.pk, personas=personas).status_code == 404


def test_the_decision_of_an_approved_plan_is_not_removed(personas):
    plan = plan_get_or_create(scheme=personas.a)
    mentee = personas.client("mentee")
    upload(mentee, "decision.pdf", PDF, kind="approval", pk=plan.pk, personas=personas)
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    attachment = Attachment.objects.get()
    response = mentee.post(f"{SCHEME}attachments/{attachment.pk}/remove/", {"confirmed": "1"}, follow=True)
    assert "This action plan is approved" in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    assert "decision.pdf" in response.content.decode()
