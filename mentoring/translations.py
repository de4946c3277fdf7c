"""Translations of what programmes write once and many read: a questionnaire template's
sections, questions, help texts and choices, and a benchmark's titles, standard,
rationale, key factors, guide questions, tips and context factors (issue 24).

Stored beside the original, in a ``translations`` field of each object (``Translatable``):

    {"it": {"title": "…", "statement": "…", "source": "3f2a…"}}

- **The original stays the reference.** It is what a version compares, what history
  restores and what a reader can always open ("Show the original"). A translation is shown
  only to a reader whose interface language it is, marked as a translation.
- **A translation knows what it translated.** ``source`` is a fingerprint of the original
  fields when the translation was written; after the original is edited the fingerprint
  differs, and the translation is *outdated*: still shown (better than nothing, and
  marked so), flagged to the editors on the translations page.
- **Checked like the original, and more.** Plain text only (no markup), no longer than the
  field allows and than twice the original plus a little, placeholders of the original kept,
  no right-to-left text in a language written left to right (nor any of the invisible
  characters that reverse a line), a language Django knows.

A whole translation (a top-level object's ``translations[code]``) may be marked
``"unofficial": true``, as the seed translations are: readers see "unofficial translation".
"""

import hashlib
import re
import unicodedata

from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _

# The language the reference texts are written in (the seeds are English).
ORIGINAL_LANGUAGE = "en"
SOURCE = "source"
UNOFFICIAL = "unofficial"
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
# Bidirectional controls that reverse or isolate a run of text: never in a translation.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u061c")
ABSOLUTE_MAX = 20_000


def language_codes():
    """The language codes a translation may have: every language Django knows, by the
    code it is offered under (``pt-br``), except the originals' own."""
    return {code for code, info in LANG_INFO.items() if "name" in info and code != ORIGINAL_LANGUAGE}


def language_name(code):
    """A language's name in that language ("italiano"), for labels and switchers."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def _is_bidi(code):
    return bool(LANG_INFO.get(code, {}).get("bidi"))


class Translatable(models.Model):
    """An object whose ``translatable_fields`` may carry a translation per language."""

    translatable_fields = ()

    translations = models.JSONField(gettext_lazy("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def source_fingerprint(self):
        """A short fingerprint of the original fields a translation translates."""
        text = "\x1f".join(_as_text(getattr(self, name)) for name in self.translatable_fields)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def translation(self, code):
        """This object's translation into ``code`` ({field: text}), or {}."""
        found = (self.translations or {}).get(code) or {}
        return {name: value for name, value in found.items() if name in self.translatable_fields and value}

    def translation_outdated(self, code):
        """Whether the translation into ``code`` was written for an older original."""
        found = (self.translations or {}).get(code) or {}
        return bool(self.translation(code)) and found.get(SOURCE) != self.source_fingerprint()

    def translation_set(self, code, values, *, unofficial=None):
        """Set (in memory) the translation into ``code`` to ``values`` ({field: text};
        empty values dropped), for the original as it is now."""
        kept = {name: value for name, value in values.items() if name in self.translatable_fields and value}
        translations = dict(self.translations or {})
        previous = translations.get(code) or {}
        mark = previous.get(UNOFFICIAL, False) if unofficial is None else unofficial
        if kept or mark:
            # A whole translation marked unofficial keeps its mark, even where this
            # object's own texts are not translated.
            translations[code] = {**kept, SOURCE: self.source_fingerprint(), **({UNOFFICIAL: True} if mark else {})}
        else:
            translations.pop(code, None)
        self.translations = translations

    def show_in(self, code):
        """Put the translation into ``code`` in place of the original fields, in memory
        (nothing is saved): ``originals`` keeps the original text of each field replaced,
        ``shown_language`` says in which language it is shown (None: the original)."""
        self.originals = {}
        self.shown_language = None
        self.shown_outdated = False
        if not code or code == ORIGINAL_LANGUAGE:
            return self
        found = self.translation(code)
        if found:
            self.shown_language = code
            self.shown_outdated = self.translation_outdated(code)
        for name, value in found.items():
            self.originals[name] = getattr(self, name)
            setattr(self, name, value)
        return self


def _as_text(value):
    if isinstance(value, (list, tuple)):
        return "\x1e".join(_as_text(item) for item in value)
    if isinstance(value, dict):
        return "\x1e".join(f"{key}={_as_text(item)}" for key, item in sorted(value.items()))
    return "" if value is None else str(value)


