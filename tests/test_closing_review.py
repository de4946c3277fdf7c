"""The closing review (seed 002, “Concluding the ImpleMentoring process”): the impact
ledger of a scheme (baseline and final levels of each city on each focus key factor, the
needs, good practices and actions tied to it, and the two flags), what the page says when
a city has not re-assessed itself, the closing report as PDF and XLSX, and the programme
report for those who fund and govern the programme, in a fixed number of queries."""

import datetime
import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from schemes.models import (
    Action,
    ActionPlan,
    GoodPractice,
    ImplementationUpdate,
    KeyFactorAssessment,
    Need,
    SelfAssessment,
    Visit,
    VisitStatus,
)
from schemes.services.closing import closing_ledger, closing_ledgers, programme_progress
from schemes.services.schemes import scheme_create

from .test_attachments import PDF

SCHEME = "/programmes/test-programme/schemes/1/"
REVIEW = SCHEME + "closing/review/"
HOSTILE = '<script>alert("x")</script><b>Bold</b>'


def pdf_text(content):
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def assess(scheme, city, round_number, levels, *, submitted=True):
    """A round of ``city`` with {key factor: level}."""
    assessment = SelfAssessment.objects.create(
        scheme=scheme,
        city=city,
        benchmark=scheme.benchmark,
        round=round_number,
        label="Baseline" if round_number == 1 else f"Re-assessment {round_number - 1}",
        submitted_at=timezone.now() if submitted else None,
    )
    for key_factor, level in levels.items():
        KeyFactorAssessment.objects.create(assessment=assessment, key_factor=key_factor, level=level)
    return assessment


@pytest.fixture
def built(personas):
    """Scheme A with three focus key factors:

    - kf1: the mentee moved from 1 to 3, and the only action on it was dropped: "level
      moved with no action"; the mentor city's good practice is on it;
    - kf2: the mentee stayed at 2, its action is done (with an update and a file):
      "actions done, no movement";
    - kf3: the mentee stayed at 1, its action is in progress: no flag."""
    scheme = personas.a
    kf1, kf2, kf3, kf4 = list(scheme.benchmark.key_factors.order_by("order")[:4])
    scheme.focus_key_factors.set([kf1, kf2, kf3])
    assess(scheme, personas.mentee_city, 1, {kf1: 1, kf2: 2, kf3: 1, kf4: 0})
    assess(scheme, personas.mentee_city, 2, {kf1: 3, kf2: 2, kf3: 1, kf4: 2})
    assess(scheme, personas.mentor_city, 1, {kf1: 3, kf2: 3, kf3: 2, kf4: 1})
    assess(scheme, personas.mentor_city, 2, {kf1: 4, kf2: 3, kf3: 2, kf4: 1})
    plan = ActionPlan.objects.create(scheme=scheme, title="Plan A")
    welcome = Need.objects.create(plan=plan, order=1, text="Newcomers do not find the services")
    staff = Need.objects.create(plan=plan, order=2, text="Staff lack intercultural skills")
    dropped = Action.objects.create(plan=plan, order=1, action="A dropped idea", status="dropped")
    dropped.key_factors.add(kf1)
    desk = Action.objects.create(plan=plan, order=2, action="Open a one-stop welcome desk", status="done", progress=100)
    desk.key_factors.add(kf2)
    desk.needs.add(welcome)
    training = Action.objects.create(plan=plan, order=3, action=HOSTILE, status="in_progress", progress=40)
    training.key_factors.add(kf3)
    training.needs.add(staff)
    update = ImplementationUpdate.objects.create(
        action=desk, date=datetime.date(2026, 10, 1), text="The desk opened in October.", status="done", progress=100
    )
    mentor_practice = GoodPractice.objects.create(
        programme=scheme.programme, city=personas.mentor_city, title="Mentorburg welcome network"
    )
    mentor_practice.key_factors.add(kf1)
    own_practice = GoodPractice.objects.create(programme=scheme.programme, city=personas.mentee_city, title="Our own leaflet")
    own_practice.key_factors.add(kf1)
    Visit.objects.filter(scheme=scheme, order=1).update(status=VisitStatus.HELD, start_date=datetime.date(2026, 3, 2))
    response = personas.client("mentee").post(
        f"{SCHEME}attachments/update/{update.pk}/add/", {"file": SimpleUploadedFile("proof.pdf", PDF)}
    )
    assert response.status_code == 302
    return scheme, (kf1, kf2, kf3, kf4), (desk, training, dropped)


