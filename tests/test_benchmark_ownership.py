"""Benchmarks belong to the programme that wrote them; the seed benchmarks belong to no
programme and are shared reference. An import, a new draft or a publication by one
programme never changes another programme's benchmark or a shared one: it goes into a
benchmark of the programme's own (a new one the first time), and another programme's
draft is a 404."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from benchmarks.editing import BenchmarkNotOwned, draft_import, draft_publish
from benchmarks.models import Benchmark, BenchmarkStatus, BenchmarkVersion, KeyFactor
from benchmarks.services import benchmark_export
from schemes.models import ProgrammeRole

pytestmark = pytest.mark.django_db

BENCHMARKS = "/programmes/test-programme/benchmarks/"
OTHER_BENCHMARKS = "/programmes/other-programme/benchmarks/"
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "benchmarks"
# Another programme's benchmark, and a seed (shared reference) benchmark.
FOREIGN_SLUGS = ["other-participation", "implementoring-theme-a"]


def load(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def other_benchmark(personas):
    """A benchmark written and published by the other programme (version 1)."""
    data = {**load("implementoring-theme-cd"), "slug": "other-participation", "theme": "Participation (other programme)"}
    version = draft_import(data=data, programme=personas.other_programme)
    return draft_publish(version=version, programme=personas.other_programme)


def state(slug):
    """All a benchmark is: its theme and every version with its whole text."""
    benchmark = Benchmark.objects.get(slug=slug)
    versions = benchmark.versions.order_by("number")
    return benchmark.theme, [(v.pk, v.number, v.status, v.programme_id, benchmark_export(version=v)) for v in versions]


def incoming(slug):
    """A file from the test programme's coordinator that carries ``slug``: other text."""
    return {
        **load("inclucities-language-learning"),
        "slug": slug,
        "theme": "Language learning (test programme)",
        "title": "Language learning, as the test programme writes it",
    }


def upload(data):
    return {"file": SimpleUploadedFile("benchmark.json", json.dumps(data).encode())}


