"""“Download my data” (issue 25): the mentee asks on their account page, a background task
prepares the ZIP and e-mails a link; the link opens only for them, only before it
expires; what they wrote is in it, what others wrote is not; the queries do not grow
with what they wrote."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring import tasks
from mentoring.data_exports import build_zip
from mentoring.models import DataExport
from schemes.models import Answer, Attachment, Comment, Question

from .test_attachments import PDF
from .test_attachments_more import BASE, add, needs_analysis

MINE = "Our harbour district lacks a welcome desk."
THEIRS = "The mentor's own notes, not the mentee's to download."


def link_of(message):
    return re.search(r"http://\S+/accounts/my-data/\S+/", message.body).group(0).removeprefix("http://127.0.0.1:8000")


def ask(client, django_capture_on_commit_callbacks):
    page = client.get("/accounts/")
    token = page.context["data_export_form"]["submission"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/my-data/", {"submission": token})
    return page, response, token


@pytest.fixture
def written(personas):
    """The mentee's answer, a reply to the mentor's comment and a file on the answer; the
    mentor's answer beside it."""
    mentee, mentor = personas.users["mentee"], personas.users["mentor"]
    response = needs_analysis(personas)
    question = Question.objects.get(section__template=response.template, key="challenge")
    answer = Answer.objects.create(response=response, question=question, text=MINE, updated_by=mentee)
    other = Question.objects.filter(section__template=response.template).exclude(pk=question.pk).first()
    Answer.objects.create(response=response, question=other, text=THEIRS, updated_by=mentor)
    base = BASE.format(city=personas.mentee_city.pk)
    personas.client("mentor").post(
        base + "sections/mentee-needs/comments/", {"comment-question": question.pk, "comment-text": "Which districts?"}
    )
    comment = Comment.objects.get()
    personas.client("mentee").post(f"{base}comments/{comment.pk}/reply/", {f"reply-{comment.pk}-text": "North and harbour."})
    assert add(personas.client("mentee"), "answer", answer.pk, PDF, "Évaluation n°1.pdf").status_code == 302
    return answer


