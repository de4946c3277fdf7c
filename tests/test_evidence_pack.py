"""A scheme's evidence pack (schemes.services.evidence): one ZIP of its current documents
as PDFs, in a folder per step of the method, with a list of contents; read through the
access path like the scheme's other pages."""

import io
import zipfile

from schemes.services.action_plans import plan_get_or_create

URL = "/programmes/test-programme/schemes/1/evidence-pack.zip"


def test_the_pack_holds_the_schemes_documents_in_folders_per_step(personas):
    plan_get_or_create(scheme=personas.a)
    response = personas.client("mentee").get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="evidence-test-programme-1.zip"'
    pack = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = pack.namelist()
    assert "4 Action plan and implementation/action-plan-test-programme-1.pdf" in names
    assert any(name.startswith("3 Visits/agenda-test-programme-1-visit-1") for name in names)
    assert "2 Self-assessment/self-assessment-test-programme-1.pdf" in names
    assert pack.read("4 Action plan and implementation/action-plan-test-programme-1.pdf").startswith(b"%PDF-")
    contents = pack.read("contents.txt").decode()
    assert contents.startswith("Evidence pack of Scheme A (Test Programme)")
    assert "4 Action plan and implementation/action-plan-test-programme-1.pdf" in contents
    # Nothing of scheme B.
    assert not any("test-programme-2" in name for name in names)


def test_the_pack_is_in_the_readers_language(personas):
    personas.users["mentee"].language = "fr"
    personas.users["mentee"].save()
    client = personas.client("mentee")
    client.cookies["django_language"] = "fr"
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    pack = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert any(name.startswith("3 Visites/") for name in pack.namelist())


def test_attached_files_are_in_the_pack_and_listed_as_annexes_of_the_agenda(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schemes.views.visits import agenda_document

    visit = personas.a.visits.get(order=1)
    minutes = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    for name in ("minutes.pdf", "signatures.csv"):
        content = minutes if name.endswith(".pdf") else "name;organisation\nZoë;Ville\n".encode()
        response = personas.client("facilitator").post(
            f"/programmes/test-programme/schemes/1/attachments/visit/{visit.pk}/add/", {"file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 302, response.content.decode()[:500]
    html = agenda_document(personas.a, visit).html
    assert "Annexes" in html and "minutes.pdf" in html and "signatures.csv" in html
    response = personas.client("mentee").get(URL)
    pack = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert pack.read("3 Visits/minutes.pdf") == minutes
    assert pack.read("3 Visits/signatures.csv").decode() == "name;organisation\nZoë;Ville\n"
    assert "3 Visits/signatures.csv  (" in pack.read("contents.txt").decode()


def test_the_plans_pdf_lists_the_decision_and_the_proofs_as_annexes(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schemes.views.action_plans import plan_document

    plan = plan_get_or_create(scheme=personas.a)
    response = personas.client("mentee").post(
        f"/programmes/test-programme/schemes/1/attachments/approval/{plan.pk}/add/",
        {"file": SimpleUploadedFile("council-decision.csv", b"decision;date\n12/2026;2026-12-01\n")},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    html = plan_document(personas.a, plan).html
    assert "council-decision.csv" in html and "The formal decision of approval" in html