def test_the_ledger_gives_baseline_and_final_levels_and_both_flags(personas, built):
    scheme, (kf1, kf2, kf3, _kf4), (desk, training, dropped) = built
    ledger = closing_ledger(scheme)
    assert ledger.focus_chosen and not ledger.missing
    assert [row.key_factor for row in ledger.rows] == [kf1, kf2, kf3]  # the focus only
    first, second, third = ledger.rows
    # The cities: mentee side first, then mentor side; associations are no city.
    assert [level.city for level in first.levels] == [personas.mentee_city, personas.mentor_city]
    mentee, mentor = first.levels
    assert (mentee.baseline, mentee.final, mentee.moved) == (1, 3, True)
    assert (mentor.baseline, mentor.final) == (3, 4)
    assert (mentee.baseline_label, mentee.final_label) == ("First steps", "Largely in place")
    # kf1: moved with no action but a dropped one; the mentor's good practice, not the mentee's own.
    assert first.moved_without_action and not first.done_without_movement
    assert [entry.action for entry in first.actions] == [dropped]
    assert [practice.title for practice in first.practices] == ["Mentorburg welcome network"]
    # kf2: its action done, the level where it was.
    assert second.done_without_movement and not second.moved_without_action
    assert [(entry.action, entry.evidence) for entry in second.actions] == [(desk, 1)]
    assert second.actions[0].latest_update.text == "The desk opened in October."
    assert [need.text for need in second.needs] == ["Newcomers do not find the services"]
    # kf3: an action still in progress: no flag.
    assert not third.moved_without_action and not third.done_without_movement
    assert [need.text for need in third.needs] == ["Staff lack intercultural skills"]
    assert {str(label): count for label, count in ledger.actions_by_status} == {
        "Not started": 0,
        "In progress": 1,
        "Done": 1,
        "Dropped": 1,
    }
    assert [visit.order for visit in ledger.visits_held] == [1]


def test_the_flags_are_not_raised_when_an_action_answers_the_movement(personas, built):
    scheme, (kf1, kf2, _kf3, _kf4), (desk, training, dropped) = built
    # An action on kf1 (not dropped), and kf2's level moving up at the end.
    Action.objects.create(plan=scheme.action_plan, order=9, action="Map the services").key_factors.add(kf1)
    KeyFactorAssessment.objects.filter(assessment__city=personas.mentee_city, assessment__round=2, key_factor=kf2).update(level=4)
    first, second, _third = closing_ledger(scheme).rows
    assert not first.moved_without_action
    assert not second.done_without_movement and second.levels[0].moved


def test_the_ledger_is_for_the_benchmark_version_it_is_given(personas, built):
    from benchmarks.models import BenchmarkVersion

    scheme, *_rest = built
    other = BenchmarkVersion.objects.exclude(pk=scheme.benchmark_id).first()
    ledger = closing_ledger(scheme, benchmark=other)
    # No round against that version: every city is told to assess itself, every key factor shown.
    assert ledger.benchmark == other and not ledger.focus_chosen
    assert [row.key_factor for row in ledger.rows] == list(other.key_factors.order_by("order"))
    assert all(level.baseline is None for row in ledger.rows for level in row.levels)
    assert "Menteeville has no submitted self-assessment round" in ledger.missing[0].text


def test_the_page_shows_the_ledger_to_everyone_of_the_scheme(personas, built):
    for role in ("mentee", "mentor", "association", "facilitator", "coordinator", "observer"):
        page = personas.client(role).get(REVIEW)
        assert page.status_code == 200, role
    html = page.content.decode()
    assert "Level moved with no action" in html and "Actions done, no movement" in html
    assert "Mentorburg welcome network" in html and "Our own leaflet" not in html
    assert "First steps" in html and "Largely in place" in html
    assert "1 file attached" in html
    assert "&lt;script&gt;" in html and HOSTILE not in html
    # A table from md up, the same rows stacked below md.
    assert 'class="d-none d-md-block table-responsive"' in html and 'class="d-md-none"' in html
    assert "What the review cannot compare yet" not in html
    assert personas.client("b_mentee").get(REVIEW).status_code == 404
    scheme_page = personas.client("mentee").get(SCHEME).content.decode()
    assert REVIEW in scheme_page


