"""The documentation stands on its own and stays true to the code.

- README.md stays short (at most 150 lines) and starts with the two commands;
- every relative link in README.md and docs/ leads to a file of the repository (and to a
  heading of it, for a link with an anchor);
- every file of the repository a document names in backticks exists (a test named with
  ``::`` exists in its module);
- nothing in the repository points at documents outside it: the method, the house rules
  and the decisions are in docs/;
- docs/settings.md lists every variable mentoring/settings.py reads, and names nothing
  the settings do not have.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").rglob("*.md"))
DOCUMENTS = [README, *DOCS]
README_MAX_LINES = 150

# Folders that are not the project's own text: installed packages, build output, runs.
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "staticfiles", "test-artifacts", "var", "media", "__pycache__"}
TEXT_SUFFIXES = {".py", ".html", ".md", ".txt", ".toml", ".js", ".css", ".po", ".json", ".cfg", ".ini", ".yml", ".yaml", ".sh"}
# Spelled in pieces, so that this file does not hold what it looks for.
OUTSIDE_REFERENCES = [
    re.compile(pattern)
    for pattern in (
        r"\.\./" + "shared",
        "BRIEF" + " §",
        "STYLE" + " §",
        "BRIEF" + r"\.md",
        "STYLE" + r"\.md",
    )
]
# Said of the specification, outside fixtures/ (where the source documents, transcribed
# word for word, may use the word in its own sense).
BRIEF_NAMED = re.compile(r"(?i)\bthe " + r"brief\b")

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]+`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
# A file of the repository named in backticks: a top folder, then a path with an extension.
TOP_FOLDERS = "mentoring|schemes|benchmarks|tests|templates|static|fixtures|docs|locale"
NAMED_FILE = re.compile(rf"`((?:{TOP_FOLDERS})/[A-Za-z0-9_./-]+\.[a-z]+)(?:::([A-Za-z_][A-Za-z0-9_]*))?`")


def relative(path):
    return str(path.relative_to(ROOT))


def prose(text):
    """The text without its code blocks and inline code, where links are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading):
    """The anchor a Markdown renderer (GitHub's) gives a heading."""
    heading = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    heading = re.sub(r"[^\w\- ]", "", heading)
    return heading.replace(" ", "-")


def anchors(path):
    return {slug(heading) for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8")))}


def project_files():
    """The repository's text files (the ``dev`` script and ``.ci/run`` among them)."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS and not name.endswith(".egg-info")]
        for name in files:
            path = Path(folder, name)
            if path.suffix in TEXT_SUFFIXES or name in {"dev", "run"}:
                yield path


def test_the_readme_is_short_and_starts_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines: move detail to docs/"
    content = [line for line in lines if line.strip()]
    assert content[0].startswith("# "), "README.md starts with its title"
    assert content[1].startswith("```"), "then the two commands, in a code block"
    assert content[2].startswith("./dev run"), content[2]
    assert content[3].startswith("./dev test"), content[3]
    assert content[4].startswith("```")


def test_the_readme_shows_a_screenshot_and_links_to_the_documentation():
    text = README.read_text(encoding="utf-8")
    assert re.search(r"!\[[^\]]+\]\(docs/images/[^)]+\.png\)", text), "a screenshot from docs/images/"
    for document in (
        "docs/README.md",
        "docs/method.md",
        "docs/architecture.md",
        "docs/settings.md",
        "docs/deployment.md",
        "docs/performance.md",
        "docs/contributing.md",
        "docs/decisions/README.md",
    ):
        assert f"]({document}" in text, f"README.md links to {document}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=relative)
def test_every_relative_link_leads_to_a_file_of_the_repository(document):
    broken = []
    for target in LINK.findall(prose(document.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path_part, _hash, anchor = target.partition("#")
        destination = (document.parent / path_part).resolve() if path_part else document
        if not destination.exists():
            broken.append(f"{target}: no such file")
            continue
        try:
            destination.relative_to(ROOT)
        except ValueError:
            broken.append(f"{target}: outside the repository")
            continue
        if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading #{anchor} in {relative(destination)}")
    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=relative)
def test_every_file_a_document_names_exists(document):
    missing = []
    for name, test in NAMED_FILE.findall(document.read_text(encoding="utf-8")):
        path = ROOT / name
        if not path.exists():
            missing.append(name)
        elif test and not re.search(rf"^\s*def {test}\(", path.read_text(encoding="utf-8"), re.MULTILINE):
            missing.append(f"{name}::{test}")
    assert missing == []


def test_every_decision_record_is_in_the_index():
    folder = ROOT / "docs" / "decisions"
    index = (folder / "README.md").read_text(encoding="utf-8")
    records = sorted(path.name for path in folder.glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert records, "the decision records are in docs/decisions/"
    assert [name for name in records if f"]({name})" not in index] == []


def test_nothing_points_at_documents_outside_the_repository():
    found = [
        f"{relative(path)}:{number}: {reference.pattern}"
        for path in project_files()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        for reference in [*OUTSIDE_REFERENCES, *([BRIEF_NAMED] if relative(path).split("/")[0] != "fixtures" else [])]
        if reference.search(line)
    ]
    assert found == [], "point at docs/ instead (docs/method.md, docs/contributing.md#house-rules):\n" + "\n".join(found)


def variables_read_by_the_settings():
    source = (ROOT / "mentoring" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"env_(?:str|bool|int|float|list)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def names_in_the_settings_tables():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    tables = text.split("## Not read by the application")[0]
    names = set()
    for line in tables.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_settings_page_lists_every_variable_the_settings_read():
    documented = names_in_the_settings_tables()
    assert sorted(variables_read_by_the_settings() - documented) == []


def test_every_setting_the_settings_page_names_exists():
    read = variables_read_by_the_settings()
    unknown = sorted(name for name in names_in_the_settings_tables() if name not in read and not hasattr(settings, name))
    assert unknown == []
