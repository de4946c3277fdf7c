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
