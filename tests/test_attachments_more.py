"""Attachments on the method's other evidence: a questionnaire answer's supporting
document, a comment's file, a self-assessment key factor's evidence: who adds, removes
and downloads, another scheme's object not found, locked once submitted or resolved, and
the pages' queries flat."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schemes.models import Answer, Attachment, Comment, Question, ResponseStatus, TemplateKind
from schemes.services.filling import response_get_or_create, template_for

from .test_attachments import PDF, png

SCHEME = "/programmes/test-programme/schemes/1/"
BASE = SCHEME + "needs-analysis/{city}/"


def add(client, kind, pk, content=PDF, name="proof.pdf", base=SCHEME):
    return client.post(f"{base}attachments/{kind}/{pk}/add/", {"file": SimpleUploadedFile(name, content)})


def needs_analysis(personas, scheme=None, city=None):
    scheme = scheme or personas.a
    city = city or personas.mentee_city
    template = template_for(scheme.programme, TemplateKind.NEEDS_ANALYSIS)
    return response_get_or_create(scheme=scheme, template=template, organisation=city)


def answer_to(response, key, text="An answer"):
    question = Question.objects.get(section__template=response.template, key=key)
    return Answer.objects.create(response=response, question=question, text=text)


@pytest.fixture
def answer(personas):
    return answer_to(needs_analysis(personas), "challenge")


# 1. Questionnaire answers.


def test_an_answer_takes_a_supporting_document_from_the_sections_editors(personas, answer):
    section = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    mentee = personas.client("mentee")
    response = add(mentee, "answer", answer.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{section}#attachments-answer-{answer.pk}"
    attachment = Attachment.objects.get()
    assert attachment.target == answer and attachment.added_by == personas.users["mentee"]
    page = mentee.get(section).content.decode()
    assert "Supporting documents" in page and "proof.pdf" in page and "Attach a file" in page
    # Everyone who sees the needs analysis downloads; only its section's editors change it.
    for role in ("mentor", "observer", "facilitator", "association"):
        assert personas.client(role).get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 200, role
    for role in ("mentor", "observer"):
        assert add(personas.client(role), "answer", answer.pk, png(), "photo.png").status_code == 403, role
        assert personas.client(role).post(f"{SCHEME}attachments/{attachment.pk}/remove/").status_code == 403, role
    assert "Attach a file" not in personas.client("mentor").get(section).content.decode()
    assert mentee.post(f"{SCHEME}attachments/{attachment.pk}/remove/", {"confirmed": "1"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None


def test_a_submitted_needs_analysis_refuses_files(personas, answer):
    mentee = personas.client("mentee")
    assert add(mentee, "answer", answer.pk).status_code == 302
    attachment = Attachment.objects.get()
    answer.response.status = ResponseStatus.SUBMITTED
    answer.response.save()
    response = add(mentee, "answer", answer.pk, png(), "photo.png")
    assert response.status_code == 400 and "submitted" in response.content.decode()
    mentee.post(f"{SCHEME}attachments/{attachment.pk}/remove/", {"confirmed": "1"}, follow=True)
    attachment.refresh_from_db()
    assert attachment.removed_at is None and Attachment.objects.count() == 1


def test_another_schemes_answer_is_not_found(personas):
    theirs = answer_to(needs_analysis(personas, personas.b, personas.b_mentee), "challenge")
    assert add(personas.client("facilitator"), "answer", theirs.pk).status_code == 404
    assert add(personas.client("b_mentee"), "answer", theirs.pk).status_code == 404  # not through scheme 1


def test_the_section_page_reads_all_its_files_in_one_query(personas):
    response = needs_analysis(personas)
    mentee = personas.client("mentee")
    section = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    questions = list(Question.objects.filter(section__template=response.template, section__key="mentee-needs")[:3])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert mentee.get(section).status_code == 200
        return len(captured)

    first = answer_to(response, questions[0].key)
    add(mentee, "answer", first.pk)
    one = queries()
    for number, question in enumerate(questions[1:], start=1):
        other = answer_to(response, question.key)
        add(mentee, "answer", other.pk, png(bytes(number)), f"photo{number}.png")
        add(mentee, "answer", other.pk, PDF + bytes(number), "more.pdf")
    mentee.post(section + "comments/", {"comment-text": "A note"})
    comment = Comment.objects.get()
    add(mentee, "comment", comment.pk)
    assert Attachment.objects.count() == 2 * len(questions) - 1 + 1
    assert queries() <= one + 3  # the comments' own queries, none per file


# 2. Comments.


def test_a_comment_takes_a_file_from_its_author_while_open(personas):
    needs_analysis(personas)
    section = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    mentor.post(section + "comments/", {"comment-text": "See the attached study"})
    comment = Comment.objects.get()
    response = add(mentor, "comment", comment.pk)
    assert response.status_code == 302 and response["Location"] == f"{section}#comment-{comment.pk}"
    attachment = Attachment.objects.get()
    assert "proof.pdf" in mentee.get(section).content.decode()
    assert personas.client("observer").get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 200
    # Not the author: refused (the document's owner included).
    assert add(mentee, "comment", comment.pk, png(), "photo.png").status_code == 403
    assert mentee.post(f"{SCHEME}attachments/{attachment.pk}/remove/").status_code == 403
    # Resolved: the thread's files no longer change.
    mentee.post(BASE.format(city=personas.mentee_city.pk) + f"comments/{comment.pk}/resolve/")
    assert add(mentor, "comment", comment.pk, png(), "photo.png").status_code == 400
    mentor.post(f"{SCHEME}attachments/{attachment.pk}/remove/", {"confirmed": "1"})
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_another_schemes_comment_is_not_found(personas):
    response = needs_analysis(personas, personas.b, personas.b_mentee)
    section = response.template.sections.get(key="mentee-needs")
    comment = Comment.objects.create(response=response, section=section, author=personas.users["b_mentee"], text="x")
    assert add(personas.client("facilitator"), "comment", comment.pk).status_code == 404


# 3. Self-assessment key factors.


def rows_of(scheme, city, count=3):
    from benchmarks.models import KeyFactor
    from schemes.models import KeyFactorAssessment, SelfAssessment

    assessment = SelfAssessment.objects.create(scheme=scheme, city=city, benchmark_id=scheme.benchmark_id)
    factors = KeyFactor.objects.filter(version_id=scheme.benchmark_id).order_by("order")[:count]
    return [KeyFactorAssessment.objects.create(assessment=assessment, key_factor=factor, level=2) for factor in factors]


def test_a_key_factor_takes_evidence_from_the_citys_editors_until_submitted(personas):
    row = rows_of(personas.a, personas.mentee_city)[0]
    page = f"{SCHEME}self-assessment/{personas.mentee_city.pk}/"
    mentee = personas.client("mentee")
    response = add(mentee, "key_factor", row.pk)
    assert response.status_code == 302 and response["Location"] == f"{page}#attachments-key_factor-{row.pk}"
    attachment = Attachment.objects.get()
    assert "Evidence files" in mentee.get(page).content.decode()
    for role in ("mentor", "observer", "facilitator"):
        assert personas.client(role).get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 200, role
    assert add(personas.client("mentor"), "key_factor", row.pk, png(), "photo.png").status_code == 403
    assert personas.client("mentor").post(f"{SCHEME}attachments/{attachment.pk}/remove/").status_code == 403
    row.assessment.submitted_at = row.assessment.created_at
    row.assessment.save()
    response = add(mentee, "key_factor", row.pk, png(), "photo.png")
    assert response.status_code == 400 and "submitted" in response.content.decode()
    mentee.post(f"{SCHEME}attachments/{attachment.pk}/remove/", {"confirmed": "1"})
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_another_schemes_key_factor_is_not_found(personas):
    if personas.b.benchmark_id is None:
        personas.b.benchmark_id = personas.a.benchmark_id
        personas.b.save()
    row = rows_of(personas.b, personas.b_mentee, 1)[0]
    assert add(personas.client("facilitator"), "key_factor", row.pk).status_code == 404


def test_the_self_assessment_page_reads_its_evidence_in_one_query(personas):
    rows = rows_of(personas.a, personas.mentee_city)
    page = f"{SCHEME}self-assessment/{personas.mentee_city.pk}/"
    mentee = personas.client("mentee")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert mentee.get(page).status_code == 200
        return len(captured)

    add(mentee, "key_factor", rows[0].pk)
    one = queries()
    for number, row in enumerate(rows[1:], start=1):
        add(mentee, "key_factor", row.pk, png(bytes(number)), f"photo{number}.png")
        add(mentee, "key_factor", row.pk, PDF + bytes(number), "more.pdf")
    assert Attachment.objects.count() == 5
    assert queries() == one


# 4. Good practices: the programme's own files.


def practice_of(personas, programme=None, city=None):
    from schemes.models import GoodPractice

    return GoodPractice.objects.create(
        programme=programme or personas.programme, city=city or personas.mentee_city, title="Welcome desk"
    )


def practice_add(client, practice, content=PDF, name="leaflet.pdf", programme="test-programme"):
    return client.post(
        f"/programmes/{programme}/good-practices/{practice.pk}/attachments/add/", {"file": SimpleUploadedFile(name, content)}
    )


def test_a_good_practice_takes_files_from_its_owners_for_the_whole_programme(personas):
    practice = practice_of(personas)
    mentee = personas.client("mentee")
    page = f"/programmes/test-programme/good-practices/{practice.pk}/"
    response = practice_add(mentee, practice)
    assert response.status_code == 302 and response["Location"] == f"{page}#attachments"
    attachment = Attachment.objects.get()
    assert attachment.scheme is None and attachment.programme == personas.programme
    assert attachment.file.name.startswith(f"p{personas.programme.pk}/")
    assert "leaflet.pdf" in personas.client("observer").get(page).content.decode()
    download = f"/programmes/test-programme/good-practices/attachments/{attachment.pk}/"
    for role in ("mentor", "observer", "b_mentee", "coordinator"):
        assert personas.client(role).get(download).status_code == 200, role
    # The mentor officer acts for another city: not an owner of this practice.
    assert practice_add(personas.client("mentor"), practice, png(), "photo.png").status_code == 403
    assert personas.client("mentor").post(download + "remove/").status_code == 403
    # Not through a scheme's address.
    assert personas.client("facilitator").get(f"{SCHEME}attachments/{attachment.pk}/").status_code == 404
    assert mentee.post(download + "remove/", {"confirmed": "1"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None


def test_another_programmes_practice_is_not_found(personas):
    from schemes.models import Organisation

    city = Organisation.objects.filter(kind="city").exclude(pk=personas.mentee_city.pk).first()
    theirs = practice_of(personas, personas.other_programme, city)
    assert practice_add(personas.client("facilitator"), theirs).status_code == 404
    assert practice_add(personas.client("mentee"), theirs).status_code == 404


def test_a_practices_files_count_towards_the_programmes_total(personas, settings):
    settings.SCHEME_ATTACHMENTS_MAX_BYTES = len(PDF) + 10
    practice = practice_of(personas)
    mentee = personas.client("mentee")
    assert practice_add(mentee, practice).status_code == 302
    response = practice_add(mentee, practice, png(), "photo.png")
    assert response.status_code == 400 and "This programme" in response.content.decode()
    # A scheme's total is its own.
    visit = personas.a.visits.get(order=1)
    assert add(personas.client("facilitator"), "visit", visit.pk, PDF + b" ").status_code == 302


# 5. The purge of removed attachments.


def test_the_purge_deletes_files_removed_beyond_the_retention(personas, attachments_in_tmp, settings):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    settings.ATTACHMENT_RETENTION_DAYS = 30
    facilitator = personas.client("facilitator")
    visit = personas.a.visits.get(order=1)
    for number in range(3):
        assert add(facilitator, "visit", visit.pk, PDF + bytes(number), f"file{number}.pdf").status_code == 302
    old, recent, kept = Attachment.objects.order_by("pk")
    Attachment.objects.filter(pk=old.pk).update(removed_at=timezone.now() - timedelta(days=31))
    Attachment.objects.filter(pk=recent.pk).update(removed_at=timezone.now() - timedelta(days=29))
    storage = old.file.storage

    out = StringIO()
    call_command("attachments_purge", "--dry-run", stdout=out)
    assert "would delete 1 removed attachments" in out.getvalue()
    assert Attachment.objects.count() == 3 and storage.exists(old.file.name)

    out = StringIO()
    call_command("attachments_purge", stdout=out)
    assert "deleted 1 removed attachments" in out.getvalue()
    assert set(Attachment.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not storage.exists(old.file.name) and storage.exists(recent.file.name) and storage.exists(kept.file.name)


def test_the_purge_is_a_daily_periodic_task(personas):
    from datetime import timedelta

    from mentoring import tasks

    assert tasks.PERIODIC[tasks.attachments_purge] == timedelta(days=1)
    tasks.attachments_purge.call()  # nothing to purge: runs, and would come back tomorrow


def test_restoring_a_practice_brings_back_its_removed_file(personas):
    practice = practice_of(personas)
    mentee = personas.client("mentee")
    assert practice_add(mentee, practice).status_code == 302
    attachment = Attachment.objects.get()
    practice.title = "Welcome desk, kept"
    practice.save()
    version = practice.history.order_by("-history_id").first()
    assert (
        mentee.post(
            f"/programmes/test-programme/good-practices/attachments/{attachment.pk}/remove/", {"confirmed": "1"}
        ).status_code
        == 302
    )
    practice.title = "Welcome desk, renamed"
    practice.save()
    url = f"/programmes/test-programme/good-practices/{practice.pk}/history/{version.history_id}/restore/"
    assert mentee.post(url, {"confirmed": "1"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    assert "leaflet.pdf" in mentee.get(f"/programmes/test-programme/good-practices/{practice.pk}/history/").content.decode()


def test_the_needs_analysis_and_the_self_assessment_pdfs_list_their_files_as_annexes(personas, answer):
    from schemes.views.assessments import self_assessment_document
    from schemes.views.questionnaires import filling_of, questionnaire_document

    assert add(personas.client("mentee"), "answer", answer.pk, name="district-map.pdf").status_code == 302
    party = personas.a.parties.get(organisation=personas.mentee_city)
    party.scheme = personas.a
    html = questionnaire_document(personas.a, filling_of(personas.a, None, TemplateKind.NEEDS_ANALYSIS, party)).html
    assert "Annexes" in html and "district-map.pdf" in html and answer.question.text[:40] in html
    rating = rows_of(personas.a, personas.mentee_city, count=1)[0]
    assert add(personas.client("mentee"), "key_factor", rating.pk, name="council-minutes.pdf").status_code == 302
    html = self_assessment_document(personas.a).html
    assert "council-minutes.pdf" in html and "Menteeville" in html


def test_a_deleted_sessions_files_are_removed_with_it_and_stop_counting(personas):
    from schemes.models import AgendaItem
    from schemes.services.visits import session_remove

    visit = personas.a.visits.get(order=1)
    import datetime

    session = AgendaItem.objects.create(
        visit=visit,
        title="Site visit",
        day=datetime.date(2027, 3, 1),
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        session_type="site_visit",
    )
    assert add(personas.client("facilitator"), "session", session.pk, name="photos.pdf").status_code == 302
    session_remove(session=session, visit=visit, actor=personas.users["facilitator"])
    attachment = Attachment.objects.get()
    assert attachment.removed_at is not None and attachment.removed_by == personas.users["facilitator"]
    assert attachment.history.first().history_change_reason == "Removed with what it was attached to"
    assert not Attachment.objects.present().exists()


def test_the_evidence_pack_holds_the_files_of_the_good_practices_of_the_schemes_strengths(personas):
    import io
    import zipfile

    practice = practice_of(personas, city=personas.mentor_city)
    assert practice_add(personas.client("mentor"), practice, name="buddy-project-leaflet.pdf").status_code == 302
    other = practice_of(personas, city=personas.mentor_city)
    assert practice_add(personas.client("mentor"), other, png(), name="not-attached.png").status_code == 302
    strengths = response_get_or_create(
        scheme=personas.a, template=template_for(personas.programme, TemplateKind.STRENGTHS), organisation=personas.mentor_city
    )
    strengths.good_practices.add(practice)
    response = personas.client("mentee").get(SCHEME + "evidence-pack.zip")
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "1 Needs analysis and strengths/buddy-project-leaflet.pdf" in names
    assert not any("not-attached" in name for name in names)
