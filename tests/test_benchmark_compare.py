"""Comparing two versions of a benchmark: what a coordinator sees as added, removed,
reworded and moved. Pure dictionaries, no database."""

import copy
import json
from pathlib import Path

import pytest

from benchmarks.compare import Diff, ItemChange, benchmark_compare, word_diff

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "benchmarks" / "implementoring-theme-b.json"
ORIGINAL = json.loads(FIXTURE.read_text(encoding="utf-8"))

SECTIONS = [{"key": "commitment", "title": "Commitment"}, {"key": "services", "title": "Services"}]
CONTEXT_FACTORS = [
    {"title": "Size of the migrant population", "description": "Share of residents born abroad."},
    {"title": "National equality legislation", "description": "Which groups the law protects."},
]
EXAMPLES = [
    {"text": "Diversity charter signed by all departments.", "city": "Ghent", "link": "https://example.org/ghent"},
    {"text": "Mentoring for migrant job seekers.", "city": "Lisbon", "link": "https://example.org/lisbon"},
]


@pytest.fixture
def old():
    return copy.deepcopy(ORIGINAL)


@pytest.fixture
def new(old):
    return copy.deepcopy(old)


def factor(data, number):
    return next(kf for kf in data["key_factors"] if kf["number"] == number)


def joined(words, *ops):
    return "".join(text for op, text in words if op in ops)


def with_sections(data):
    data["sections"] = copy.deepcopy(SECTIONS)
    for kf in data["key_factors"]:
        kf["section"] = "commitment" if int(kf["number"]) <= 4 else "services"
    return data


def test_identical_versions_are_unchanged(old, new):
    comparison = benchmark_compare(old, new)

    assert comparison.unchanged is True
    assert comparison.counts() == {"added": 0, "removed": 0, "reworded": 0}
    assert (comparison.header, comparison.sections, comparison.key_factors, comparison.context_factors) == ([], [], [], [])
    assert comparison.moved == []


def test_whitespace_at_the_ends_of_a_text_is_not_a_change(old, new):
    factor(new, "1")["statement"] += "  \n"
    factor(new, "2")["guide_questions"][0] = " " + factor(new, "2")["guide_questions"][0]
    new["title"] = new["title"] + " "

    assert benchmark_compare(old, new).unchanged is True


def test_a_header_field_changed(old, new):
    new["version_label"] = "Benchmark – final version March 2014"

    comparison = benchmark_compare(old, new)

    assert [(d.field, str(d.label), d.old, d.new) for d in comparison.header] == [
        ("version_label", "Version label", "Benchmark –third draft January 2014", "Benchmark – final version March 2014")
    ]
    assert comparison.counts() == {"added": 0, "removed": 0, "reworded": 0}
    assert comparison.unchanged is False


def test_a_key_factor_added(old, new):
    new["key_factors"].append(dict(copy.deepcopy(factor(old, "8")), number="9", title="Working with employers"))

    comparison = benchmark_compare(old, new)

    assert comparison.key_factors == [ItemChange(status="added", key="9", title="Working with employers", diffs=[])]
    assert comparison.counts() == {"added": 1, "removed": 0, "reworded": 0}
    assert comparison.moved == []


def test_a_key_factor_removed(old, new):
    new["key_factors"] = [kf for kf in new["key_factors"] if kf["number"] != "3"]

    comparison = benchmark_compare(old, new)

    assert comparison.key_factors == [
        ItemChange(status="removed", key="3", title="Consulting migrants about strategy and services", diffs=[])
    ]
    assert comparison.counts() == {"added": 0, "removed": 1, "reworded": 0}
    assert comparison.moved == []


def test_added_key_factors_follow_the_new_order_and_removed_ones_come_last(old, new):
    new["key_factors"] = [kf for kf in new["key_factors"] if kf["number"] != "2"]
    new["key_factors"].insert(0, dict(copy.deepcopy(factor(old, "1")), number="0", title="Vision"))

    changes = benchmark_compare(old, new).key_factors

    assert [(c.status, c.key) for c in changes] == [("added", "0"), ("removed", "2")]


