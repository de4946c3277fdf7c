"""A scheme's documents are laid out in the background after a change (debounced), with
the same HTML as the downloads make, so that a download of a current document is a file
read; a download that finds none lays it out as before and says so in the log."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mentoring import documents
from schemes.documents import documents_changed, documents_refresh, scheme_documents
from schemes.models import Side, TemplateKind

PLAN = "/programmes/test-programme/schemes/1/action-plan/"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "documents"]}}
REFRESH = "schemes.documents.documents_refresh"


def action_data(text):
    return {
        "action": text,
        "outcomes": "",
        "timeframe": "2027",
        "due_date": "",
        "lead": "Integration office",
        "resources": "",
        "evaluation": "",
        "seen_version": "",
    }


@pytest.fixture(autouse=True)
def empty_document_cache():
    caches["documents"].clear()
    yield
    caches["documents"].clear()


@pytest.fixture
def laid_out(monkeypatch):
    """The HTML of every document laid out from here on (the renderer still runs)."""
    made = []
    real = documents.render_within_limits
    monkeypatch.setattr(documents, "render_within_limits", lambda html: made.append(html) or real(html))
    return made


@pytest.fixture
def captured(monkeypatch):
    """The HTML of every document a download asks to lay out, with a stand-in PDF (fast)."""
    made = []
    monkeypatch.setattr(documents, "render_within_limits", lambda html: made.append(html) or b"%PDF-1.7 stand-in")
    return made


@pytest.fixture
def queue(settings):
    """The real queue (the database backend, which runs tasks later); no worker runs."""
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=REFRESH)


@pytest.fixture
def filled(personas):
    """Scheme A with something in every document: an action, a needs analysis and a
    strengths document begun, a self-assessment round, a support group member, a session."""
    from schemes.services.filling import response_get_or_create, section_save, template_for
    from schemes.services.self_assessment import round_save

    scheme = personas.a
    mentee = personas.client("mentee")
    assert mentee.post(PLAN + "actions/new/", action_data("Open a one-stop welcome desk")).status_code == 302
    for kind, city, user in (
        (TemplateKind.NEEDS_ANALYSIS, personas.mentee_city, personas.users["mentee"]),
        (TemplateKind.STRENGTHS, personas.mentor_city, personas.users["mentor"]),
    ):
        template = template_for(personas.programme, kind)
        response = response_get_or_create(scheme=scheme, template=template, organisation=city)
        section = template.sections.order_by("order").first()
        question = next(q for q in section.questions.order_by("order") if not q.is_numeric)
        section_save(response=response, section=section, values={question.pk: f"What {city.name} wrote"}, seen={}, user=user)
    key_factor = scheme.benchmark.key_factors.order_by("order").first()
    round_save(
        scheme=scheme,
        city=personas.mentee_city,
        assessment=None,
        key_factors=[key_factor],
        context_factors=[],
        values={key_factor.pk: (2, "Our evidence", True)},
        notes={},
        seen=0,
        user=personas.users["mentee"],
    )
    group_url = reverse(
        "schemes:support_group", kwargs={"programme": "test-programme", "number": 1, "organisation": personas.mentee_city.pk}
    )
    assert (
        mentee.post(
            group_url, {"name": "Ana Member", "organisation": "NGO", "stakeholder_type": "ngo", "role": "Chair"}
        ).status_code
        == 302
    )
    visit = scheme.visits.order_by("order").first()
    return scheme, visit


def document_urls(personas, scheme, visit):
    kwargs = {"programme": "test-programme", "number": scheme.number}
    return [
        reverse("schemes:action_plan_pdf", kwargs=kwargs),
        reverse("schemes:visit_agenda_pdf", kwargs={**kwargs, "visit": visit.order}),
        reverse("schemes:needs_analysis_pdf", kwargs={**kwargs, "organisation": personas.mentee_city.pk}),
        reverse("schemes:strengths_pdf", kwargs={**kwargs, "organisation": personas.mentor_city.pk}),
        reverse("schemes:self_assessment_report", kwargs=kwargs),
        reverse("schemes:support_group_roster", kwargs={**kwargs, "organisation": personas.mentee_city.pk}),
    ]


def test_after_a_change_the_refresh_lays_the_plan_out_and_the_download_is_a_file_read(
    personas, queue, laid_out, django_capture_on_commit_callbacks
):
    scheme = personas.a
    mentee = personas.client("mentee")
    with django_capture_on_commit_callbacks(execute=True):
        assert mentee.post(PLAN + "actions/new/", action_data("Open a one-stop welcome desk")).status_code == 302
    task = queue.get()
    assert task.args_kwargs["args"] == [scheme.pk] and task.queue_name == "documents" and task.priority < 0
    # Later, not at once: the changes of the next seconds join this run.
    assert timedelta(seconds=25) < task.run_after - timezone.now() <= timedelta(seconds=30)
    assert laid_out == []

    documents_refresh.call(scheme.pk)  # what the worker runs when the time comes
    assert any("Open a one-stop welcome desk" in html for html in laid_out)
    made = len(laid_out)
    response = mentee.get(PLAN + "action-plan.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(laid_out) == made  # served from the cache, not laid out
    # A second run finds every document current and lays out nothing.
    documents_refresh.call(scheme.pk)
    assert len(laid_out) == made


def test_the_worker_runs_the_refresh_when_its_time_comes(personas, queue, captured, settings, django_capture_on_commit_callbacks):
    from tests.test_background import work

    settings.DOCUMENT_REFRESH_DELAY_SECONDS = 0
    mentee = personas.client("mentee")
    with django_capture_on_commit_callbacks(execute=True):
        assert mentee.post(PLAN + "actions/new/", action_data("Open a one-stop welcome desk")).status_code == 302
    work()
    assert queue.get().status == "SUCCESSFUL" and captured
    made = len(captured)
    assert mentee.get(PLAN + "action-plan.pdf").status_code == 200 and len(captured) == made


def test_three_changes_in_a_row_schedule_one_refresh(personas, queue, captured, django_capture_on_commit_callbacks):
    scheme = personas.a
    mentee = personas.client("mentee")
    for text in ("First action", "Second action", "Third action"):
        with django_capture_on_commit_callbacks(execute=True):
            assert mentee.post(PLAN + "actions/new/", action_data(text)).status_code == 302
    assert queue.count() == 1
    # The run starts by clearing its marker: a change after that schedules the next run.
    documents_refresh.call(scheme.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert mentee.post(PLAN + "actions/new/", action_data("Fourth action")).status_code == 302
    assert queue.count() == 2


def test_a_write_that_is_rolled_back_schedules_nothing(personas, queue, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        documents_changed(personas.a)
        raise RuntimeError
    assert queue.count() == 0


def test_a_backend_that_cannot_run_a_task_later_schedules_nothing(personas, laid_out, django_capture_on_commit_callbacks):
    # The tests' immediate backend: a refresh would lay every document out in the request.
    with django_capture_on_commit_callbacks(execute=True):
        assert personas.client("mentee").post(PLAN + "actions/new/", action_data("An action")).status_code == 302
    assert laid_out == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_download_and_the_background_make_the_same_html(personas, filled, captured, language):
    """Each of the scheme's documents: the HTML a download asks to lay out is the HTML the
    background makes, so both have the same key."""
    from django.utils import translation

    scheme, visit = filled
    with translation.override(language):
        background = {document.filename: document.key for document in scheme_documents(scheme)}
    assert len(background) >= 6
    clients = {"mentee": personas.client("mentee"), "mentor": personas.client("mentor")}
    for url in document_urls(personas, scheme, visit):
        client = clients["mentor" if "strengths" in url else "mentee"]
        captured.clear()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        filename = response["Content-Disposition"].split('filename="')[1].rstrip('"')
        assert len(captured) == 1 and documents.cache_key(captured[0]) == background[filename], url
        assert f'<html lang="{language}">' in captured[0]


def test_the_refresh_covers_each_language_of_the_schemes_people(personas, filled, captured):
    scheme, visit = filled
    personas.users["mentor"].language = "fr"
    personas.users["mentor"].save()
    documents_refresh.call(scheme.pk)
    assert {html.split('<html lang="')[1][:2] for html in captured} == {"en", "fr"}
    made = len(captured)
    for language, client in (("en", personas.client("mentee")), ("fr", personas.client("mentor"))):
        for url in document_urls(personas, scheme, visit):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200 and response.content.startswith(b"%PDF"), url
    assert len(captured) == made  # every download a file read


def test_a_download_of_a_document_that_is_not_current_says_so_in_the_log(personas, captured, caplog):
    mentee = personas.client("mentee")
    with caplog.at_level(logging.INFO):
        assert mentee.get(PLAN + "action-plan.pdf").status_code == 200
        assert mentee.get(PLAN + "action-plan.pdf").status_code == 200
    lines = [r.getMessage() for r in caplog.records if "not current at download" in r.getMessage()]
    assert len(lines) == 1  # the first download; the second is current
    assert lines[0].startswith("document action-plan-test-programme-1.pdf (pdf:") and lines[0].endswith(
        "not current at download: laying it out in the request"
    )
    assert len(captured) == 1


def test_the_mirror_side_is_not_asked_for_a_document_it_does_not_own(personas, filled):
    # The needs analysis is the mentee side's, the strengths the mentor side's: the
    # background makes each only for the cities that own it.
    scheme, _visit = filled
    names = [document.filename for document in scheme_documents(scheme)]
    sides = {p.organisation.name: p.side for p in scheme.parties.select_related("organisation")}
    assert sides["Menteeville"] == Side.MENTEE and sides["Mentorburg"] == Side.MENTOR
    assert any(name.startswith("needs-analysis") and "menteeville" in name for name in names)
    assert not any(name.startswith("needs-analysis") and "mentorburg" in name for name in names)


def test_a_document_laid_out_yesterday_is_still_current_today(personas, filled, monkeypatch):
    """The plan, the self-assessment report and the roster carry the date of their part's
    last change, not of the printing: unchanged, they print the same the next day (the
    background's PDF stays current), and a change dates them anew."""
    scheme, _visit = filled
    yesterday = {document.filename: document.html for document in scheme_documents(scheme)}
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    today = {document.filename: document.html for document in scheme_documents(scheme)}
    assert today == yesterday
    mentee = personas.client("mentee")
    assert mentee.post(PLAN + "actions/new/", action_data("A second desk")).status_code == 302
    plan = next(name for name in today if name.startswith("action-plan"))
    after = {document.filename: document.html for document in scheme_documents(scheme)}
    assert after[plan] != today[plan]
    tomorrow = timezone.localdate(timezone.now())
    assert date_format(tomorrow, "DATE_FORMAT") in after[plan]
