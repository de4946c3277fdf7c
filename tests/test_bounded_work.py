"""Bounded work: what one document may hold is checked as people write (actions per
plan, text per document, sessions and days per visit), and documents are laid out in a
child process within a time and a memory limit: in the background after each change, or
by the download that finds none, one at a time per process; a download that leaves its
document to the workers waits a few seconds at most. A document too large to print says
so and offers its spreadsheet."""

import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client

from mentoring import documents
from schemes.models import Action, AgendaItem, Answer, KeyFactorAssessment, Visit
from schemes.services.action_plans import plan_get_or_create

from .test_action_plans import PLAN, action_data
from .test_background import work
from .test_questionnaires import BASE
from .test_questionnaires import form_data as section_data
from .test_self_assessment import form_data as assessment_data
from .test_visits import VISITS, session_data, visit_data

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "documents"]}}


def test_a_plan_takes_at_most_its_number_of_actions(personas, settings):
    settings.MAX_ACTIONS_PER_PLAN = 3
    plan = plan_get_or_create(scheme=personas.a)
    for n in range(3):
        Action.objects.create(plan=plan, order=n, action=f"Action {n}")
    mentee = personas.client("mentee")
    response = mentee.post(PLAN + "actions/new/", action_data("A fourth action"))
    assert response.status_code == 200
    assert "An action plan has at most 3 actions" in response.content.decode()
    assert "A fourth action" in response.content.decode()  # what was typed is kept
    assert plan.actions.count() == 3


def test_a_plan_takes_at_most_its_text(personas, settings):
    settings.MAX_DOCUMENT_TEXT = 1_000
    plan = plan_get_or_create(scheme=personas.a)
    Action.objects.create(plan=plan, order=1, action="x" * 600)
    mentee = personas.client("mentee")
    response = mentee.post(PLAN + "actions/new/", action_data("y" * 500))
    page = response.content.decode()
    assert response.status_code == 200 and "more than the 1,000 one document may hold" in page
    assert plan.actions.count() == 1
    # Shortening the existing action makes room.
    action = plan.actions.get()
    seen = mentee.get(PLAN + f"actions/{action.pk}/").context["form"]["seen_version"].value()
    assert mentee.post(PLAN + f"actions/{action.pk}/", action_data("x" * 100, seen_version=seen)).status_code == 302
    assert mentee.post(PLAN + "actions/new/", action_data("y" * 500)).status_code == 302


def test_a_questionnaire_takes_at_most_its_text(personas, settings):
    settings.MAX_DOCUMENT_TEXT = 1_000
    mentee = personas.client("mentee")
    url = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    response = mentee.post(url, section_data(mentee, url, challenge="c" * 700, reasons="r" * 400))
    assert response.status_code == 400
    assert "more than the 1,000 one document may hold" in response.content.decode()
    assert not Answer.objects.filter(response__scheme=personas.a).exclude(text="").exists()
    assert mentee.post(url, section_data(mentee, url, challenge="c" * 700, reasons="r" * 200)).status_code == 302


def test_a_self_assessment_takes_at_most_its_text(personas, settings):
    settings.MAX_DOCUMENT_TEXT = 1_000
    mentee = personas.client("mentee")
    url = f"/programmes/test-programme/schemes/1/self-assessment/{personas.mentee_city.pk}/"
    response = mentee.post(url, assessment_data(mentee, url, level_1="2", evidence_1="e" * 600, evidence_2="f" * 600))
    assert "more than the 1,000 one document may hold" in response.content.decode()
    assert not KeyFactorAssessment.objects.exists()
    # The limit is the whole round's, whichever pages its text is on.
    assert mentee.post(url, assessment_data(mentee, url, evidence_1="e" * 600)).status_code == 302
    second = url + "pages/2/"
    response = mentee.post(second, assessment_data(mentee, second, evidence_7="f" * 600))
    assert "more than the 1,000 one document may hold" in response.content.decode()
    assert list(KeyFactorAssessment.objects.values_list("key_factor__number", flat=True)) == ["1"]


