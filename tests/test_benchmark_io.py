"""Sharing benchmarks as JSON: export, import as a new version, lossless round trip, and
hostile or malformed files refused with a clear message and nothing written."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.html import escape

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
    return tuple(
        m.objects.count() for m in (Benchmark, BenchmarkVersion, KeyFactor, GuideQuestion, GoodPracticeExample, ContextFactor)
    )


@pytest.mark.parametrize("name", SEEDS)
def test_export_equals_the_seed_file(name):
    """What goes out is the seed file, with the seed's unofficial translations
    (fixtures/translations) in its ``translations`` block."""
    from schemes.services.demo import seed_file

    assert export(name) == seed_file("benchmarks", name)


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
        "long rationale": (
            change(lambda d: d.update(rationale="x" * 30_000)),
            "rationale: is too long (30000 characters, at most 20000)",
        ),
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


# Hostile files, through the import page and the command alike: each one gives a listed
# problem (never a server error) and writes nothing, on SQLite and on PostgreSQL.

IMPORT_PAGE = "/programmes/test-programme/benchmarks/import/"


def hostile_base():
    """A valid file that has every level of the format: a section, a key factor with a
    guide question and an example, a context factor."""
    data = load("inclucities-language-learning")
    data["slug"] = "hostile-base"
    data["sections"] = [{"key": "core", "title": "Core"}]
    data["key_factors"][0]["section"] = "core"
    data["context_factors"] = [{"title": "National language policy", "description": "Who pays for courses."}]
    return data


TEXT_PATHS = [
    *(
        (key,)
        for key in ("slug", "theme", "title", "version_label", "source", "standard", "rationale", "notes_on_terms", "coverage")
    ),
    ("sections", 0, "key"),
    ("sections", 0, "title"),
    *(("key_factors", 0, key) for key in ("number", "title", "statement", "rationale", "practical_tips")),
    ("key_factors", 0, "guide_questions", 0),
    *(("key_factors", 0, "examples", 0, key) for key in ("text", "city", "link")),
    ("context_factors", 0, "title"),
    ("context_factors", 0, "description"),
]
LIST_PATHS = [
    ("sections",),
    ("key_factors",),
    ("key_factors", 0, "guide_questions"),
    ("key_factors", 0, "examples"),
    ("context_factors",),
]
OBJECT_PATHS = [("sections", 0), ("key_factors", 0), ("key_factors", 0, "examples", 0), ("context_factors", 0)]


def where(path):
    """A path as the problems name it: key_factors[0].examples[0].link."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def replaced(path, value):
    data = hostile_base()
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return json.dumps(data).encode()


def with_raw(key, raw_value, data=None):
    """The file with ``key``'s value written as raw JSON text (what json.dumps cannot make)."""
    data = data or hostile_base()
    data[key] = "@@RAW@@"
    return json.dumps(data).replace('"@@RAW@@"', raw_value).encode()


def hostile_files():
    cases = {
        "100,000 nested lists": ("[" * 100_000 + "]" * 100_000).encode(),
        "100,000 nested objects": ('{"a":' * 100_000 + "1" + "}" * 100_000).encode(),
        "100,000 nested lists in a title": with_raw("title", "[" * 100_000 + "]" * 100_000),
        "5,000-digit integer": with_raw("title", "1" * 5_000),
        "lone surrogate in a title": replaced(("title",), "Language \ud800 learning"),
        "lone surrogate in a guide question": replaced(("key_factors", 0, "guide_questions", 0), "\udfff?"),
        "NUL in a title": replaced(("title",), "Language\u0000learning"),
        "NUL in a key factor statement": replaced(("key_factors", 0, "statement"), "Cities\u0000 act."),
        "non-UTF-8 bytes": b'{"format": "mentoring-benchmark/1", "title": "Caf\xe9"}',
        "empty file": b"",
        "3 MB file": b"[" + b" " * (3 * 1024 * 1024) + b"]",
    }
    expected = {
        "100,000 nested lists": "file: has lists or objects nested too deeply",
        "100,000 nested objects": "file: has lists or objects nested too deeply",
        "100,000 nested lists in a title": "file: has lists or objects nested too deeply",
        "5,000-digit integer": "file: has a number of 5000 digits",
        "lone surrogate in a title": "title: contains a character that is not valid text",
        "lone surrogate in a guide question": "key_factors[0].guide_questions[0]: contains a character that is not valid text",
        "NUL in a title": "title: contains a NUL character",
        "NUL in a key factor statement": "key_factors[0].statement: contains a NUL character",
        "non-UTF-8 bytes": "file: is not UTF-8 text",
        "empty file": "file: is empty",
        "3 MB file": "file: is 3145730 bytes, at most 2097152",
    }
    found = {name: (raw, expected[name]) for name, raw in cases.items()}
    # A list or an object wherever text, a key, a list or an object is expected.
    for path in TEXT_PATHS:
        for value, kind in (([], "list"), ({"a": "b"}, "object")):
            found[f"{kind} as {where(path)}"] = (replaced(path, value), f"{where(path)}: must be text, not {kind}")
    for value, kind in (([], "list"), ({"a": "b"}, "object")):
        found[f"{kind} as key_factors[0].section"] = (
            replaced(("key_factors", 0, "section"), value),
            f"key_factors[0].section: must be the key of a section or null, not {kind}",
        )
        found[f"{kind} as format"] = (replaced(("format",), value), "format: must be mentoring-benchmark/1")
    for path in LIST_PATHS:
        for value, kind in (({"a": "b"}, "object"), ("a", "text")):
            found[f"{kind} as {where(path)}"] = (replaced(path, value), f"{where(path)}: must be a list, not {kind}")
    for path in OBJECT_PATHS:
        found[f"list as {where(path)}"] = (replaced(path, ["a"]), f"{where(path)}: must be an object, not list")
    found["list as the benchmark"] = (b'[["format"]]', "benchmark: must be an object, not list")
    return found


HOSTILE_FILES = hostile_files()


def test_the_hostile_files_start_from_a_valid_one(personas):
    from benchmarks.editing import draft_import

    assert draft_import(data=hostile_base(), programme=personas.programme).key_factors.count() == 1


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_hostile_file_on_the_import_page_gives_a_listed_problem_and_writes_nothing(case, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw, expected = HOSTILE_FILES[case]
    before = database_state()
    response = personas.client("coordinator").post(IMPORT_PAGE, {"file": SimpleUploadedFile("benchmark.json", raw)})
    assert response.status_code == 400
    assert any(expected in problem for problem in response.context["problems"]), response.context["problems"]
    content = response.content.decode()
    assert "Nothing was imported" in content and escape(expected) in content
    assert database_state() == before


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_hostile_file_given_to_the_command_gives_a_listed_problem_and_writes_nothing(case, tmp_path):
    raw, expected = HOSTILE_FILES[case]
    path = tmp_path / "benchmark.json"
    path.write_bytes(raw)
    before = database_state()
    with pytest.raises(CommandError, match="nothing was imported") as excinfo:
        call_command("import_benchmark", str(path), stdout=io.StringIO())
    assert expected in str(excinfo.value)
    assert database_state() == before
