"""Benchmarks in and out as JSON: the way networks share benchmarks.

The format is described in fixtures/FORMATS.md ("mentoring-benchmark/1").
``benchmark_export`` gives the dictionary for one version; ``benchmark_import`` checks a
dictionary completely before writing anything, then creates a new version (and the
benchmark, the first time its slug is seen) in one transaction. A round trip is
lossless: ``benchmark_export(benchmark_import(data=d))`` equals ``d``.

An import goes into a benchmark of the importing programme only (``_benchmark_for``):
it never changes another programme's benchmark or a shared reference one.
"""

import itertools
import json
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Benchmark,
    BenchmarkSection,
    BenchmarkStatus,
    BenchmarkVersion,
    ContextFactor,
    GoodPracticeExample,
    GuideQuestion,
    KeyFactor,
)
from .translations import translations_apply, translations_export, translations_validate

FORMAT = "mentoring-benchmark/1"
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TEXT = 20_000
MAX_KEY_FACTORS = 100
MAX_ITEMS = 60
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The format has no numbers at all; a longer one is refused before Python turns it into
# an int (which raises past 4,300 digits and is slow long before).
MAX_NUMBER_DIGITS = 30
# JSON can carry a lone UTF-16 surrogate ("\ud800") that no database or page can store.
SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# Benchmarks are plain text: anything that looks like an HTML tag is refused, so a
# shared file can never carry markup or script into pages and PDFs.
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