def test_a_visit_lasts_at_most_its_days_and_takes_at_most_its_sessions(personas, settings):
    settings.MAX_VISIT_DAYS, settings.MAX_SESSIONS_PER_VISIT = 14, 2
    facilitator = personas.client("facilitator")
    url = f"{VISITS}1/edit/"
    seen = facilitator.get(url).context["form"]["seen_version"].value()
    five_years = visit_data(
        start_date="2027-03-10",
        end_date="2032-03-09",
        seen_version=seen,
        host=str(personas.mentee_city.pk),
    )
    response = facilitator.post(url, five_years)
    assert response.status_code == 200 and "A visit lasts at most 14 days (this would be 1827)" in response.content.decode()
    assert Visit.objects.get(scheme=personas.a, order=1).end_date is None
    fortnight = {**five_years, "end_date": "2027-03-23"}
    assert facilitator.post(url, fortnight).status_code == 302
    for start in ("09:00", "11:00"):
        response = facilitator.post(f"{VISITS}1/sessions/new/", session_data(start_time=start, end_time=start[:2] + ":30"))
        assert response.status_code == 302
    third = facilitator.post(f"{VISITS}1/sessions/new/", session_data(start_time="14:00", end_time="15:00"))
    assert third.status_code == 200 and "An agenda has at most 2 sessions." in third.content.decode()
    assert AgendaItem.objects.filter(visit__scheme=personas.a).count() == 2


@pytest.fixture
def huge_plan(personas):
    """A plan written before the limits (or through the admin): 25 actions with every
    cell full: 2 million characters, some 400 pages (a minute and 500 MB to lay out)."""
    plan = plan_get_or_create(scheme=personas.a)
    Action.objects.bulk_create(
        Action(
            plan=plan,
            order=n,
            action="word " * 4_000,
            outcomes="word " * 4_000,
            resources="word " * 4_000,
            evaluation="word " * 4_000,
            lead="Team",
            timeframe="2027",
        )
        for n in range(25)
    )
    return plan


def test_a_document_over_the_time_limit_says_so_and_offers_the_spreadsheet(personas, huge_plan, settings):
    settings.DOCUMENT_RENDER_SECONDS = 2
    started = time.monotonic()
    response = personas.client("observer").get(PLAN + "action-plan.pdf")
    assert time.monotonic() - started < 10
    page = response.content.decode()
    assert response.status_code == 422 and response["Content-Type"].startswith("text/html")
    assert "This document is too large to print" in page
    assert 'href="/programmes/test-programme/schemes/1/action-plan/actions.csv"' in page
    assert 'href="/programmes/test-programme/schemes/1/action-plan/actions.xlsx"' in page
    # Remembered: asking again does not lay it out again.
    started = time.monotonic()
    assert personas.client("mentee").get(PLAN + "action-plan.pdf").status_code == 422
    assert time.monotonic() - started < 1


def test_a_document_over_the_memory_limit_says_so(personas, huge_plan, settings):
    settings.DOCUMENT_RENDER_MEMORY_MB = 60
    response = personas.client("observer").get(PLAN + "action-plan.pdf")
    assert response.status_code == 422 and "too large to print" in response.content.decode()


def test_a_document_over_the_html_limit_is_not_even_tried(personas, huge_plan, settings):
    settings.DOCUMENT_MAX_HTML = 10_000
    started = time.monotonic()
    response = personas.client("observer").get(PLAN + "action-plan.pdf")
    assert response.status_code == 422 and time.monotonic() - started < 2


@pytest.fixture
def no_pdf_yet():
    """The documents cache emptied: the PDFs are kept by content, across tests."""
    caches["documents"].clear()
    yield
    caches["documents"].clear()