def version_at(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return BenchmarkVersion.objects.select_related("benchmark").get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.mark.parametrize("slug", FOREIGN_SLUGS)
def test_an_import_with_another_benchmarks_slug_makes_the_programmes_own_benchmark(personas, other_benchmark, slug):
    coordinator = personas.client("coordinator")
    before = state(slug)
    response = coordinator.post(BENCHMARKS + "import/", upload(incoming(slug)))
    assert state(slug) == before  # the theme too: nothing of the other benchmark changes
    draft = version_at(response)
    assert draft.benchmark.slug == f"{slug}-test-programme" and draft.number == 1
    assert draft.benchmark.programme == personas.programme and draft.programme == personas.programme
    assert draft.benchmark.theme == "Language learning (test programme)"
    page = coordinator.get(response["Location"]).content.decode()
    assert "belongs to another programme or is a shared reference benchmark" in page

    # Published, it is a version of the programme's own benchmark; the other one and
    # its comparison page are as they were.
    assert coordinator.post(f"{BENCHMARKS}{draft.pk}/publish/", {"confirmed": "1"}).status_code == 302
    assert BenchmarkVersion.objects.get(pk=draft.pk).status == BenchmarkStatus.PUBLISHED
    assert state(slug) == before
    compare = coordinator.get(f"{BENCHMARKS}{slug}/compare/")
    assert [v.pk for v in compare.context["versions"]] == [pk for pk, *_rest in before[1]]
    assert "Language learning, as the test programme writes it" not in compare.content.decode()

    # The same file again is the next version of the programme's own copy.
    again = version_at(coordinator.post(BENCHMARKS + "import/", upload(incoming(slug))))
    assert again.benchmark == draft.benchmark and again.number == 2
    assert state(slug) == before


def test_an_import_of_the_programmes_own_benchmark_is_its_next_version(personas):
    coordinator = personas.client("coordinator")
    first = version_at(coordinator.post(BENCHMARKS + "import/", upload(incoming("language-learning"))))
    assert first.benchmark.programme == personas.programme
    data = {**incoming("language-learning"), "theme": "Language learning, renamed"}
    second = version_at(coordinator.post(BENCHMARKS + "import/", upload(data)))
    assert second.benchmark == first.benchmark and second.number == 2
    assert Benchmark.objects.get(slug="language-learning").theme == "Language learning, renamed"


@pytest.mark.parametrize("slug", FOREIGN_SLUGS)
def test_a_new_draft_from_another_benchmark_is_a_benchmark_of_the_programme(personas, other_benchmark, slug):
    coordinator = personas.client("coordinator")
    before = state(slug)
    published = Benchmark.objects.get(slug=slug).latest_version()
    response = coordinator.post(f"{BENCHMARKS}{published.pk}/new-draft/", follow=True)
    assert state(slug) == before
    draft = response.context["version"]
    assert draft.benchmark.programme == personas.programme and draft.benchmark.slug == f"{slug}-test-programme"
    assert draft.based_on == published and draft.key_factors.count() == published.key_factors.count()
    assert "A new benchmark of this programme" in response.content.decode()
    assert coordinator.post(f"{BENCHMARKS}{draft.pk}/publish/", {"confirmed": "1"}).status_code == 302
    assert state(slug) == before


def test_a_programme_never_edits_or_publishes_into_another_programmes_benchmark(personas, other_benchmark):
    """Not even a draft it wrote there before benchmarks had an owner (the migration
    moves those; this is the check that stays)."""
    stray = BenchmarkVersion.objects.create(
        benchmark=other_benchmark.benchmark,
        number=2,
        status=BenchmarkStatus.DRAFT,
        title="Written into the other programme's benchmark",
        programme=personas.programme,
    )
    KeyFactor.objects.create(version=stray, number="1", title="Key factor")
    other_draft = draft_import(data={**load("implementoring-theme-b"), "slug": "other-draft"}, programme=personas.other_programme)
    before = state("other-participation"), state("other-draft")
    coordinator = personas.client("coordinator")
    for version in (stray, other_draft):
        kf = version.key_factors.first()
        for url, method in [
            (f"{BENCHMARKS}{version.pk}/publish/", "post"),
            (f"{BENCHMARKS}{version.pk}/", "get"),
            (f"{BENCHMARKS}{version.pk}/edit/", "post"),
            (f"{BENCHMARKS}{version.pk}/key-factors/new/", "post"),
            (f"{BENCHMARKS}{version.pk}/key-factors/{kf.pk}/", "post"),
            (f"{BENCHMARKS}{version.pk}/key-factors/{kf.pk}/delete/", "post"),
            (f"{BENCHMARKS}{version.pk}/discard/", "post"),
        ]:
            response = getattr(coordinator, method)(url, {"title": "Changed", "number": "9"} if method == "post" else None)
            assert response.status_code == 404, (version.title, url, response.status_code)
    assert (state("other-participation"), state("other-draft")) == before
    # The service refuses it too, whoever calls it.
    with pytest.raises(BenchmarkNotOwned):
        draft_publish(version=stray, programme=personas.programme)
    assert state("other-participation") == before[0]
    # The other programme's own coordinator still publishes its own draft.
    other_coordinator = personas.client("outsider")
    ProgrammeRole.objects.create(programme=personas.other_programme, user=personas.users["outsider"], role="coordinator")
    assert other_coordinator.post(f"{OTHER_BENCHMARKS}{other_draft.pk}/publish/", {"confirmed": "1"}).status_code == 302
    assert BenchmarkVersion.objects.get(pk=other_draft.pk).status == BenchmarkStatus.PUBLISHED


def test_the_command_never_changes_a_programmes_benchmark(personas, other_benchmark, tmp_path):
    before = state("other-participation")
    path = tmp_path / "benchmark.json"
    path.write_text(json.dumps(incoming("other-participation")), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported") as excinfo:
        call_command("import_benchmark", str(path), stdout=io.StringIO())
    assert "slug: “other-participation” is a benchmark of the programme “Other Programme”" in str(excinfo.value)
    assert state("other-participation") == before
    # A shared reference benchmark is the command's to revise.
    path.write_text(json.dumps(load("implementoring-theme-a")), encoding="utf-8")
    call_command("import_benchmark", str(path), stdout=io.StringIO())
    assert Benchmark.objects.get(slug="implementoring-theme-a").versions.count() == 2


def test_existing_benchmarks_get_the_programme_that_wrote_them(personas):
    """The data migration: a benchmark belongs to the programme that wrote its first
    version; the seeds stay shared; a programme's draft in another's benchmark moves to
    a benchmark of its own; published versions stay where schemes and addresses find them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("benchmarks.migrations.0007_benchmark_owners")
    written = Benchmark.objects.create(slug="written-here", theme="Written here")
    BenchmarkVersion.objects.create(benchmark=written, number=1, status="draft", title="Ours", programme=personas.programme)
    seed = Benchmark.objects.get(slug="implementoring-theme-b")
    published_elsewhere = BenchmarkVersion.objects.create(
        benchmark=seed, number=2, status="published", title="Published by the other", programme=personas.other_programme
    )
    stray = BenchmarkVersion.objects.create(
        benchmark=seed, number=3, status="draft", title="Drafted by the test programme", programme=personas.programme
    )
    Benchmark.objects.update(programme=None)

    migration.assign_owners(apps, None)

    assert Benchmark.objects.get(slug="written-here").programme == personas.programme
    assert not Benchmark.objects.filter(slug__startswith="inclucities-", programme__isnull=False).exists()
    seed.refresh_from_db()
    assert seed.programme is None
    assert BenchmarkVersion.objects.get(pk=published_elsewhere.pk).benchmark == seed
    stray.refresh_from_db()
    assert stray.benchmark.slug == "implementoring-theme-b-test-programme" and stray.number == 1
    assert stray.benchmark.programme == personas.programme and stray.benchmark.theme == seed.theme