def test_a_reworded_statement_marks_exactly_the_changed_words(old, new):
    before = factor(old, "1")["statement"]
    after = before.replace("has adopted an explicit strategy", "has adopted a written strategy")
    factor(new, "1")["statement"] = after

    comparison = benchmark_compare(old, new)

    (change,) = comparison.key_factors
    assert (change.status, change.key, change.title) == ("reworded", "1", "Demonstrating Commitment")
    (diff,) = change.diffs
    assert (diff.field, str(diff.label), diff.old, diff.new) == ("statement", "Statement", before, after)
    assert diff.words == [
        ("same", "The city has adopted "),
        ("removed", "an explicit"),
        ("added", "a written"),
        ("same", before.removeprefix("The city has adopted an explicit")),
    ]
    assert joined(diff.words, "same", "removed") == before
    assert joined(diff.words, "same", "added") == after
    assert comparison.counts() == {"added": 0, "removed": 0, "reworded": 1}


def test_word_diff_joins_back_to_both_texts():
    old, new = "Migrants are  consulted\nabout needs", "Migrants are consulted about their needs today"

    words = word_diff(old, new)

    assert joined(words, "same", "removed") == old
    assert joined(words, "same", "added") == new
    assert words[0] == ("same", "Migrants are")
    assert word_diff("", "new text") == [("added", "new text")]


def test_word_diff_reads_a_replaced_phrase_as_one_change():
    # The single space between "quick" and "brown" is not shown as an unchanged word.
    assert word_diff("the quick brown fox jumps", "the slow red fox leaps") == [
        ("same", "the "),
        ("removed", "quick brown"),
        ("added", "slow red"),
        ("same", " fox "),
        ("removed", "jumps"),
        ("added", "leaps"),
    ]


def test_a_guide_question_inserted_in_the_middle_is_one_added_question(old, new):
    question = "Are migrants represented on the city's consultative bodies?"
    factor(new, "3")["guide_questions"].insert(3, question)

    (change,) = benchmark_compare(old, new).key_factors

    assert change.status == "reworded"
    assert change.diffs == [
        Diff(field="guide_questions[3]", label="Guide question 4", old="", new=question, words=[("added", question)])
    ]


def test_a_guide_question_removed_and_one_reworded(old, new):
    removed = factor(old, "5")["guide_questions"][0]
    del factor(new, "5")["guide_questions"][0]
    reworded = factor(old, "4")["guide_questions"][1]
    factor(new, "4")["guide_questions"][1] = reworded.replace("at all levels", "at every level")

    changes = {c.key: c for c in benchmark_compare(old, new).key_factors}

    assert [(d.field, str(d.label), d.old, d.new) for d in changes["5"].diffs] == [
        ("guide_questions[0]", "Guide question 1", removed, "")
    ]
    (diff,) = changes["4"].diffs
    assert (diff.field, str(diff.label)) == ("guide_questions[1]", "Guide question 2")
    assert [w for w in diff.words if w[0] != "same"] == [("removed", "all levels"), ("added", "every level")]


def test_an_example_link_changed(old, new):
    factor(old, "2")["examples"] = copy.deepcopy(EXAMPLES)
    factor(new, "2")["examples"] = copy.deepcopy(EXAMPLES)
    factor(new, "2")["examples"][1]["link"] = "https://example.org/lisboa"

    (change,) = benchmark_compare(old, new).key_factors

    assert [(d.field, str(d.label), d.old, d.new) for d in change.diffs] == [
        ("examples[1].link", "Example 2: link", "https://example.org/lisbon", "https://example.org/lisboa")
    ]


def test_an_example_added_in_front_is_one_added_example(old, new):
    factor(old, "2")["examples"] = copy.deepcopy(EXAMPLES[1:])
    factor(new, "2")["examples"] = copy.deepcopy(EXAMPLES)

    (change,) = benchmark_compare(old, new).key_factors

    assert [(d.field, d.old, d.new) for d in change.diffs] == [
        ("examples[0].text", "", EXAMPLES[0]["text"]),
        ("examples[0].city", "", "Ghent"),
        ("examples[0].link", "", "https://example.org/ghent"),
    ]


