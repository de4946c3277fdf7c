"""A benchmark per stage of a scheme (seed 001: the general benchmark for the first visit,
a thematic benchmark for the second half): setting the stages up, the self-assessment,
focus and report per stage, and the timeline saying which benchmark applies when."""

import datetime

import pytest

from benchmarks.editing import draft_create
from benchmarks.models import BenchmarkVersion
from mentoring.activity import LogEntry
from schemes.models import SchemeBenchmark, SelfAssessment, VisitStatus
from schemes.services.progress import progress_for, progress_queryset

from .test_self_assessment import form_data

SCHEME = "/programmes/test-programme/schemes/1/"
STAGES = SCHEME + "stages/"


@pytest.fixture
def theme(db):
    return BenchmarkVersion.objects.get(benchmark__slug="implementoring-theme-a")


def add_stage(client, personas, benchmark, *, visit=2, name="Second part: public perception", order=2):
    page = client.get(STAGES + "new/")
    data = {
        "name": name,
        "benchmark": benchmark.pk,
        "order": order,
        "starts_from": personas.a.visits.get(order=visit).pk if visit else "",
        "submission": page.context["form"]["submission"].value(),
    }
    return client.post(STAGES + "new/", data)


def test_the_facilitator_adds_a_thematic_benchmark_for_the_second_half(personas, theme):
    facilitator = personas.client("facilitator")
    response = add_stage(facilitator, personas, theme)
    assert response.status_code == 302 and response["Location"] == STAGES
    stages = list(personas.a.benchmark_stages.order_by("order"))
    # The scheme's own benchmark became the first stage; the scheme still points at it.
    assert [(stage.benchmark, stage.order) for stage in stages] == [(personas.a.benchmark, 1), (theme, 2)]
    personas.a.refresh_from_db()
    assert personas.a.benchmark.benchmark.slug == "inclucities-general"
    page = personas.client("mentee").get(STAGES).content.decode()
    assert "Second part: public perception" in page and "Theme A" in page and "IncluCities general benchmark" in page
    assert LogEntry.objects.filter(action="benchmark_stage.added", scheme=personas.a).count() == 1
    history = personas.client("observer").get(f"{STAGES}{stages[1].pk}/history/")
    assert history.status_code == 200
    # Only the organisers set stages up.
    assert personas.client("mentee").get(STAGES + "new/").status_code == 403


def test_a_draft_of_another_programme_is_refused_and_nothing_is_written(personas):
    foreign = draft_create(programme=personas.other_programme, slug="their-draft", theme="Housing", title="Their draft")
    own = draft_create(programme=personas.programme, slug="our-draft", theme="Housing", title="Our draft")
    coordinator = personas.client("coordinator")
    refused = add_stage(coordinator, personas, foreign)
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert "Second part: public perception" in refused.content.decode()  # what was typed is kept
    assert not SchemeBenchmark.objects.filter(scheme=personas.a).exists()
    assert not LogEntry.objects.filter(action__startswith="benchmark_stage.").exists()
    # The programme's own draft may be used.
    assert add_stage(coordinator, personas, own).status_code == 302
    assert personas.a.benchmark_stages.filter(benchmark=own).exists()