def test_missing_rounds_are_explained_with_links(personas):
    scheme = personas.a
    kf1 = scheme.benchmark.key_factors.order_by("order").first()
    assess(scheme, personas.mentee_city, 1, {kf1: 2})
    assess(scheme, personas.mentee_city, 2, {kf1: 3}, submitted=False)
    html = personas.client("mentee").get(REVIEW).content.decode()
    assert (
        "Menteeville has one submitted self-assessment round: the closing review compares the first and the "
        "latest; submit a re-assessment round. Its round 2 is started: submit it when it is complete."
    ) in html
    assert f'href="{SCHEME}self-assessment/{personas.mentee_city.pk}/"' in html
    assert "Mentorburg has no submitted self-assessment round" in html
    assert f'href="{SCHEME}self-assessment/{personas.mentor_city.pk}/"' in html
    # No focus yet: every key factor, and a link to choose the focus.
    assert "No focus key factors are agreed" in html and f'href="{SCHEME}focus/"' in html
    # What it can show: the baseline, no final.
    assert "no final round yet" in html
    ledger = closing_ledger(scheme)
    assert len(ledger.rows) == scheme.benchmark.key_factors.count()
    assert ledger.rows[0].levels[0].baseline == 2 and ledger.rows[0].levels[0].final is None
    assert not ledger.rows[0].moved_without_action  # nothing to compare: no flag


def test_a_scheme_without_a_benchmark_reviews_its_objectives(personas):
    scheme = personas.b
    plan = ActionPlan.objects.create(scheme=scheme, title="Plan B")
    need = Need.objects.create(plan=plan, text="More evening language classes")
    action = Action.objects.create(plan=plan, action="Open two evening classes", status="in_progress")
    action.needs.add(need)
    html = personas.client("b_mentee").get("/programmes/test-programme/schemes/2/closing/review/").content.decode()
    assert "compares its objectives instead" in html
    assert "More evening language classes" in html and "Open two evening classes" in html and "In progress" in html
    pdf = personas.client("b_mentee").get("/programmes/test-programme/schemes/2/closing/report.pdf")
    text = pdf_text(pdf.content)
    assert "More evening language classes" in text and "compares its objectives instead" in " ".join(text.split())