def test_context_factors_renamed_slightly_or_replaced(old, new):
    old["context_factors"] = copy.deepcopy(CONTEXT_FACTORS)
    new["context_factors"] = [
        {"title": "Size of the migrant populations", "description": "Share of residents born abroad."},
        {"title": "Funding available from the state", "description": "Grants for integration work."},
    ]

    comparison = benchmark_compare(old, new)

    assert [(c.status, c.key, c.title) for c in comparison.context_factors] == [
        ("reworded", "Size of the migrant populations", "Size of the migrant populations"),
        ("added", "Funding available from the state", "Funding available from the state"),
        ("removed", "National equality legislation", "National equality legislation"),
    ]
    (diff,) = comparison.context_factors[0].diffs
    assert (diff.field, diff.old, diff.new) == ("title", "Size of the migrant population", "Size of the migrant populations")
    assert diff.words == [("same", "Size of the migrant "), ("removed", "population"), ("added", "populations")]
    assert comparison.context_factors[1].diffs == comparison.context_factors[2].diffs == []
    assert comparison.counts() == {"added": 1, "removed": 1, "reworded": 1}


def test_a_context_factor_matched_by_title_with_a_new_description(old, new):
    old["context_factors"] = copy.deepcopy(CONTEXT_FACTORS)
    new["context_factors"] = list(reversed(copy.deepcopy(CONTEXT_FACTORS)))
    new["context_factors"][0]["description"] = "Which groups the law protects, and how."

    (change,) = benchmark_compare(old, new).context_factors

    assert (change.status, change.key) == ("reworded", "National equality legislation")
    assert [(d.field, d.old, d.new) for d in change.diffs] == [
        ("description", "Which groups the law protects.", "Which groups the law protects, and how.")
    ]


def test_reordered_key_factors_are_moved_not_reworded(old, new):
    new["key_factors"].insert(0, new["key_factors"].pop())

    comparison = benchmark_compare(old, new)

    assert comparison.moved == ["8"]
    assert comparison.key_factors == []
    assert comparison.counts() == {"added": 0, "removed": 0, "reworded": 0}
    assert comparison.unchanged is False


def test_a_key_factor_moved_to_another_section(old, new):
    with_sections(old)
    with_sections(new)
    factor(new, "4")["section"] = "services"

    comparison = benchmark_compare(old, new)

    (change,) = comparison.key_factors
    assert (change.status, change.key) == ("reworded", "4")
    assert [(d.field, str(d.label), d.old, d.new) for d in change.diffs] == [("section", "Section", "Commitment", "Services")]
    assert comparison.sections == []
    assert comparison.moved == []


def test_sections_renamed_added_and_removed(old, new):
    with_sections(old)
    with_sections(new)
    new["sections"][1]["title"] = "Public services"
    new["sections"].append({"key": "monitoring", "title": "Monitoring"})

    comparison = benchmark_compare(old, new)

    assert [(c.status, c.key, c.title) for c in comparison.sections] == [
        ("reworded", "services", "Public services"),
        ("added", "monitoring", "Monitoring"),
    ]
    assert [(d.field, d.old, d.new) for d in comparison.sections[0].diffs] == [("title", "Services", "Public services")]
    assert comparison.key_factors == []


def test_a_section_given_a_new_key_moves_no_key_factor(old, new):
    with_sections(old)
    with_sections(new)
    new["sections"][1]["key"] = "service-provision"
    for kf in new["key_factors"]:
        if kf["section"] == "services":
            kf["section"] = "service-provision"

    comparison = benchmark_compare(old, new)

    assert [(c.status, c.key) for c in comparison.sections] == [("reworded", "service-provision")]
    assert [(d.field, d.old, d.new) for d in comparison.sections[0].diffs] == [("key", "services", "service-provision")]
    assert comparison.key_factors == []