def test_a_stage_starting_from_another_schemes_visit_is_refused(personas, theme):
    coordinator = personas.client("coordinator")
    page = coordinator.get(STAGES + "new/")
    refused = coordinator.post(
        STAGES + "new/",
        {
            "name": "Second part",
            "benchmark": theme.pk,
            "order": 2,
            "starts_from": personas.b.visits.get(order=2).pk,
            "submission": page.context["form"]["submission"].value(),
        },
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not SchemeBenchmark.objects.exists()


def test_the_same_benchmark_twice_is_refused(personas):
    refused = add_stage(personas.client("coordinator"), personas, personas.a.benchmark)
    assert refused.status_code == 200
    assert "already uses this benchmark" in refused.content.decode()
    assert not SchemeBenchmark.objects.exists()


def test_a_benchmark_that_is_not_a_stage_is_not_found(personas, theme):
    other = BenchmarkVersion.objects.get(benchmark__slug="implementoring-theme-b")
    add_stage(personas.client("coordinator"), personas, theme)
    mentee = personas.client("mentee")
    city = f"{SCHEME}self-assessment/{personas.mentee_city.pk}/"
    for url in (city, SCHEME + "self-assessment/", SCHEME + "focus/", SCHEME + "self-assessment/report.pdf"):
        assert mentee.get(f"{url}?benchmark={other.pk}").status_code == 404, url
        assert mentee.get(f"{url}?benchmark=nonsense").status_code == 404, url
    assert mentee.get(f"{city}?benchmark={theme.pk}").status_code == 200
    # A POST to another benchmark writes nothing.
    assert mentee.post(f"{city}?benchmark={other.pk}", {}).status_code == 404
    assert not SelfAssessment.objects.exists()


def test_saving_the_second_stage_leaves_the_first_stages_rounds_alone(personas, theme):
    add_stage(personas.client("facilitator"), personas, theme)
    mentee = personas.client("mentee")
    city = f"{SCHEME}self-assessment/{personas.mentee_city.pk}/"
    first = f"{city}?benchmark={personas.a.benchmark_id}"
    mentee.post(first, form_data(mentee, first, level_1="1", evidence_1="A welcome desk."))
    assert mentee.post(f"{city}submit/?benchmark={personas.a.benchmark_id}", {"confirmed": "1"}).status_code == 302
    general = SelfAssessment.objects.get(benchmark=personas.a.benchmark)
    assert general.submitted_at is not None

    second = f"{city}?benchmark={theme.pk}"
    page = mentee.get(second)
    assert page.context["stage"].benchmark == theme and page.context["current"] is None  # a baseline of its own
    assert "Theme A" in page.content.decode()
    saved = mentee.post(second, form_data(mentee, second, level_1="2", evidence_1="A campaign."))
    assert saved.status_code == 302 and saved["Location"] == second  # back on the same stage
    thematic = SelfAssessment.objects.get(benchmark=theme)
    assert (thematic.round, thematic.submitted_at) == (1, None)
    assert {row.key_factor.version_id for row in thematic.key_factors.all()} == {theme.pk}
    general_after = SelfAssessment.objects.get(pk=general.pk)
    assert general_after.submitted_at == general.submitted_at
    assert [(row.level, row.evidence) for row in general_after.key_factors.all()] == [(1, "A welcome desk.")]
    # Each stage's report and comparison read its own rounds.
    comparison = mentee.get(f"{SCHEME}self-assessment/?benchmark={theme.pk}")
    assert [assessment.pk for _party, rounds in comparison.context["parties"] for assessment in rounds] == [thematic.pk]
    # The report of a stage: its benchmark, its rounds.
    from schemes.views.assessments import self_assessment_document
    from schemes.views.benchmark_stages import stage_choice

    report = self_assessment_document(personas.a, stage_choice(personas.a, str(theme.pk)))
    assert "Theme A" in report.html and "A campaign." in report.html and "A welcome desk." not in report.html
    assert report.filename.endswith(f"-{theme.pk}.pdf")


def test_the_stage_in_force_follows_its_start_visit(personas, theme):
    add_stage(personas.client("coordinator"), personas, theme)
    mentee = personas.client("mentee")
    city = f"{SCHEME}self-assessment/{personas.mentee_city.pk}/"
    assert mentee.get(city).context["stage"].benchmark_id == personas.a.benchmark_id
    visit = personas.a.visits.get(order=2)
    visit.status = VisitStatus.HELD
    visit.save()
    page = mentee.get(city)
    assert page.context["stage"].benchmark == theme
    switcher = page.content.decode()
    assert f"?benchmark={personas.a.benchmark_id}" in switcher and "in force" in switcher
    # A visit whose first day has come starts its stage too.
    visit.status, visit.start_date = VisitStatus.CONFIRMED, datetime.date.today()
    visit.save()
    assert mentee.get(city).context["stage"].benchmark == theme


def test_each_stage_has_its_own_focus_and_agreement(personas, theme):
    add_stage(personas.client("coordinator"), personas, theme)
    mentee, mentor = personas.client("mentee"), personas.client("mentor")
    focus = SCHEME + "focus/"

    def choose(client, benchmark_id, numbers):
        url = f"{focus}?benchmark={benchmark_id}"
        form = client.get(url).context["form"]
        chosen = [kf.pk for kf in form.fields["focus_key_factors"].queryset if kf.number in numbers]
        return client.post(url, {"save": "1", "focus_key_factors": chosen, "seen_version": form["seen_version"].value()})

    assert choose(mentee, personas.a.benchmark_id, {"1", "2"}).status_code == 302
    mentor.post(f"{focus}?benchmark={personas.a.benchmark_id}", {"agree": "1"})
    saved = choose(mentee, theme.pk, {"1"})
    assert saved.status_code == 302 and saved["Location"] == f"{focus}?benchmark={theme.pk}"
    personas.a.refresh_from_db()
    by_version = {}
    for kf in personas.a.focus_key_factors.all():
        by_version.setdefault(kf.version_id, set()).add(kf.number)
    assert by_version == {personas.a.benchmark_id: {"1", "2"}, theme.pk: {"1"}}
    # The first stage's agreement stands; the second waits for the mentor side.
    assert personas.a.focus_agreed_by_mentee and personas.a.focus_agreed_by_mentor
    second = personas.a.benchmark_stages.get(benchmark=theme)
    assert second.focus_agreed_by_mentee and second.focus_agreed_by_mentor is None
    page = mentor.get(f"{focus}?benchmark={theme.pk}").content.decode()
    assert "Mentor side: agreement awaited" in page

    # The scope step counts the focus of the stage in force.
    def scope():
        return progress_for(progress_queryset(personas.a.__class__.objects.filter(pk=personas.a.pk)))[personas.a.pk].step("scope")

    assert "2 focus key factors" in scope().detail and scope().state == "done"
    visit = personas.a.visits.get(order=2)
    visit.status = VisitStatus.HELD
    visit.save()
    step = scope()
    assert "Second part: public perception: 1 focus key factor" in step.detail and step.state == "started"


def test_the_timeline_and_the_visits_say_which_benchmark_applies_when(personas, theme):
    add_stage(personas.client("coordinator"), personas, theme)
    mentee = personas.client("mentee")
    page = mentee.get(SCHEME).content.decode()
    assert "Benchmark of each stage" in page
    assert "Second part: public perception" in page and "from visit 2" in page and "Theme A" in page
    assert "“Second part: public perception” starts" in page  # on the visit's step of the timeline
    visits = mentee.get(SCHEME + "visits/").content.decode()
    assert "Second part: public perception" in visits and "from visit 2" in visits


def test_editing_and_removing_stages_keeps_the_scheme_benchmark_in_step(personas, theme):
    coordinator = personas.client("coordinator")
    add_stage(coordinator, personas, theme)
    first, second = personas.a.benchmark_stages.order_by("order")
    # The thematic stage moved first: the scheme's benchmark follows.
    url = f"{STAGES}{second.pk}/edit/"
    form = coordinator.get(url).context["form"]
    saved = coordinator.post(
        url,
        {
            "name": second.name,
            "benchmark": theme.pk,
            "order": 0 + 1,
            "starts_from": "",
            "seen_version": form["seen_version"].value(),
        },
    )
    assert saved.status_code == 302
    first.order = 2
    first.save()
    from schemes.services.benchmark_stages import first_stage_sync

    first_stage_sync(scheme=personas.a)
    personas.a.refresh_from_db()
    assert personas.a.benchmark == theme
    # Removing asks first, then removes; the scheme's benchmark follows the new first.
    delete = f"{STAGES}{second.pk}/delete/"
    asked = coordinator.post(delete)
    assert asked.status_code == 200 and personas.a.benchmark_stages.count() == 2
    assert coordinator.post(delete, {"confirmed": "1"}).status_code == 302
    personas.a.refresh_from_db()
    assert list(personas.a.benchmark_stages.all()) == [first] and personas.a.benchmark == first.benchmark
    # The only stage stays.
    coordinator.post(f"{STAGES}{first.pk}/delete/", {"confirmed": "1"})
    assert personas.a.benchmark_stages.count() == 1
    assert LogEntry.objects.filter(action="benchmark_stage.removed").count() == 1


def test_the_scheme_form_moves_the_first_stage(personas, theme):
    from schemes.services.benchmark_stages import stages_follow_scheme

    add_stage(personas.client("coordinator"), personas, theme)
    language = BenchmarkVersion.objects.get(benchmark__slug="inclucities-language-learning")
    personas.a.benchmark = language
    personas.a.save()
    stages_follow_scheme(scheme=personas.a)
    assert [stage.benchmark for stage in personas.a.benchmark_stages.order_by("order")] == [language, theme]
    # Restoring the scheme's earlier version brings its benchmark back to the first stage.
    earlier = personas.a.history.exclude(benchmark_id=language.pk).latest("history_id")
    response = personas.client("coordinator").post(f"{SCHEME}history/{earlier.history_id}/restore/")
    assert response.status_code == 302
    personas.a.refresh_from_db()
    first = personas.a.benchmark_stages.order_by("order").first()
    assert personas.a.benchmark_id == earlier.benchmark_id == first.benchmark_id != language.pk


def test_the_self_assessment_page_reads_the_same_queries_for_any_number_of_stages(personas, theme, django_assert_max_num_queries):
    coordinator, mentee = personas.client("coordinator"), personas.client("mentee")
    city = f"{SCHEME}self-assessment/{personas.mentee_city.pk}/"
    mentee.post(city, form_data(mentee, city, level_1="2"))
    add_stage(coordinator, personas, theme)
    pages = [city, SCHEME + "self-assessment/", SCHEME + "focus/", STAGES, SCHEME, SCHEME + "visits/"]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(40) as captured:
            assert mentee.get(page).status_code == 200
        counts[page] = len(captured.captured_queries)
    for number, slug in enumerate(["implementoring-theme-b", "implementoring-theme-cd", "inclucities-language-learning"]):
        add_stage(coordinator, personas, BenchmarkVersion.objects.get(benchmark__slug=slug), visit=3, order=3 + number)
    assert personas.a.benchmark_stages.count() == 5
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert mentee.get(page).status_code == 200


def test_progress_reads_the_stages_of_any_number_of_schemes_in_fixed_queries(personas, theme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schemes.models import Scheme

    add_stage(personas.client("coordinator"), personas, theme)
    with CaptureQueriesContext(connection) as one:
        progress_for(progress_queryset(Scheme.objects.filter(pk=personas.a.pk)))
    personas.b.benchmark = personas.a.benchmark
    personas.b.save()
    SchemeBenchmark.objects.create(scheme=personas.b, benchmark=personas.a.benchmark, name="First part", order=1)
    SchemeBenchmark.objects.create(scheme=personas.b, benchmark=theme, name="Second part", order=2)
    with CaptureQueriesContext(connection) as both:
        result = progress_for(progress_queryset(Scheme.objects.filter(programme=personas.programme)))
    assert len(both.captured_queries) == len(one.captured_queries)
    assert [stage.name for stage in result[personas.b.pk].stages] == ["First part", "Second part"]


def _form_as_sent(client, url, field, **changes):
    from schemes.management.loadtest.browser import form_with

    form = form_with(client.get(url).content.decode(), field)
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, value)
    data.update(changes)
    return data


def test_with_several_stages_the_scheme_form_leaves_the_benchmarks_to_the_stages_page(personas, theme):
    coordinator = personas.client("coordinator")
    add_stage(coordinator, personas, theme)
    language = BenchmarkVersion.objects.get(benchmark__slug="inclucities-language-learning")
    personas.programme.benchmarks.add(language)
    for benchmark in ("", str(language.pk)):
        data = _form_as_sent(coordinator, SCHEME + "edit/", "benchmark", benchmark=benchmark)
        response = coordinator.post(SCHEME + "edit/", data)
        assert response.status_code == 200 and "several benchmark stages" in response.content.decode()
    # Nothing went: both stages, the scheme's benchmark.
    assert personas.a.benchmark_stages.count() == 2
    personas.a.refresh_from_db()
    assert personas.a.benchmark_id != language.pk and personas.a.benchmark_id is not None


def test_a_stage_that_becomes_first_brings_its_own_agreement(personas, theme):
    from django.utils import timezone

    from schemes.services.benchmark_stages import stage_remove

    add_stage(personas.client("coordinator"), personas, theme)
    first, second = personas.a.benchmark_stages.order_by("order")
    personas.a.focus_agreed_by_mentee = personas.a.focus_agreed_by_mentor = timezone.now()
    personas.a.save()
    stage_remove(stage=first, scheme=personas.a, actor=personas.users["coordinator"])
    personas.a.refresh_from_db()
    # The thematic benchmark is first now, and nobody agreed its focus yet.
    assert personas.a.benchmark_id == theme.pk
    assert personas.a.focus_agreed_by_mentee is None and personas.a.focus_agreed_by_mentor is None


def test_a_visit_report_ties_items_to_the_key_factors_of_every_stage(personas, theme):
    add_stage(personas.client("coordinator"), personas, theme)
    page = personas.client("facilitator").get(SCHEME + "visits/2/report/items/new/").content.decode()
    kf = theme.key_factors.order_by("order").first()
    assert f'value="{kf.pk}"' in page and "Second part: public perception: " in page