def test_the_closing_report_pdf_reads_back(personas, built):
    response = personas.client("observer").get(SCHEME + "closing/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = [page for page in pdf_text(response.content).split("\f") if page.strip()]
    title = " ".join(pages[0].split())
    assert "Closing report" in title and "Test Programme" in title and "Scheme A" in title
    assert "Menteeville" in title and "Mentorburg" in title
    assert "1/" not in title  # no page number on the title page
    body = " ".join(" ".join(pages[1:]).split())
    assert "Level moved with no action" in body and "Actions done, no movement" in body
    assert "Open a one-stop welcome desk" in body and "Mentorburg welcome network" in body
    assert "visits held" in body.lower() and "lessons learned" in body.lower()
    assert HOSTILE in "".join(body.split())  # the hostile text printed as text (wrapped in its column)
    assert "2/2" in " ".join(pages[1].split())  # page numbers after the title page


def test_hostile_html_in_an_action_is_escaped_in_the_pdf(personas, built, fetched_urls):
    from schemes.views.closing import closing_document

    scheme, *_rest = built
    document = closing_document(scheme)
    assert HOSTILE not in document.html and "&lt;script&gt;" in document.html
    assert "<b>Bold</b>" not in document.html
    pdf = personas.client("mentee").get(SCHEME + "closing/report.pdf").content
    assert "alert" in pdf_text(pdf)
    assert all(url.startswith(("data:", "https://documents.invalid/static/")) for url in fetched_urls())


def test_the_closing_report_xlsx_reads_back(personas, built):
    response = personas.client("mentor").get(SCHEME + "closing/report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Closing review", "Actions", "Actions by status", "Visits held"]
    ledger = list(book["Closing review"].iter_rows(values_only=True))
    assert ledger[0][:9] == (
        "Scheme",
        "Key factor",
        "Title",
        "City",
        "Side",
        "Baseline level",
        "Baseline",
        "Final level",
        "Final",
    )
    first = ledger[1]
    assert first[3] == "Menteeville" and (first[5], first[7]) == (1, 3) and first[14] == "yes"
    assert len(ledger) == 1 + 3 * 2  # three key factors, two cities
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[2][2] == "Open a one-stop welcome desk" and actions[2][9] == 1
    assert actions[3][2] == HOSTILE  # kept as text, not a formula
    assert actions[2][7].date() == datetime.date(2026, 10, 1)
    statuses = list(book["Actions by status"].iter_rows(values_only=True))
    assert statuses[0] == ("Scheme", "Not started", "In progress", "Done", "Dropped", "Total")
    assert statuses[1][1:] == (0, 1, 1, 1, 3)


def test_another_schemes_report_is_not_found(personas, built):
    b_mentee = personas.client("b_mentee")
    for suffix in ("closing/review/", "closing/report.pdf", "closing/report.xlsx"):
        assert b_mentee.get(SCHEME + suffix).status_code == 404
    assert personas.client("outsider").get("/programmes/test-programme/report.pdf").status_code == 404
    # The programme report is for those who see every scheme.
    for role in ("mentee", "facilitator", "b_mentee"):
        assert personas.client(role).get("/programmes/test-programme/report.pdf").status_code == 403, role


def test_the_programme_report_puts_the_schemes_side_by_side(personas, built):
    coordinator = personas.client("coordinator")
    detail = coordinator.get("/programmes/test-programme/").content.decode()
    assert "/programmes/test-programme/report.pdf" in detail
    assert (
        "/programmes/test-programme/report.pdf"
        not in personas.client("mentee").get("/programmes/test-programme/").content.decode()
    )
    response = personas.client("observer").get("/programmes/test-programme/report.pdf")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "Programme report" in text and "Scheme 1: Scheme A" in text and "Scheme 2: Scheme B" in text
    assert "Progress on the benchmark across the programme" in text
    book = load_workbook(io.BytesIO(coordinator.get("/programmes/test-programme/report.xlsx").content))
    progress = list(book["Progress by key factor"].iter_rows(values_only=True))
    assert progress[0][3:] == ("Cities compared", "Cities that moved up", "Average baseline", "Average final")
    by_number = {row[1]: row for row in progress[1:]}
    # kf1: both cities compared, both moved up (1 -> 3, 3 -> 4).
    kf1 = built[1][0]
    assert by_number[kf1.number][3:] == (2, 2, 2.0, 3.5)
    visits = list(book["Visits held"].iter_rows(values_only=True))
    assert visits[1][:3] == ("1. Scheme A", 1, 1) and visits[2][:2] == ("2. Scheme B", 0)


def _more_schemes(personas, count):
    for n in range(count):
        scheme = scheme_create(
            programme=personas.programme,
            title=f"Extra {n}",
            theme="Extra",
            benchmark=personas.a.benchmark,
            parties=[(personas.mentee_city, "mentee"), (personas.b_mentor, "mentor")],
        )
        key_factor = scheme.benchmark.key_factors.order_by("order").first()
        scheme.focus_key_factors.add(key_factor)
        assess(scheme, personas.mentee_city, 1, {key_factor: 1})
        assess(scheme, personas.mentee_city, 2, {key_factor: 2})
        plan = ActionPlan.objects.create(scheme=scheme, title=f"Plan {n}")
        action = Action.objects.create(plan=plan, action=f"Action {n}", status="done")
        action.key_factors.add(key_factor)
        action.needs.add(Need.objects.create(plan=plan, text=f"Need {n}"))
        ImplementationUpdate.objects.create(action=action, date=datetime.date(2026, 1, 1), text="Done", status="done")


def test_the_ledgers_take_the_same_queries_for_2_or_8_schemes(personas, built, django_assert_max_num_queries):
    from schemes.models import Scheme

    def count():
        schemes = list(Scheme.objects.filter(programme=personas.programme).select_related("programme", "benchmark"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            ledgers = closing_ledgers(schemes)
            programme_progress(list(ledgers.values()))
        return len(queries), len(schemes)

    two, schemes = count()
    assert schemes == 2
    _more_schemes(personas, 6)
    schemes = list(Scheme.objects.filter(programme=personas.programme).select_related("programme", "benchmark"))
    assert len(schemes) == 8
    with django_assert_max_num_queries(two):
        ledgers = closing_ledgers(schemes)
    assert all(ledger.rows for ledger in ledgers.values() if ledger.benchmark is not None)
    assert count()[0] == two


def test_the_pages_and_reports_keep_their_query_count(personas, built, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = personas.client("coordinator")
    urls = [
        REVIEW,
        SCHEME + "closing/report.xlsx",
        "/programmes/test-programme/report.xlsx",
        "/programmes/test-programme/report.pdf",
    ]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get(url).status_code == 200
        counts[url] = len(queries)
    _more_schemes(personas, 6)
    plan = personas.a.action_plan
    for n in range(20):
        Action.objects.create(plan=plan, order=20 + n, action=f"More {n}", status="done").key_factors.add(built[1][n % 3])
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert coordinator.get(url).status_code == 200


def test_in_a_community_of_practice_the_peers_levels_raise_the_flags(personas):
    scheme = scheme_create(
        programme=personas.programme,
        title="Peers",
        theme="Peers",
        benchmark=personas.a.benchmark,
        parties=[(personas.mentee_city, "peer"), (personas.b_mentee, "peer")],
    )
    key_factor = scheme.benchmark.key_factors.order_by("order").first()
    scheme.focus_key_factors.add(key_factor)
    assess(scheme, personas.b_mentee, 1, {key_factor: 0})
    assess(scheme, personas.b_mentee, 2, {key_factor: 2})
    practice = GoodPractice.objects.create(programme=scheme.programme, city=personas.mentee_city, title="Peer practice")
    practice.key_factors.add(key_factor)
    ledger = closing_ledger(scheme)
    (row,) = ledger.rows
    assert row.moved_without_action and [p.title for p in row.practices] == ["Peer practice"]
    assert [m.text.split(":")[0] for m in ledger.missing] == ["Menteeville has no submitted self-assessment round"]


@pytest.mark.django_db
def test_the_demo_programme_reads_as_a_closing_review():
    """The demo (./dev run): scheme 1 in flight has its focus and the mentor city's good
    practice on it; the schemes at the start say what is missing, in their cities' names."""
    from schemes.models import Programme
    from schemes.services.demo import demo_load

    demo_load()
    schemes = Programme.objects.get(slug="inclucities").schemes.select_related("programme", "benchmark").order_by("number")
    ledgers = list(closing_ledgers(schemes).values())
    first, third = ledgers[0], ledgers[2]
    assert first.rows and first.focus_chosen
    assert "Buddy Project: a volunteer at every newcomer's side" in [p.title for row in first.rows for p in row.practices]
    assert third.rows and not third.focus_chosen
    assert third.missing[0].text.startswith("Levadia has no submitted self-assessment round")
    assert all(ledger.missing for ledger in ledgers[2:])


def test_the_submitted_evaluations_are_the_lessons_of_the_review_and_the_reports(personas, built):
    from schemes.models import MentoringEvaluation

    scheme, *_rest = built
    MentoringEvaluation.objects.create(
        scheme=scheme,
        side="mentee",
        learned="Ask the newcomers first.",
        worked="The visit to the mentor city.",
        change="",
        submitted_at=timezone.now(),
    )
    # A draft is not a lesson yet.
    MentoringEvaluation.objects.create(scheme=scheme, side="mentor", learned="Still a draft")
    html = personas.client("observer").get(SCHEME + "closing/review/").content.decode()
    assert "Mentee side: what we learned" in html and "Ask the newcomers first." in html
    assert "Mentee side: what worked in the method" in html and "Still a draft" not in html
    text = " ".join(pdf_text(personas.client("observer").get(SCHEME + "closing/report.pdf").content).split())
    assert "Ask the newcomers first." in text and "No lessons recorded yet." not in text
    programme = personas.client("coordinator").get("/programmes/test-programme/report.pdf")
    assert "Ask the newcomers first." in " ".join(pdf_text(programme.content).split())


def test_with_two_stages_the_review_and_its_reports_follow_the_stage_chosen(personas, built):
    from benchmarks.models import BenchmarkVersion
    from schemes.models import SchemeBenchmark

    scheme, _factors, _actions = built
    theme = BenchmarkVersion.objects.get(benchmark__slug="implementoring-theme-a")
    SchemeBenchmark.objects.create(scheme=scheme, benchmark=scheme.benchmark, name="First part", order=1)
    SchemeBenchmark.objects.create(scheme=scheme, benchmark=theme, name="Second part", order=2)
    mentee = personas.client("mentee")
    first = mentee.get(SCHEME + f"closing/review/?benchmark={scheme.benchmark_id}").content.decode()
    assert "Open a one-stop welcome desk" in first and "stage-switcher" in first
    second = mentee.get(SCHEME + f"closing/review/?benchmark={theme.pk}").content.decode()
    # The second stage's benchmark: none of the first stage's focus, no rounds against it yet.
    assert theme.title in second and "Open a one-stop welcome desk" not in second
    assert f"closing/report.pdf?benchmark={theme.pk}" in second
    pdf = " ".join(pdf_text(mentee.get(SCHEME + f"closing/report.pdf?benchmark={theme.pk}").content).split())
    assert theme.title in pdf
    other = BenchmarkVersion.objects.get(benchmark__slug="implementoring-theme-b")
    assert mentee.get(SCHEME + f"closing/review/?benchmark={other.pk}").status_code == 404
    assert mentee.get(SCHEME + f"closing/report.xlsx?benchmark={other.pk}").status_code == 404
