"""What changed between two versions of a benchmark, for a coordinator to review.

``benchmark_compare(old, new)`` takes two "mentoring-benchmark/1" dictionaries (as
``benchmark_export`` gives them) and touches no database. How things are matched:

- Key factors match by ``number``. One that is in both versions but differs is
  "reworded", with one ``Diff`` per changed field. Key factors whose relative order
  changed are listed in ``moved`` (the numbers outside difflib's longest matching blocks
  of the two number sequences); moving alone is not a rewording.
- Guide questions and examples are lists without ids: difflib aligns them, so inserting
  one question gives one added question, not every following one "reworded". Inside a
  "replace" block old and new entries are paired by position, extra ones are removed or
  added. A removed entry is numbered as in the old version, the others as in the new.
- Sections match by ``key``, context factors by exact title. Those left over are paired
  by position when their titles are similar (difflib ratio >= 0.6) and count as
  "reworded"; the rest are removed and added.
- Texts are compared stripped: whitespace at the ends is not a change. ``Diff.old`` and
  ``Diff.new`` are the stripped texts, and ``Diff.words`` joins back to them.
"""

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

BenchmarkData = Mapping[str, Any]
Item = Mapping[str, Any]  # a section, key factor, context factor or example
WordOp = Literal["same", "removed", "added"]
Status = Literal["added", "removed", "reworded"]

SIMILAR_TITLE_RATIO = 0.6

STATUS_LABELS = {"added": _("added"), "removed": _("removed"), "reworded": _("reworded")}

HEADER_FIELDS = {
    "title": _("Title"),
    "version_label": _("Version label"),
    "source": _("Source"),
    "standard": _("Standard"),
    "rationale": _("Rationale"),
    "notes_on_terms": _("Notes on terms"),
    "coverage": _("Coverage"),
    "theme": _("Theme"),
}
EXAMPLE_FIELDS = {
    "text": _("Example %(n)s: text"),
    "city": _("Example %(n)s: city"),
    "link": _("Example %(n)s: link"),
}


def _interpolate(template: str, values: dict[str, Any]) -> str:
    return str(template) % values


# A label such as "Guide question 3" stays lazy: it is translated when displayed.
_interpolate_lazy = lazy(_interpolate, str)


@dataclass
class Diff:
    """One text field that changed; an empty ``old`` means added, an empty ``new`` removed."""

    field: str
    label: str | Promise
    old: str
    new: str
    words: list[tuple[WordOp, str]]


@dataclass
class ItemChange:
    """A section, key factor or context factor that was added, removed or reworded."""

    status: Status
    key: str
    title: str
    diffs: list[Diff] = field(default_factory=list)

    @property
    def status_label(self) -> str | Promise:
        return STATUS_LABELS[self.status]


@dataclass
class Comparison:
    header: list[Diff]
    sections: list[ItemChange]
    key_factors: list[ItemChange]
    context_factors: list[ItemChange]
    moved: list[str]

    @property
    def unchanged(self) -> bool:
        return not (self.header or self.sections or self.key_factors or self.context_factors or self.moved)

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "reworded": 0}
        for change in (*self.sections, *self.key_factors, *self.context_factors):
            counts[change.status] += 1
        return counts


def benchmark_compare(old: BenchmarkData, new: BenchmarkData) -> Comparison:
    """What was added, removed, reworded and moved from ``old`` to ``new``."""
    section_pairs, sections = _compare_sections(old["sections"], new["sections"])
    return Comparison(
        header=_present(_diff(key, label, old.get(key), new.get(key)) for key, label in HEADER_FIELDS.items()),
        sections=sections,
        key_factors=_compare_key_factors(old, new, section_pairs),
        context_factors=_compare_context_factors(old["context_factors"], new["context_factors"]),
        moved=_moved_numbers(old["key_factors"], new["key_factors"]),
    )


