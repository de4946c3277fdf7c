"""A benchmark version's translations in the JSON exchange (fixtures/FORMATS.md) and on
its pages (mentoring.translations has the rules).

In a file, translations sit in one optional block, by language, then by the key people use
for each part (a section's key, a key factor's number, a context factor's place in the
list):

    "translations": {
      "it": {
        "unofficial": true,
        "title": "…", "standard": "…", "rationale": "…", "notes_on_terms": "…", "coverage": "…",
        "sections": {"core": {"title": "…"}},
        "key_factors": {"1": {"title": "…", "statement": "…", "rationale": "…",
                               "practical_tips": "…", "guide_questions": ["…", "…"]}},
        "context_factors": [{"title": "…", "description": "…"}]
      }
    }

Every part is optional. A key factor number or section key the benchmark does not have, a
list of guide questions or context factors longer than the original's, an unknown language
code, markup, text far longer than its original or in the wrong direction: each is one
line of the errors, and nothing is imported.
"""

from django.utils.translation import gettext as _

from mentoring.translations import UNOFFICIAL, check_block, check_translation, language_codes

VERSION_FIELDS = ("title", "standard", "rationale", "notes_on_terms", "coverage")
KEY_FACTOR_FIELDS = ("title", "statement", "rationale", "practical_tips")
CONTEXT_FACTOR_FIELDS = ("title", "description")


def translations_validate(data):
    """Every problem of the ``translations`` block of benchmark ``data`` (already valid
    otherwise), as "path: message" lines."""
    block = data.get("translations", {})
    if not isinstance(block, dict):
        return ["translations: " + _("must be an object")]
    errors = []
    codes = language_codes()
    sections = {s["key"]: s for s in data["sections"]}
    key_factors = {kf["number"]: kf for kf in data["key_factors"]}
    for code, language in block.items():
        path = f"translations.{code}"
        if code not in codes:
            errors.append(f"{path}: " + _("“%(code)s” is not a language code this application knows") % {"code": code})
            continue
        if not isinstance(language, dict):
            errors.append(f"{path}: " + _("must be an object"))
            continue
        top = {key: value for key, value in language.items() if key in VERSION_FIELDS}
        check_block(errors, code, path, top, data, VERSION_FIELDS)
        unknown = set(language) - {*VERSION_FIELDS, UNOFFICIAL, "sections", "key_factors", "context_factors"}
        for key in sorted(unknown):
            errors.append(f"{path}.{key}: " + _("is not a part that can be translated"))
        for key, section in (language.get("sections") or {}).items():
            if key not in sections:
                errors.append(f"{path}.sections.{key}: " + _("names no section of this benchmark"))
                continue
            check_block(errors, code, f"{path}.sections.{key}", section, sections[key], ("title",))
        for number, kf in (language.get("key_factors") or {}).items():
            where = f"{path}.key_factors.{number}"
            if number not in key_factors:
                errors.append(f"{where}: " + _("names no key factor of this benchmark"))
                continue
            if not isinstance(kf, dict):
                errors.append(f"{where}: " + _("must be an object"))
                continue
            original = key_factors[number]
            fields = {key: value for key, value in kf.items() if key != "guide_questions"}
            check_block(errors, code, where, fields, original, KEY_FACTOR_FIELDS)
            questions = kf.get("guide_questions", [])
            if not isinstance(questions, list) or len(questions) > len(original["guide_questions"]):
                errors.append(
                    f"{where}.guide_questions: "
                    + _("must be a list of at most %(count)s texts, one per guide question of the original")
                    % {"count": len(original["guide_questions"])}
                )
                continue
            for i, (text, source) in enumerate(zip(questions, original["guide_questions"], strict=False)):
                for problem in check_translation(code, source, text) if text else []:
                    errors.append(f"{where}.guide_questions[{i}]: {problem}")
        factors = language.get("context_factors") or []
        if not isinstance(factors, list) or len(factors) > len(data["context_factors"]):
            errors.append(
                f"{path}.context_factors: "
                + _("must be a list of at most %(count)s entries, one per context factor of the original")
                % {"count": len(data["context_factors"])}
            )
            continue
        for i, (factor, source) in enumerate(zip(factors, data["context_factors"], strict=False)):
            check_block(errors, code, f"{path}.context_factors[{i}]", factor, source, CONTEXT_FACTOR_FIELDS)
    return errors


def translations_apply(version, block):
    """Store the (valid) ``translations`` block of a file on the version just imported
    and its parts; the originals are as imported, so no translation is outdated."""
    if not block:
        return
    sections = {s.key: s for s in version.sections.all()}
    key_factors = {kf.number: kf for kf in version.key_factors.prefetch_related("guide_questions")}
    context_factors = list(version.context_factors.order_by("order"))
    changed = {}
    for code, language in block.items():
        unofficial = bool(language.get(UNOFFICIAL))
        version.translation_set(code, {k: language[k] for k in VERSION_FIELDS if k in language}, unofficial=unofficial)
        changed[version.pk, type(version)] = version
        for key, section in (language.get("sections") or {}).items():
            sections[key].translation_set(code, section)
            changed[sections[key].pk, type(sections[key])] = sections[key]
        for number, kf in (language.get("key_factors") or {}).items():
            key_factor = key_factors[number]
            key_factor.translation_set(code, {k: v for k, v in kf.items() if k in KEY_FACTOR_FIELDS})
            changed[key_factor.pk, type(key_factor)] = key_factor
            for question, text in zip(key_factor.guide_questions.all(), kf.get("guide_questions", []), strict=False):
                question.translation_set(code, {"text": text})
                changed[question.pk, type(question)] = question
        for factor, values in zip(context_factors, language.get("context_factors") or [], strict=False):
            factor.translation_set(code, values)
            changed[factor.pk, type(factor)] = factor
    for obj in changed.values():
        obj.save(update_fields=["translations"])


def translations_export(version, key_factors, context_factors):
    """The ``translations`` block of a version's file ({} when it has none)."""
    block = {}

    def language(code):
        return block.setdefault(code, {})

    for code in version.translations or {}:
        found = version.translation(code)
        if found or version.translations[code].get(UNOFFICIAL):
            entry = language(code)
            if version.translations[code].get(UNOFFICIAL):
                entry[UNOFFICIAL] = True
            entry.update({k: found[k] for k in VERSION_FIELDS if k in found})
    for section in version.sections.order_by("order"):
        for code in section.translations or {}:
            if section.translation(code):
                language(code).setdefault("sections", {})[section.key] = section.translation(code)
    for kf in key_factors:
        codes = set(kf.translations or {}) | {code for q in kf.guide_questions.all() for code in (q.translations or {})}
        for code in sorted(codes):
            entry = dict(kf.translation(code))
            questions = [q.translation(code).get("text", "") for q in kf.guide_questions.all()]
            if any(questions):
                entry["guide_questions"] = questions
            if entry:
                language(code).setdefault("key_factors", {})[kf.number] = entry
    codes = {code for factor in context_factors for code in (factor.translations or {})}
    for code in sorted(codes):
        factors = [factor.translation(code) for factor in context_factors]
        if any(factors):
            language(code)["context_factors"] = factors
    return block