def reader_language(request=None):
    """The language a reader sees translations in: the interface's, unless the page was
    asked for with ``?original=1`` (the original, one click away). None: the original."""
    if request is not None and request.GET.get("original"):
        return None
    code = get_language()
    return None if not code or code == ORIGINAL_LANGUAGE else code


def show_all_in(objects, code):
    """``show_in(code)`` on each object; returns (the language shown or None, whether any
    shown is outdated, whether the whole is marked unofficial) for the page's notice."""
    shown = outdated = unofficial = False
    for obj in objects:
        obj.show_in(code)
        if obj.shown_language:
            shown = True
            outdated = outdated or obj.shown_outdated
            unofficial = unofficial or bool((obj.translations or {}).get(code, {}).get(UNOFFICIAL))
    return (code if shown else None), outdated, unofficial


def check_translation(code, original, value, *, max_length=None):
    """Problems of translating ``original`` as ``value`` into ``code``, as messages; []
    when it may be saved."""
    problems = []
    if not isinstance(value, str):
        return [_("must be text")]
    if code not in language_codes():
        problems.append(_("“%(code)s” is not a language code this application knows") % {"code": code})
    limit = min(ABSOLUTE_MAX, max_length or ABSOLUTE_MAX, 2 * len(original or "") + 200)
    if len(value) > limit:
        problems.append(
            _("is too long (%(length)s characters, at most %(max)s for this text)") % {"length": len(value), "max": limit}
        )
    if TAG_RE.search(value):
        problems.append(_("contains HTML markup (such as <b>); translations are plain text"))
    if "\x00" in value:
        problems.append(_("contains a NUL character (code 0), which cannot be stored"))
    if sorted(PLACEHOLDER_RE.findall(original or "")) != sorted(PLACEHOLDER_RE.findall(value)):
        problems.append(
            _("must keep the placeholders of the original exactly (%(placeholders)s)")
            % {"placeholders": ", ".join(PLACEHOLDER_RE.findall(original or "")) or _("none")}
        )
    if any(char in BIDI_CONTROLS for char in value):
        problems.append(_("contains invisible characters that reverse the direction of the text"))
    elif not _is_bidi(code) and any(unicodedata.bidirectional(char) in ("R", "AL") for char in value):
        problems.append(
            _("contains right-to-left text, which %(language)s is not written in") % {"language": language_name(code)}
        )
    return problems


def show_objects_in(objects, *, original=False):
    """Show ``objects`` in the reader's language where a translation exists (in memory),
    unless the reader asked for the original (``?original=1``); return the page's notice: None
    when none of them has a translation in the reader's language, else {language,
    outdated, unofficial, original}."""
    code = get_language()
    if not code or code == ORIGINAL_LANGUAGE:
        return None
    objects = list(objects)
    if not any(obj.translation(code) for obj in objects):
        return None
    shown, outdated, unofficial = show_all_in(objects, None if original else code)
    if original:
        unofficial = any((obj.translations or {}).get(code, {}).get(UNOFFICIAL) for obj in objects)
    return {
        "language": code,
        "language_name": language_name(code),
        "outdated": outdated,
        "unofficial": unofficial,
        "original": original,
    }


def check_block(errors, code, path, block, originals, allowed):
    """Append to ``errors`` ("path.field: problem") what is wrong with ``block`` ({field:
    text}), a file's translation of ``originals`` ({field: original text}) into ``code``,
    where only the fields ``allowed`` may be translated (a title at most 300 characters)."""
    if not isinstance(block, dict):
        errors.append(f"{path}: " + _("must be an object"))
        return
    for name, value in block.items():
        if name not in allowed:
            errors.append(f"{path}.{name}: " + _("is not a part that can be translated"))
            continue
        limit = 300 if name == "title" else None
        for problem in check_translation(code, originals.get(name, ""), value, max_length=limit):
            errors.append(f"{path}.{name}: {problem}")


# -- Editing ---------------------------------------------------------------------------


class Entry:
    """One object on a translations page: a heading ("Key factor 3"), and for each of
    its translatable fields the original and the field's label."""

    def __init__(self, obj, heading, fields):
        self.obj = obj
        self.heading = heading
        # (field name, label, original text, max length); choices: one row per choice.
        self.fields = fields
        self.key = f"{obj._meta.model_name}-{obj.pk}"


def translations_state(entries, code):
    """A fingerprint of the translations into ``code`` of ``entries``' objects as they
    are now: what an editor saw, so that a save over someone else's is detected."""
    text = "\x1d".join(f"{entry.key}:{_as_text((entry.obj.translations or {}).get(code, {}))}" for entry in entries)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
