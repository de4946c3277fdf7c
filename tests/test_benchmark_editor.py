"""Coordinators write benchmarks in the browser: drafts with reorderable key factors,
guide questions, tips, examples and context factors; publishing; new drafts from a
published version; comparing versions. A published version never changes."""

import json
from pathlib import Path

import pytest
from django.utils.html import escape

from benchmarks.models import Benchmark, BenchmarkStatus, BenchmarkVersion, GuideQuestion
from benchmarks.services import benchmark_export
from schemes.models import Scheme

BENCHMARKS = "/programmes/test-programme/benchmarks/"


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def page_data(client, url):
    """Everything the page's form and row sets would post back unchanged."""
    context = client.get(url).context
    data = {}
    form = context["form"]
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    for _heading, formset in context["formsets"]:
        data.update(management(formset.prefix, len(formset.forms), formset.initial_form_count()))
        for row in formset.forms:
            for name in row.fields:
                value = row[name].value()
                if value not in (None, False):
                    data[row.add_prefix(name)] = value
    return data


def key_factor_data(number, title, *, questions=(), examples=(), **fields):
    data = {"number": number, "title": title, "statement": "", "rationale": "", "practical_tips": "", "seen_version": "0"}
    data.update(fields)
    data.update(management("questions", len(questions)))
    for i, (position, text) in enumerate(questions):
        data[f"questions-{i}-text"] = text
        data[f"questions-{i}-ORDER"] = position
    data.update(management("examples", len(examples)))
    for i, (text, city, link) in enumerate(examples):
        data.update({f"examples-{i}-text": text, f"examples-{i}-city": city, f"examples-{i}-link": link})
    return data


