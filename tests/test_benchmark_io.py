"""Sharing benchmarks as JSON: export, import as a new version, lossless round trip, and
hostile or malformed files refused with a clear message and nothing written."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from benchmarks.models import Benchmark, BenchmarkVersion, ContextFactor, GoodPracticeExample, GuideQuestion, KeyFactor
from benchmarks.services import benchmark_export, benchmark_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "benchmarks"
SEEDS = sorted(path.stem for path in FIXTURES.glob("*.json"))


def load(name="implementoring-theme-cd"):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def export(slug, *args):
    out = io.StringIO()
    call_command("export_benchmark", slug, *args, stdout=out)
    return json.loads(out.getvalue())


def database_state():
    return tuple(m.objects.count() for m in (Benchmark, BenchmarkVersion, KeyFactor, GuideQuestion, GoodPracticeExample, ContextFactor))


@pytest.mark.parametrize("name", SEEDS)
def test_export_equals_the_seed_file(name):
    assert export(name) == load(name)


@pytest.mark.parametrize("name", SEEDS)
def test_round_trip_through_files_is_lossless(name, tmp_path):
    exported = export(name)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_benchmark", str(path), stdout=out)
    assert "version 2" in out.getvalue()
    assert export(name, "--number", "2") == exported
    assert export(name) == exported


def test_import_of_a_known_slug_adds_a_version_and_keeps_the_old_one():
    data = load()
    data["version_label"] = "Draft v3"
    data["key_factors"][0]["guide_questions"].append("Is there a new question?")
    new = benchmark_import(data=data)
    assert new.number == 2
    old = BenchmarkVersion.objects.get(benchmark__slug=data["slug"], number=1)
    assert old.key_factors.get(number="1").guide_questions.count() == 5
    assert new.key_factors.get(number="1").guide_questions.count() == 6
    assert benchmark_export(version=old) == load()


def hostile_cases():
    base = load("inclucities-language-learning")

    def change(fn):
        data = copy.deepcopy(base)
        fn(data)
        return data

    return {
        "missing title": (change(lambda d: d.pop("title")), "title: is missing"),
        "missing key factor list": (change(lambda d: d.pop("key_factors")), "key_factors: is missing"),
        "title is a number": (change(lambda d: d.update(title=42)), "title: must be text, not number"),
        "key factors not a list": (change(lambda d: d.update(key_factors={"1": "x"})), "key_factors: must be a list"),
        "guide question not text": (
            change(lambda d: d["key_factors"][0]["guide_questions"].append(["a"])),
            "key_factors[0].guide_questions[4]: must be text",
        ),
        "script tag": (
            change(lambda d: d["key_factors"][0].update(title="<script>alert(1)</script>")),
            "key_factors[0].title: contains HTML markup",
        ),
        "5 MB of text": (change(lambda d: d.update(rationale="x" * 5_000_000)), "bytes, at most 2097152"),
        "long rationale": (change(lambda d: d.update(rationale="x" * 30_000)), "rationale: is too long (30000 characters, at most 20000)"),
        "unknown section": (change(lambda d: d["key_factors"][0].update(section="nowhere")), "names no section"),
        "javascript link": (
            change(lambda d: d["key_factors"][0]["examples"][0].update(link="javascript:alert(1)")),
            "link: must be a web address",
        ),
        "bad slug": (change(lambda d: d.update(slug="../../etc")), "slug: must be lowercase"),
        "not an object": ([1, 2, 3], "benchmark: must be an object"),
        "wrong format": (change(lambda d: d.update(format="other/9")), "format: must be mentoring-benchmark/1"),
        "duplicate number": (
            change(lambda d: d["key_factors"].append(copy.deepcopy(d["key_factors"][0]))),
            "key_factors[1].number: is used twice",
        ),
    }


@pytest.mark.parametrize("case", list(hostile_cases()))
def test_hostile_or_malformed_file_is_refused_and_nothing_changes(case, tmp_path):
    data, expected = hostile_cases()[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = database_state()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_benchmark", str(path), stdout=io.StringIO())
    message = str(excinfo.value)
    assert "nothing was imported" in message
    assert expected in message
    assert database_state() == before


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"{not json", "is not valid JSON (line 1, column 2"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
        (b" " * (3 * 1024 * 1024), "is 3145728 bytes, at most 2097152"),
    ],
)
def test_unreadable_files_are_refused(raw, expected, tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    before = database_state()
    with pytest.raises(CommandError, match="nothing was imported") as excinfo:
        call_command("import_benchmark", str(path), stdout=io.StringIO())
    assert expected in str(excinfo.value)
    assert database_state() == before


def test_every_problem_is_listed_at_once(tmp_path):
    data = load("inclucities-general")
    data["title"] = ""
    data["key_factors"][3]["rationale"] = None
    data["context_factors"][2] = "Budget"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_benchmark", str(path), stdout=io.StringIO())
    message = str(excinfo.value)
    assert "title: must not be empty" in message
    assert "key_factors[3].rationale: must be text, not null" in message
    assert "context_factors[2]: must be an object, not text" in message


def test_missing_file_and_unknown_slug():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_benchmark", "/nonexistent/benchmark.json")
    with pytest.raises(CommandError, match="No benchmark 'nope'"):
        call_command("export_benchmark", "nope")