class BenchmarkFormatError(ValueError):
    """The data is not a valid benchmark; ``errors`` lists every problem found."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


class _Checker:
    def __init__(self):
        self.errors = []

    def fail(self, path, message):
        self.errors.append(f"{path}: {message}")

    def text(self, obj, key, path, **rules):
        where = f"{path}.{key}" if path else key
        if key not in obj:
            self.fail(where, _("is missing"))
            return
        self.string(obj[key], where, **rules)

    def string(self, value, where, *, max_length=MAX_TEXT, required=False, pattern=None):
        if not isinstance(value, str):
            self.fail(where, _("must be text, not %(type)s") % {"type": _json_type(value)})
            return
        if required and not value.strip():
            self.fail(where, _("must not be empty"))
        # PostgreSQL refuses NUL in text and SQLite would store it: refused everywhere.
        if "\x00" in value:
            self.fail(where, _("contains a NUL character (code 0), which a benchmark cannot hold"))
        if SURROGATE_RE.search(value):
            self.fail(where, _("contains a character that is not valid text (an unpaired surrogate code)"))
        if len(value) > max_length:
            self.fail(
                where, _("is too long (%(length)s characters, at most %(max)s)") % {"length": len(value), "max": max_length}
            )
        if TAG_RE.search(value):
            self.fail(where, _("contains HTML markup (such as <script>); benchmarks are plain text"))
        if pattern and value and not pattern.match(value):
            self.fail(where, _("must be lowercase letters, digits and hyphens"))

    def items(self, obj, key, path, *, max_items=MAX_ITEMS):
        where = f"{path}.{key}" if path else key
        if key not in obj:
            self.fail(where, _("is missing"))
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.fail(where, _("must be a list, not %(type)s") % {"type": _json_type(value)})
            return []
        if len(value) > max_items:
            self.fail(where, _("has %(count)s entries, at most %(max)s") % {"count": len(value), "max": max_items})
            return []
        return value

    def mapping(self, value, path):
        if not isinstance(value, dict):
            self.fail(path, _("must be an object, not %(type)s") % {"type": _json_type(value)})
            return False
        return True


def _json_type(value):
    return {
        dict: "object",
        list: "list",
        str: "text",
        bool: "true/false",
        int: "number",
        float: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def benchmark_validate(data):
    """Every problem in ``data``, as "path: message" lines; an empty list if valid."""
    check = _Checker()
    if not check.mapping(data, "benchmark"):
        return check.errors
    if data.get("format") != FORMAT:
        check.fail("format", _("must be %(format)s") % {"format": FORMAT})
    check.text(data, "slug", "", max_length=80, required=True, pattern=SLUG_RE)
    check.text(data, "theme", "", max_length=300, required=True)
    check.text(data, "title", "", max_length=300, required=True)
    check.text(data, "version_label", "", max_length=200)
    check.text(data, "source", "", max_length=500)
    for key in ("standard", "rationale", "notes_on_terms", "coverage"):
        check.text(data, key, "")

    section_keys = set()
    for i, section in enumerate(check.items(data, "sections", "", max_items=20)):
        path = f"sections[{i}]"
        if check.mapping(section, path):
            check.text(section, "key", path, max_length=40, required=True, pattern=SLUG_RE)
            check.text(section, "title", path, max_length=300, required=True)
            # Keys and numbers are compared only when they are text: a list or an object
            # there is already listed as a problem (and cannot be looked up in a set).
            key = section.get("key")
            if isinstance(key, str):
                if key in section_keys:
                    check.fail(f"{path}.key", _("is used twice"))
                section_keys.add(key)

    numbers = set()
    for i, kf in enumerate(check.items(data, "key_factors", "", max_items=MAX_KEY_FACTORS)):
        path = f"key_factors[{i}]"
        if not check.mapping(kf, path):
            continue
        check.text(kf, "number", path, max_length=10, required=True)
        number = kf.get("number")
        if isinstance(number, str):
            if number in numbers:
                check.fail(f"{path}.number", _("is used twice"))
            numbers.add(number)
        section = kf.get("section")
        if "section" not in kf:
            check.fail(f"{path}.section", _("is missing"))
        elif section is not None and not isinstance(section, str):
            check.fail(f"{path}.section", _("must be the key of a section or null, not %(type)s") % {"type": _json_type(section)})
        elif section is not None and section not in section_keys:
            check.fail(f"{path}.section", _("names no section of this benchmark"))
        check.text(kf, "title", path, max_length=300, required=True)
        for key in ("statement", "rationale", "practical_tips"):
            check.text(kf, key, path)
        for j, question in enumerate(check.items(kf, "guide_questions", path)):
            check.string(question, f"{path}.guide_questions[{j}]", required=True)
        for j, example in enumerate(check.items(kf, "examples", path)):
            epath = f"{path}.examples[{j}]"
            if check.mapping(example, epath):
                check.text(example, "text", epath, required=True)
                check.text(example, "city", epath, max_length=200)
                check.text(example, "link", epath, max_length=500)
                link = example.get("link")
                if isinstance(link, str) and link and re.match(r"^\s*(javascript|data|vbscript|file):", link, re.I):
                    check.fail(f"{epath}.link", _("must be a web address"))

    for i, cf in enumerate(check.items(data, "context_factors", "")):
        path = f"context_factors[{i}]"
        if check.mapping(cf, path):
            check.text(cf, "title", path, max_length=300, required=True)
            check.text(cf, "description", path)
    if not check.errors and "translations" in data:
        check.errors.extend(translations_validate(data))
    return check.errors


def _too_large(size):
    return BenchmarkFormatError([_("file: is %(size)s bytes, at most %(max)s") % {"size": size, "max": MAX_FILE_BYTES}])


class _NumberTooLong(ValueError):
    def __init__(self, digits):
        self.digits = digits
        super().__init__(digits)


def _parse_int(text):
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(len(text.lstrip("-")))
    return int(text)


def benchmark_load_json(raw):
    """Parse a benchmark file: its bytes, its text, or an uploaded file (whose size is
    checked before it is read). Every way a file can be unreadable is a
    ``BenchmarkFormatError``."""
    if hasattr(raw, "read"):
        if getattr(raw, "size", 0) > MAX_FILE_BYTES:
            raise _too_large(raw.size)
        raw = raw.read(MAX_FILE_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw))
    if not raw.strip():
        raise BenchmarkFormatError([_("file: is empty")])
    try:
        return json.loads(raw.decode("utf-8"), parse_int=_parse_int)
    except UnicodeDecodeError as exc:
        raise BenchmarkFormatError([_("file: is not UTF-8 text (%(error)s)") % {"error": exc.reason}]) from exc
    except json.JSONDecodeError as exc:
        raise BenchmarkFormatError(
            [
                _("file: is not valid JSON (line %(line)s, column %(column)s: %(error)s)")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ]
        ) from exc
    except _NumberTooLong as exc:
        raise BenchmarkFormatError(
            [
                _("file: has a number of %(digits)s digits, which is too long to read (a benchmark file needs no numbers)")
                % {"digits": exc.digits}
            ]
        ) from exc
    except RecursionError as exc:
        # The parser descends one level per list or object; the format needs four. A
        # file nested deeper than Python's stack allows is refused here, not with a 500.
        raise BenchmarkFormatError(
            [_("file: has lists or objects nested too deeply to read (a benchmark file needs only four levels)")]
        ) from exc


def _own_slugs(slug, programme):
    """The slugs, in order of preference, of ``programme``'s own benchmark for a file
    that carries another benchmark's ``slug``: "theme-a-inclucities", then
    "theme-a-inclucities-2"... (benchmark slugs are unique: they are in public addresses)."""
    tail = re.sub(r"[^a-z0-9]+", "-", programme.slug.lower()).strip("-") or "programme"
    for n in itertools.count(1):
        suffix = f"-{tail}" if n == 1 else f"-{tail}-{n}"
        head = slug[: 80 - len(suffix)].rstrip("-")
        yield f"{head}{suffix}" if head else suffix.lstrip("-")


def _benchmark_for(*, slug, theme, programme):
    """The benchmark (locked) that an import by ``programme`` adds its version to.

    A benchmark belongs to the programme that wrote it; ``programme`` None is the
    administrators (reference data, ``import_benchmark``), who own the shared reference
    benchmarks. A file carrying the slug of the owner's benchmark is its next version.
    Another programme's benchmark or a shared one is never changed: a coordinator who
    imports a file received from another network, or adapts a seed, expects a draft of
    their own to work on, not a refusal that sends them into the JSON, so the version
    goes into the programme's own benchmark under a slug of its own (``_own_slugs``),
    created the first time. The administrators' command, which has no programme to
    copy into, refuses a programme's slug instead.
    """
    owner = programme.pk if programme else None
    candidates = itertools.chain([slug], _own_slugs(slug, programme) if programme else [])
    for candidate in candidates:
        benchmark, created = Benchmark.objects.select_for_update().get_or_create(
            slug=candidate, defaults={"theme": theme, "programme": programme}
        )
        if benchmark.programme_id == owner:
            if not created and benchmark.theme != theme:
                benchmark.theme = theme
                benchmark.save()
            return benchmark
        if programme is None:
            raise BenchmarkFormatError(
                [
                    _(
                        "slug: “%(slug)s” is a benchmark of the programme “%(programme)s”, and only that programme changes it; "
                        "this command imports shared reference benchmarks. Give the file another short name."
                    )
                    % {"slug": slug, "programme": benchmark.programme.name}
                ]
            )


@transaction.atomic
def benchmark_import(*, data, status=BenchmarkStatus.PUBLISHED, programme=None, based_on=None):
    """Create a new version of the benchmark ``data`` describes; return it. The version
    goes into a benchmark of ``programme`` (None: a shared reference benchmark), whose
    coordinators edit it while it is a draft (see ``_benchmark_for``: its slug may
    differ from the file's); ``based_on`` is the version it was copied from.

    Raises ``BenchmarkFormatError`` listing every problem, before anything is written.
    """
    errors = benchmark_validate(data)
    if errors:
        raise BenchmarkFormatError(errors)
    benchmark = _benchmark_for(slug=data["slug"], theme=data["theme"], programme=programme)
    number = (benchmark.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = BenchmarkVersion.objects.create(
        benchmark=benchmark,
        number=number,
        status=status,
        programme=programme,
        based_on=based_on,
        published_at=timezone.now() if status == BenchmarkStatus.PUBLISHED else None,
        **{key: data[key] for key in ("title", "version_label", "source", "standard", "rationale", "notes_on_terms", "coverage")},
    )
    sections = {}
    for order, section in enumerate(data["sections"]):
        sections[section["key"]] = BenchmarkSection.objects.create(
            version=version, key=section["key"], title=section["title"], order=order
        )
    for order, kf in enumerate(data["key_factors"]):
        key_factor = KeyFactor.objects.create(
            version=version,
            section=sections.get(kf["section"]),
            number=kf["number"],
            order=order,
            title=kf["title"],
            statement=kf["statement"],
            rationale=kf["rationale"],
            practical_tips=kf["practical_tips"],
        )
        for q_order, text in enumerate(kf["guide_questions"]):
            GuideQuestion.objects.create(key_factor=key_factor, order=q_order, text=text)
        for e_order, example in enumerate(kf["examples"]):
            GoodPracticeExample.objects.create(
                key_factor=key_factor, order=e_order, text=example["text"], city=example["city"], link=example["link"]
            )
    for order, cf in enumerate(data["context_factors"]):
        ContextFactor.objects.create(version=version, order=order, title=cf["title"], description=cf["description"])
    translations_apply(version, data.get("translations"))
    return version


def benchmark_export(*, version):
    """The JSON-ready dictionary of one benchmark version (fixtures/FORMATS.md)."""
    key_factors = list(
        version.key_factors.select_related("section").prefetch_related("guide_questions", "examples").order_by("order")
    )
    context_factors = list(version.context_factors.order_by("order"))
    data = {
        "format": FORMAT,
        "slug": version.benchmark.slug,
        "theme": version.benchmark.theme,
        "title": version.title,
        "version_label": version.version_label,
        "source": version.source,
        "standard": version.standard,
        "rationale": version.rationale,
        "notes_on_terms": version.notes_on_terms,
        "coverage": version.coverage,
        "sections": [{"key": s.key, "title": s.title} for s in version.sections.order_by("order")],
        "key_factors": [
            {
                "number": kf.number,
                "section": kf.section.key if kf.section else None,
                "title": kf.title,
                "statement": kf.statement,
                "rationale": kf.rationale,
                "guide_questions": [q.text for q in kf.guide_questions.all()],
                "practical_tips": kf.practical_tips,
                "examples": [{"text": e.text, "city": e.city, "link": e.link} for e in kf.examples.all()],
            }
            for kf in key_factors
        ],
        "context_factors": [{"title": c.title, "description": c.description} for c in context_factors],
    }
    translations = translations_export(version, key_factors, context_factors)
    if translations:
        data["translations"] = translations
    return data