def test_a_download_that_finds_no_pdf_lays_it_out_itself_and_says_so(personas, settings, caplog, no_pdf_yet):
    """On the real queue (the database), with nobody running a worker: the download lays
    its document out in the request, at once, logs that it did, and leaves nothing on the
    queue; the next download is a cache read."""
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    url = BASE.format(city=personas.mentee_city.pk) + "document.pdf"
    observer = personas.client("observer")
    with caplog.at_level("INFO"):  # the root's level: the project's own for its logger applies, as deployed
        first = observer.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf" and first.content.startswith(b"%PDF")
    assert "not current at download: laying it out in the request" in caplog.text
    assert not DBTaskResult.objects.exists()
    caplog.clear()
    with caplog.at_level("INFO"):
        again = observer.get(url)
    assert again.content == first.content and "not current" not in caplog.text


def test_a_document_someone_lays_out_already_is_waited_for_not_laid_out_twice(personas, settings, no_pdf_yet):
    """While a worker (or another download) lays a document out, a download waits for it
    (at most its wait, then "being prepared") instead of laying it out a second time."""
    settings.TASKS = DATABASE_QUEUE
    settings.DOCUMENT_WAIT_SECONDS = 0.5
    from django_tasks_db.models import DBTaskResult

    url = BASE.format(city=personas.mentee_city.pk) + "document.pdf"
    observer = personas.client("observer")
    started_elsewhere = []
    # The first download claims the document and starts laying it out: stopped there, as
    # if it were still at work elsewhere.
    with mock.patch.object(documents, "render_and_store", side_effect=lambda key, html: started_elsewhere.append((key, html))):
        assert observer.get(url).status_code == 202
    assert len(started_elsewhere) == 1
    with mock.patch.object(documents, "render_within_limits") as renderer:
        started = time.monotonic()
        waiting = observer.get(url)
        assert time.monotonic() - started < 3
        renderer.assert_not_called()
    assert waiting.status_code == 202 and waiting["Retry-After"] == "3"
    assert "The document is being prepared" in waiting.content.decode()
    assert "data-document-retry" in waiting.content.decode()  # a link to open it again, without JavaScript
    assert not DBTaskResult.objects.exists()  # nothing asked of the workers: it is being laid out
    documents.render_and_store(*started_elsewhere[0])  # ... and it is done
    ready = observer.get(url)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")


def test_a_download_while_its_process_lays_out_another_leaves_it_to_the_workers(personas, settings, no_pdf_yet):
    """One layout at a time per process: a download that finds its process busy with
    another download's document enqueues its own (once), waits at most its wait, and says
    it is being prepared; the worker lays it out; the next download is the PDF."""
    settings.TASKS = DATABASE_QUEUE
    settings.DOCUMENT_WAIT_SECONDS = 0.5
    from django_tasks_db.models import DBTaskResult

    url = BASE.format(city=personas.mentee_city.pk) + "document.pdf"
    observer = personas.client("observer")
    with documents._download_layout:  # another download's document, being laid out here
        started = time.monotonic()
        first = observer.get(url)
        assert time.monotonic() - started < 3
        assert first.status_code == 202 and "The document is being prepared" in first.content.decode()
        # Asked twice, it is laid out once.
        assert observer.get(url).status_code == 202
    assert DBTaskResult.objects.filter(task_path="mentoring.documents.document_render").count() == 1
    work()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    ready = observer.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf" and ready.content.startswith(b"%PDF")
    # HEAD, as the "being prepared" page's script asks: answered without a body once ready.
    assert Client().head(url).status_code == 302  # (signed out: to the login page)
    assert observer.head(url).status_code == 200


def test_a_renderer_that_cannot_start_leaves_the_document_to_the_next_download(personas, settings, no_pdf_yet):
    settings.TASKS = DATABASE_QUEUE
    url = BASE.format(city=personas.mentee_city.pk) + "document.pdf"
    observer = personas.client("observer")
    with mock.patch.object(documents, "render_within_limits", side_effect=OSError("disk full")), pytest.raises(OSError):
        observer.get(url)
    assert observer.get(url).status_code == 200  # not left "pending" for minutes