def word_diff(old: str, new: str) -> list[tuple[WordOp, str]]:
    """Word-level diff: joining "same" and "removed" gives ``old``, "same" and "added" ``new``.

    Whitespace is kept as tokens. A run of whitespace alone between two changes is folded
    into them, so "quick brown" -> "slow red" reads as one replacement, not two.
    """
    a, b = _tokens(old), _tokens(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    words: list[tuple[WordOp, str]] = []
    removed = added = ""  # the change being gathered, written out before the next "same"
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        same = "".join(a[i1:i2]) if tag == "equal" else ""
        # Opcodes alternate, so an "equal" that is not the last one has a change after it.
        between_changes = bool(removed or added) and index < len(opcodes) - 1
        if same and not (same.isspace() and between_changes):
            words += _change_words(removed, added) + [("same", same)]
            removed = added = ""
        else:
            removed += "".join(a[i1:i2])
            added += "".join(b[j1:j2])
    return words + _change_words(removed, added)


def _change_words(removed: str, added: str) -> list[tuple[WordOp, str]]:
    return ([("removed", removed)] if removed else []) + ([("added", added)] if added else [])


def _tokens(text: str) -> list[str]:
    return [token for token in re.split(r"(\s+)", text) if token]


def _diff(field_name: str, label: str | Promise, old: str | None, new: str | None) -> Diff | None:
    old, new = (old or "").strip(), (new or "").strip()
    if old == new:
        return None
    return Diff(field=field_name, label=label, old=old, new=new, words=word_diff(old, new))


def _present(diffs: Iterable[Diff | None]) -> list[Diff]:
    return [diff for diff in diffs if diff is not None]


def _changes_in_order(
    old: Sequence[Item],
    new: Sequence[Item],
    pairs: dict[int, int],
    key: Callable[[Item], str],
    describe: Callable[[Item, Item], list[Diff]],
) -> list[ItemChange]:
    """Changes ordered as in ``new``, removed ones after; ``pairs`` maps new index -> old index."""
    changes = []
    for j, item in enumerate(new):
        if j not in pairs:
            changes.append(ItemChange(status="added", key=key(item), title=item["title"]))
        elif diffs := describe(old[pairs[j]], item):
            changes.append(ItemChange(status="reworded", key=key(item), title=item["title"], diffs=diffs))
    paired = set(pairs.values())
    changes += [ItemChange(status="removed", key=key(item), title=item["title"]) for i, item in enumerate(old) if i not in paired]
    return changes


# Sections and context factors


def _pair_items(old: Sequence[Item], new: Sequence[Item], identity: Callable[[Item], str]) -> dict[int, int]:
    """New index -> old index: same identity first, then leftovers with similar titles."""
    unmatched: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        unmatched.setdefault(identity(item), []).append(i)
    pairs: dict[int, int] = {}
    for j, item in enumerate(new):
        if candidates := unmatched.get(identity(item)):
            pairs[j] = candidates.pop(0)
    paired = set(pairs.values())
    removed = [i for i in range(len(old)) if i not in paired]
    added = [j for j in range(len(new)) if j not in pairs]
    for i, j in zip(removed, added, strict=False):
        ratio = difflib.SequenceMatcher(None, old[i]["title"].strip(), new[j]["title"].strip(), autojunk=False).ratio()
        if ratio >= SIMILAR_TITLE_RATIO:
            pairs[j] = i
    return pairs


def _compare_sections(old: Sequence[Item], new: Sequence[Item]) -> tuple[dict[int, int], list[ItemChange]]:
    pairs = _pair_items(old, new, lambda section: section["key"])

    def describe(before: Item, after: Item) -> list[Diff]:
        return _present(
            [
                _diff("key", _("Key"), before["key"], after["key"]),
                _diff("title", _("Title"), before["title"], after["title"]),
            ]
        )

    return pairs, _changes_in_order(old, new, pairs, lambda section: section["key"], describe)


def _compare_context_factors(old: Sequence[Item], new: Sequence[Item]) -> list[ItemChange]:
    def title(factor: Item) -> str:
        return factor["title"].strip()

    def describe(before: Item, after: Item) -> list[Diff]:
        return _present(
            [
                _diff("title", _("Title"), before["title"], after["title"]),
                _diff("description", _("Description"), before["description"], after["description"]),
            ]
        )

    return _changes_in_order(old, new, _pair_items(old, new, title), title, describe)


# Key factors


def _compare_key_factors(old: BenchmarkData, new: BenchmarkData, section_pairs: dict[int, int]) -> list[ItemChange]:
    old_factors, new_factors = old["key_factors"], new["key_factors"]
    old_index = {factor["number"]: i for i, factor in enumerate(old_factors)}
    pairs = {j: old_index[factor["number"]] for j, factor in enumerate(new_factors) if factor["number"] in old_index}
    # A key factor whose section was only renamed (re-keyed) has not changed section.
    new_key_of = {old["sections"][i]["key"]: new["sections"][j]["key"] for j, i in section_pairs.items()}
    old_titles = {section["key"]: section["title"] for section in old["sections"]}
    new_titles = {section["key"]: section["title"] for section in new["sections"]}

    def describe(before: Item, after: Item) -> list[Diff]:
        diffs = _present([_diff("title", _("Title"), before["title"], after["title"])])
        before_section, after_section = before.get("section"), after.get("section")
        if new_key_of.get(before_section, before_section) != after_section:
            # Shown by title, which the coordinator knows; no section is "".
            old_text = old_titles.get(before_section, before_section or "")
            new_text = new_titles.get(after_section, after_section or "")
            diffs.append(Diff("section", _("Section"), old_text, new_text, word_diff(old_text, new_text)))
        diffs += _present(
            [
                _diff("statement", _("Statement"), before["statement"], after["statement"]),
                _diff("rationale", _("Rationale"), before["rationale"], after["rationale"]),
            ]
        )
        diffs += _list_diffs(before["guide_questions"], after["guide_questions"], str.strip, _question_diffs)
        diffs += _present([_diff("practical_tips", _("Practical tips"), before["practical_tips"], after["practical_tips"])])
        diffs += _list_diffs(before["examples"], after["examples"], _example_identity, _example_diffs)
        return diffs

    return _changes_in_order(old_factors, new_factors, pairs, lambda factor: factor["number"], describe)


def _moved_numbers(old_factors: Sequence[Item], new_factors: Sequence[Item]) -> list[str]:
    old_numbers = [factor["number"] for factor in old_factors]
    new_numbers = [factor["number"] for factor in new_factors]
    common = set(old_numbers) & set(new_numbers)
    a = [number for number in old_numbers if number in common]
    b = [number for number in new_numbers if number in common]
    in_place = {
        number
        for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        for number in b[block.b : block.b + block.size]
    }
    return [number for number in b if number not in in_place]


def _list_diffs(
    old: Sequence[Any],
    new: Sequence[Any],
    identity: Callable[[Any], Any],
    describe: Callable[[int, Any, Any], list[Diff]],
) -> list[Diff]:
    """Diffs of a list without ids: difflib aligns it, a "replace" block pairs by position.

    ``describe(index, old_entry, new_entry)`` gets ``None`` for the missing side; the
    index is the new one, or the old one for a removed entry.
    """
    matcher = difflib.SequenceMatcher(None, [identity(e) for e in old], [identity(e) for e in new], autojunk=False)
    diffs: list[Diff] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            if i < i2 and j < j2:
                diffs += describe(j, old[i], new[j])
            elif i < i2:
                diffs += describe(i, old[i], None)
            else:
                diffs += describe(j, None, new[j])
    return diffs


def _question_diffs(index: int, old: str | None, new: str | None) -> list[Diff]:
    label = _interpolate_lazy(_("Guide question %(n)s"), {"n": index + 1})
    return _present([_diff(f"guide_questions[{index}]", label, old, new)])


def _example_identity(example: Mapping[str, str]) -> tuple[str, ...]:
    return tuple((example.get(key) or "").strip() for key in EXAMPLE_FIELDS)


def _example_diffs(index: int, old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> list[Diff]:
    return _present(
        _diff(
            f"examples[{index}].{key}",
            _interpolate_lazy(label, {"n": index + 1}),
            (old or {}).get(key),
            (new or {}).get(key),
        )
        for key, label in EXAMPLE_FIELDS.items()
    )