def test_the_mentee_asks_receives_a_link_and_downloads_what_they_wrote(
    personas, written, mailoutbox, django_capture_on_commit_callbacks
):
    mentee = personas.client("mentee")
    page, response, _token = ask(mentee, django_capture_on_commit_callbacks)
    assert "Download my data" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    followed = mentee.get("/accounts/").content.decode()
    assert "We are preparing your data" in followed and "the link is in the e-mail we sent you" in followed

    # The e-mail: to the mentee, with the link and how long it works.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["mentee@test.example"] and message.subject == "Your data is ready to download"
    assert "72 hours" in message.body
    link = link_of(message)

    download = mentee.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in download["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    attachment = Attachment.objects.get()
    # The file list of the demo-like mentee's download.
    assert archive.namelist() == ["person.json", f"attachments/{attachment.pk}-Évaluation n°1.pdf", "writings.json"]
    assert archive.read(f"attachments/{attachment.pk}-Évaluation n°1.pdf") == PDF

    person = json.loads(archive.read("person.json").decode("utf-8"))
    assert person["account"]["email"] == "mentee@test.example" and person["account"]["first_name"] == "Mentee"
    assert person["account"]["calendar_subscription_address"] is False
    assert [(role["scheme"], role["role"]) for role in person["scheme_roles"]] == [("Test Programme #1: Scheme A", "mentee")]
    assert person["email_preferences"]["comments"]
    assert any(entry["what"].startswith("attachment") for entry in person["activity_log"])
    assert any(n["about"] for n in person["notifications"])  # the mentor's comment on their answer
    writings_raw = archive.read("writings.json").decode("utf-8")
    writings = json.loads(writings_raw)
    assert [answer["text"] for answer in writings["answers"]] == [MINE]
    assert writings["answers"][0]["updated_by"] == "you" and writings["answers"][0]["question"]
    assert [comment["text"] for comment in writings["comments"]] == ["North and harbour."]
    assert writings["attachments"][0]["name"] == "Évaluation n°1.pdf"
    assert writings["attachments"][0]["file_in_this_download"] == f"attachments/{attachment.pk}-Évaluation n°1.pdf"
    # Someone else's writing and every secret stay out; dates are ISO.
    everything = writings_raw + archive.read("person.json").decode("utf-8")
    assert THEIRS not in everything and "Which districts?" not in everything
    assert "token" not in everything and "mentor@test.example" not in everything
    assert re.search(r'"added_at": "\d{4}-\d\d-\d\dT', writings_raw)


def test_the_link_is_nobody_elses_and_expires_with_a_clear_page(
    personas, written, mailoutbox, django_capture_on_commit_callbacks
):
    ask(personas.client("mentee"), django_capture_on_commit_callbacks)
    link = link_of(mailoutbox[0])
    export = DataExport.objects.get()
    assert storages["attachments"].exists(export.file) and export.file.startswith("data-exports/")

    # Another person, logged in: not found; someone not logged in: the login page.
    for role in ("mentor", "facilitator", "outsider"):
        assert personas.client(role).get(link).status_code == 404, role
    assert "/accounts/login/" in personas.client("anonymous").get(link)["Location"]
    # An altered link: not found, for the mentee too.
    assert personas.client("mentee").get(link[:-5] + "xxxx/").status_code == 404

    # After expiry: 410, and a page that says what to do; nothing changed by asking.
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = list(DataExport.objects.values())
    expired = personas.client("mentee").get(link)
    assert list(DataExport.objects.values()) == before
    assert expired.status_code == 410
    assert "This link has expired; ask for a new download on your account page." in expired.content.decode()
    assert personas.client("mentor").get(link).status_code == 404  # still nothing to tell anyone else
    assert storages["attachments"].exists(export.file)

    # The clean-up deletes the expired file; the link still says "expired".
    call_command("data_exports_purge", stdout=io.StringIO())
    assert not storages["attachments"].exists(export.file)
    assert DataExport.objects.get().file == ""
    assert personas.client("mentee").get(link).status_code == 410
    assert "Your last download expired" in personas.client("mentee").get("/accounts/").content.decode()
    assert tasks.PERIODIC[tasks.data_exports_purge] == timedelta(hours=1)


def test_a_double_click_prepares_one_download(personas, mailoutbox, django_capture_on_commit_callbacks):
    mentee = personas.client("mentee")
    _page, _response, token = ask(mentee, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = mentee.post("/accounts/my-data/", {"submission": token})
    assert again.status_code == 302
    assert DataExport.objects.count() == 1 and len(mailoutbox) == 1
    assert "already saved" in mentee.get("/accounts/").content.decode()


def test_a_download_asked_while_one_is_being_prepared_adds_nothing(personas, mailoutbox):
    mentee = personas.client("mentee")
    DataExport.objects.create(user=personas.users["mentee"])  # waiting for its task
    token = mentee.get("/accounts/").context["data_export_form"]["submission"].value()
    mentee.post("/accounts/my-data/", {"submission": token})
    assert DataExport.objects.count() == 1
    page = mentee.get("/accounts/").content.decode()
    assert "Your data is already being prepared" in page


def _queries(user):
    with CaptureQueriesContext(connection) as captured:
        build_zip(user, io.BytesIO())
    return len(captured)


def test_building_the_download_reads_each_kind_in_one_query(personas, written, django_assert_max_num_queries):
    mentee = personas.users["mentee"]
    few = _queries(mentee)
    response = written.response
    for question in Question.objects.filter(section__template=response.template).exclude(pk=written.question_id)[:12]:
        Answer.objects.update_or_create(response=response, question=question, defaults={"text": "More", "updated_by": mentee})
    comment = Comment.objects.filter(parent__isnull=True).first()
    for number in range(5):
        Comment.objects.create(response=response, section=comment.section, parent=comment, author=mentee, text=f"Reply {number}")
    assert len(json.loads(_writings(mentee))["answers"]) > 10
    with django_assert_max_num_queries(few):
        build_zip(mentee, io.BytesIO())


def _writings(user):
    buffer = io.BytesIO()
    build_zip(user, buffer)
    return zipfile.ZipFile(buffer).read("writings.json")


def test_the_files_backup_leaves_the_downloads_out(personas, written, tmp_path, mailoutbox, django_capture_on_commit_callbacks):
    ask(personas.client("mentee"), django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    assert storages["attachments"].exists(export.file)
    call_command("files_backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    names = [entry["name"] for entry in manifest["files"]]
    assert names == [Attachment.objects.get().file.name]  # the attachment, not the ZIP


def test_five_downloads_a_day_at_most(personas, mailoutbox, django_capture_on_commit_callbacks):
    mentee = personas.client("mentee")
    for _number in range(5):
        ask(mentee, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 5
    _page, response, _token = ask(mentee, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and DataExport.objects.count() == 5 and len(mailoutbox) == 5
    assert "You have asked for 5 downloads of your data in the last day" in mentee.get("/accounts/").content.decode()


def test_the_download_says_the_history_reasons_in_the_persons_language(personas):
    # Built by a worker, where no language is active (the tests run in English).
    from schemes.models import PoliticalCommitment

    mentee = personas.users["mentee"]
    mentee.language = "fr"
    mentee.save(update_fields=["language"])
    values = {"name": "Jane Mayor", "office": "Mayor", "party": "Green", "date": "2026-03-01", "scope": "both", "evidence": ""}
    assert personas.client("mentee").post("/programmes/test-programme/schemes/1/commitments/new/", values).status_code == 302
    assert PoliticalCommitment.objects.get().history.get().history_change_reason == "Recorded"  # kept as the message
    [version] = json.loads(_writings(mentee))["political_commitments_versions_you_saved"]
    assert version["reason"] == "Enregistré"