@pytest.fixture
def draft(personas):
    """A new benchmark written by the coordinator, with two key factors."""
    coordinator = personas.client("coordinator")
    response = coordinator.post(
        BENCHMARKS + "new/", {"theme": "Reception of newcomers", "title": "Welcoming cities", "slug": "welcoming-cities"}
    )
    version = BenchmarkVersion.objects.get(benchmark__slug="welcoming-cities")
    assert response["Location"] == f"{BENCHMARKS}{version.pk}/"
    assert version.is_draft and version.programme == personas.programme and version.number == 1
    url = f"{BENCHMARKS}{version.pk}/key-factors/new/"
    response = coordinator.post(
        url,
        key_factor_data(
            "1",
            "One desk for newcomers",
            statement="Newcomers find every service in one place.",
            practical_tips="Start with the services newcomers ask for most.",
            questions=[("2", "Who answers newcomers' first questions?"), ("1", "Is there one address for newcomers?")],
            examples=[("A welcome desk in the town hall", "Mechelen", "https://example.org/welcome")],
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    coordinator.post(url, key_factor_data("2", "Language courses for all", questions=[("1", "Who offers courses?")]))
    return version


def test_coordinator_writes_reorders_publishes_and_revises_a_benchmark(personas, draft):
    coordinator = personas.client("coordinator")
    first, second = draft.key_factors.order_by("order")
    # Guide questions are in the order the positions gave, not the order typed.
    assert [q.text for q in first.guide_questions.order_by("order")] == [
        "Is there one address for newcomers?",
        "Who answers newcomers' first questions?",
    ]
    assert first.examples.get().city == "Mechelen" and first.practical_tips.startswith("Start with")

    # Reorder a guide question by its position, and the key factors with the buttons.
    url = f"{BENCHMARKS}{draft.pk}/key-factors/{first.pk}/"
    data = page_data(coordinator, url)
    data["questions-0-ORDER"], data["questions-1-ORDER"] = "2", "1"
    assert coordinator.post(url, data).status_code == 302
    assert first.guide_questions.order_by("order").first().text == "Who answers newcomers' first questions?"
    coordinator.post(f"{BENCHMARKS}{draft.pk}/key-factors/{second.pk}/move/", {"direction": "up"})
    assert list(draft.key_factors.order_by("order").values_list("number", flat=True)) == ["2", "1"]

    # Standard, sections and context factors on one page.
    url = f"{BENCHMARKS}{draft.pk}/edit/"
    data = page_data(coordinator, url)
    data.update(
        {
            "standard": "Every newcomer is welcomed.",
            "context-0-title": "National policy framework",
            "context-0-description": "Who decides on residence permits.",
        }
    )
    assert coordinator.post(url, data).status_code == 302
    assert draft.context_factors.get().title == "National policy framework"

    # Publishing offers the version to the programme; the public library shows it.
    assert coordinator.post(f"{BENCHMARKS}{draft.pk}/publish/", {"confirmed": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == BenchmarkStatus.PUBLISHED and draft.published_at
    assert personas.programme.benchmarks.filter(pk=draft.pk).exists()
    page = personas.client("outsider").get("/benchmarks/welcoming-cities/v1/")
    assert page.status_code == 200 and "Every newcomer is welcomed." in page.content.decode()

    # A scheme uses version 1; a new draft (version 2) rewords a key factor.
    personas.a.benchmark = draft
    personas.a.save()
    response = coordinator.post(f"{BENCHMARKS}{draft.pk}/new-draft/")
    revision = BenchmarkVersion.objects.get(benchmark=draft.benchmark, number=2)
    assert response["Location"] == f"{BENCHMARKS}{revision.pk}/" and revision.is_draft and revision.based_on == draft
    kf = revision.key_factors.get(number="1")
    url = f"{BENCHMARKS}{revision.pk}/key-factors/{kf.pk}/"
    data = page_data(coordinator, url)
    data["statement"] = "Newcomers find every public service in one place."
    data["questions-2-text"] = "Is the desk open in the evening?"
    assert coordinator.post(url, data).status_code == 302

    # The comparison says what changed, word by word.
    page = coordinator.get(f"{BENCHMARKS}welcoming-cities/compare/?from=1&to=2")
    comparison = page.context["comparison"]
    assert comparison.counts() == {"added": 0, "removed": 0, "reworded": 1}
    reworded = comparison.key_factors[0]
    assert reworded.key == "1"
    statement = next(d for d in reworded.diffs if d.field == "statement")
    assert [text.strip() for op, text in statement.words if op != "same"] == ["public"]
    assert any(d.new == "Is the desk open in the evening?" and d.old == "" for d in reworded.diffs)
    assert "<ins>" in page.content.decode()

    # The scheme's version is as it was.
    scheme = Scheme.objects.get(pk=personas.a.pk)
    assert scheme.benchmark.key_factors.get(number="1").statement == "Newcomers find every service in one place."


def test_a_published_version_never_changes(personas):
    coordinator = personas.client("coordinator")
    version = BenchmarkVersion.objects.get(benchmark__slug="inclucities-general")
    before = benchmark_export(version=version)
    kf = version.key_factors.order_by("order").first()
    attempts = [
        (f"{BENCHMARKS}{version.pk}/edit/", {"title": "Changed"}),
        (f"{BENCHMARKS}{version.pk}/key-factors/new/", key_factor_data("99", "New")),
        (f"{BENCHMARKS}{version.pk}/key-factors/{kf.pk}/", key_factor_data(kf.number, "Changed")),
        (f"{BENCHMARKS}{version.pk}/key-factors/{kf.pk}/move/", {"direction": "down"}),
        (f"{BENCHMARKS}{version.pk}/key-factors/{kf.pk}/delete/", {}),
        (f"{BENCHMARKS}{version.pk}/publish/", {}),
        (f"{BENCHMARKS}{version.pk}/discard/", {}),
    ]
    for url, data in attempts:
        response = coordinator.post(url, data, follow=True)
        assert response.redirect_chain[0][0] == f"{BENCHMARKS}{version.pk}/", url
        assert "This version is published and no longer changes" in response.content.decode(), url
    assert benchmark_export(version=version) == before
    # Its page offers a new draft instead of editing buttons.
    page = coordinator.get(f"{BENCHMARKS}{version.pk}/").content.decode()
    assert "Start a new draft from this version" in page and "Add a key factor" not in page


def test_bad_input_is_refused_with_a_message_and_changes_nothing(personas, draft):
    coordinator = personas.client("coordinator")
    first = draft.key_factors.get(number="1")
    url = f"{BENCHMARKS}{draft.pk}/key-factors/{first.pk}/"
    before = benchmark_export(version=draft)
    other_question = GuideQuestion.objects.exclude(key_factor=first).first()

    cases = {
        "empty title": ({"title": ""}, "This field is required."),
        "markup": ({"questions-0-text": "<script>alert(1)</script>"}, "Write plain text"),
        "100 kB": ({"statement": "x" * 100_000}, "at most 20000 characters"),
        "number taken": ({"number": "2"}, "Another key factor of this version has the number 2."),
        "unsafe link": ({"examples-0-link": "javascript:alert(1)"}, "Give a web address"),
        "someone else's row": ({"questions-0-id": str(other_question.pk)}, "is not one of its rows"),
        "stale": ({"seen_version": "1"}, "Someone else saved changes"),
    }
    for case, (change, message) in cases.items():
        data = page_data(coordinator, url)
        data.update(change)
        response = coordinator.post(url, data)
        assert response.status_code == (409 if case == "stale" else 400), case
        content = response.content.decode()
        assert message in content, case
        assert "Nothing was saved yet" in content, case
        # What the user typed is kept.
        typed = next(iter(change.values()))
        if case not in ("someone else's row", "stale", "100 kB"):
            assert escape(typed) in content, case
    assert benchmark_export(version=draft) == before

    # A section that still has key factors cannot be removed.
    coordinator.post(
        f"{BENCHMARKS}{draft.pk}/edit/",
        {
            **page_data(coordinator, f"{BENCHMARKS}{draft.pk}/edit/"),
            "sections-0-key": "core",
            "sections-0-title": "Core",
        },
    )
    section = draft.sections.get()
    data = page_data(coordinator, url)
    data["section"] = str(section.pk)
    assert coordinator.post(url, data).status_code == 302
    data = page_data(coordinator, f"{BENCHMARKS}{draft.pk}/edit/")
    data["sections-0-DELETE"] = "on"
    response = coordinator.post(f"{BENCHMARKS}{draft.pk}/edit/", data)
    assert response.status_code == 400 and "still has key factors" in response.content.decode()
    assert draft.sections.exists()


def test_importing_a_file_with_unknown_sections_lists_the_problems_and_imports_nothing(personas):
    coordinator = personas.client("coordinator")
    data = json.loads(Path("fixtures/benchmarks/implementoring-theme-b.json").read_text(encoding="utf-8"))
    data["slug"] = "imported-theme-b"
    data["key_factors"][0]["section"] = "neighbourhood"
    data["key_factors"][1]["guide_questions"].append(12)
    upload = ("theme-b.json", json.dumps(data).encode())
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = coordinator.post(BENCHMARKS + "import/", {"file": SimpleUploadedFile(*upload)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "key_factors[0].section: names no section of this benchmark" in content
    assert "key_factors[1].guide_questions[" in content and "must be text, not number" in content
    assert not Benchmark.objects.filter(slug="imported-theme-b").exists()

    response = coordinator.post(BENCHMARKS + "import/", {"file": SimpleUploadedFile("x.json", b"{not json")})
    assert response.status_code == 400 and "is not valid JSON" in response.content.decode()

    data["key_factors"][0]["section"] = None
    data["key_factors"][1]["guide_questions"].pop()
    response = coordinator.post(BENCHMARKS + "import/", {"file": SimpleUploadedFile(*upload[:1], json.dumps(data).encode())})
    imported = BenchmarkVersion.objects.get(benchmark__slug="imported-theme-b")
    assert response["Location"] == f"{BENCHMARKS}{imported.pk}/"
    assert imported.is_draft and imported.key_factors.count() == 8


def test_drafts_stay_inside_their_programme(personas, draft):
    # Another programme's coordinator does not know the draft exists.
    from schemes.models import ProgrammeRole

    ProgrammeRole.objects.create(programme=personas.other_programme, user=personas.users["outsider"], role="coordinator")
    outsider = personas.client("outsider")
    assert outsider.get(f"/programmes/other-programme/benchmarks/{draft.pk}/").status_code == 404
    assert outsider.get("/benchmarks/welcoming-cities/v1/").status_code == 404
    page = outsider.get("/programmes/other-programme/benchmarks/").content.decode()
    assert "Welcoming cities" not in page
    # The programme's mentee reads the draft but may not change it.
    mentee = personas.client("mentee")
    assert mentee.get(f"{BENCHMARKS}{draft.pk}/").status_code == 200
    assert mentee.post(f"{BENCHMARKS}{draft.pk}/publish/", {"confirmed": "1"}).status_code == 403
    assert mentee.post(f"{BENCHMARKS}{draft.pk}/key-factors/new/", key_factor_data("9", "X")).status_code == 403
    assert draft.key_factors.count() == 2 and BenchmarkVersion.objects.get(pk=draft.pk).is_draft
    # A draft is not offered to schemes until it is published.
    coordinator = personas.client("coordinator")
    form = coordinator.get(f"/programmes/test-programme/schemes/{personas.a.number}/edit/").context["form"]
    assert draft not in form.fields["benchmark"].queryset


@pytest.fixture
def big_draft(personas):
    """A draft of 30 key factors, each with 5 guide questions and 2 examples."""
    data = json.loads(Path("fixtures/benchmarks/implementoring-theme-b.json").read_text(encoding="utf-8"))
    template = data["key_factors"][0]
    data["slug"] = "thirty"
    data["key_factors"] = [
        {
            **template,
            "number": str(n),
            "guide_questions": [f"Question {q}?" for q in range(5)],
            "examples": [{"text": f"Example {e}", "city": "Ghent", "link": ""} for e in range(2)],
        }
        for n in range(1, 31)
    ]
    data["context_factors"] = [{"title": f"Context {n}", "description": ""} for n in range(10)]
    from benchmarks.editing import draft_import

    return draft_import(data=data, programme=personas.programme)


def test_editor_pages_keep_their_query_count_for_a_30_key_factor_benchmark(personas, big_draft, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.editing import draft_from, draft_import

    coordinator = personas.client("coordinator")
    kf = big_draft.key_factors.order_by("order").first()
    draft_from(version=big_draft, programme=personas.programme)
    pages = [
        f"{BENCHMARKS}",
        f"{BENCHMARKS}{big_draft.pk}/",
        f"{BENCHMARKS}{big_draft.pk}/edit/",
        f"{BENCHMARKS}{big_draft.pk}/key-factors/{kf.pk}/",
        "/benchmarks/",
    ]
    for url in pages:
        with django_assert_max_num_queries(15):
            assert coordinator.get(url).status_code == 200, url
    # Comparing reads both versions whole (five queries each), whatever their size: the
    # same count for two 30-key-factor versions as for two 8-key-factor ones.
    small = json.loads(Path("fixtures/benchmarks/implementoring-theme-b.json").read_text(encoding="utf-8"))
    draft_from(version=draft_import(data={**small, "slug": "eight"}, programme=personas.programme), programme=personas.programme)
    counts = []
    for slug in ("eight", "thirty"):
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get(f"{BENCHMARKS}{slug}/compare/?from=1&to=2").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20


def test_the_library_is_browsed_by_theme_and_version(personas, big_draft):
    from benchmarks.editing import draft_from, draft_publish

    big_draft.title = "Thirty"
    big_draft.save()
    draft_publish(version=big_draft, programme=personas.programme)
    newer = draft_from(version=big_draft, programme=personas.programme)
    newer.title = "Thirty, revised"
    newer.save()
    draft_publish(version=newer, programme=personas.programme)
    client = personas.client("outsider")

    def titles(query=""):
        return [v.title for v in client.get(f"/benchmarks/{query}").context["versions"]]

    latest = titles()
    assert "Thirty, revised" in latest and "Thirty" not in latest  # the latest of each benchmark
    assert "Thirty" in titles("?versions=all")
    theme = Benchmark.objects.get(slug="implementoring-theme-a")
    assert titles(f"?theme={theme.pk}") == [theme.latest_version().title]
    assert titles("?q=diversity+in+procurement") == [
        "Theme B: Managing diversity and promoting equality in cities' administration and service provision"
    ]
    assert client.get("/benchmarks/?theme=abc").status_code == 200  # a bad filter value lists everything with a message


def test_the_admin_cannot_change_a_published_version_either(personas, admin_client):
    version = BenchmarkVersion.objects.get(benchmark__slug="inclucities-general")
    kf = version.key_factors.order_by("order").first()
    question = GuideQuestion.objects.filter(key_factor__version=version).first()
    before = benchmark_export(version=version)
    for url in [
        f"/admin/benchmarks/benchmarkversion/{version.pk}/change/",
        f"/admin/benchmarks/keyfactor/{kf.pk}/change/",
        f"/admin/benchmarks/guidequestion/{question.pk}/change/",
    ]:
        page = admin_client.get(url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode(), url  # a read-only view
        admin_client.post(url, {"title": "Changed", "text": "Changed"})
        assert admin_client.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 403, url
    assert benchmark_export(version=version) == before
