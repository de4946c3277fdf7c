"""A questionnaire template's translations: in its JSON file (fixtures/FORMATS.md) and on
the pages that show it (the rules are in mentoring.translations).

In a file, one optional block, by language, then by section key and question key:

    "translations": {
      "it": {
        "unofficial": true,
        "title": "…", "introduction": "…",
        "sections": {
          "mentee-needs": {
            "title": "…", "introduction": "…",
            "questions": {"challenge": {"text": "…", "help_text": "…", "group": "…",
                                        "choices": {"ngo": "ONG o organismo della società civile"}}}
          }
        }
      }
    }
"""

from django.utils.translation import gettext as _

from mentoring.translations import UNOFFICIAL, check_block, check_translation, language_codes, show_objects_in

TEMPLATE_FIELDS = ("title", "introduction")
SECTION_FIELDS = ("title", "introduction")
QUESTION_FIELDS = ("group", "text", "help_text")


def template_translations_validate(data):
    """Every problem of the ``translations`` block of template ``data``, as lines."""
    block = data.get("translations", {})
    if not isinstance(block, dict):
        return ["translations: " + _("must be an object")]
    errors = []
    sections = {section["key"]: section for section in data.get("sections", [])}
    for code, language in block.items():
        path = f"translations.{code}"
        if code not in language_codes():
            errors.append(f"{path}: " + _("“%(code)s” is not a language code this application knows") % {"code": code})
            continue
        if not isinstance(language, dict):
            errors.append(f"{path}: " + _("must be an object"))
            continue
        top = {key: value for key, value in language.items() if key not in (UNOFFICIAL, "sections")}
        check_block(errors, code, path, top, data, TEMPLATE_FIELDS)
        for key, section in (language.get("sections") or {}).items():
            where = f"{path}.sections.{key}"
            if key not in sections:
                errors.append(f"{where}: " + _("names no section of this template"))
                continue
            if not isinstance(section, dict):
                errors.append(f"{where}: " + _("must be an object"))
                continue
            original = sections[key]
            check_block(errors, code, where, {k: v for k, v in section.items() if k != "questions"}, original, SECTION_FIELDS)
            questions = {question["key"]: question for question in original.get("questions", [])}
            for qkey, question in (section.get("questions") or {}).items():
                qwhere = f"{where}.questions.{qkey}"
                if qkey not in questions:
                    errors.append(f"{qwhere}: " + _("names no question of this section"))
                    continue
                if not isinstance(question, dict):
                    errors.append(f"{qwhere}: " + _("must be an object"))
                    continue
                source = questions[qkey]
                check_block(errors, code, qwhere, {k: v for k, v in question.items() if k != "choices"}, source, QUESTION_FIELDS)
                labels = {choice["value"]: choice["label"] for choice in source.get("choices", [])}
                for value, label in (question.get("choices") or {}).items():
                    if value not in labels:
                        errors.append(f"{qwhere}.choices.{value}: " + _("names no choice of this question"))
                        continue
                    for problem in check_translation(code, labels[value], label, max_length=200):
                        errors.append(f"{qwhere}.choices.{value}: {problem}")
    return errors


def template_translations_apply(template, block):
    """Store the (valid) ``translations`` block on the template just imported."""
    if not block:
        return
    sections = {section.key: section for section in template.sections.prefetch_related("questions")}
    changed = {}
    for code, language in block.items():
        template.translation_set(
            code, {k: language[k] for k in TEMPLATE_FIELDS if k in language}, unofficial=bool(language.get(UNOFFICIAL))
        )
        changed[template.pk, "t"] = template
        for key, values in (language.get("sections") or {}).items():
            section = sections[key]
            section.translation_set(code, {k: v for k, v in values.items() if k in SECTION_FIELDS})
            changed[section.pk, "s"] = section
            questions = {question.key: question for question in section.questions.all()}
            for qkey, qvalues in (values.get("questions") or {}).items():
                question = questions[qkey]
                question.translation_set(code, {k: v for k, v in qvalues.items() if k in (*QUESTION_FIELDS, "choices")})
                changed[question.pk, "q"] = question
    for obj in changed.values():
        obj.save(update_fields=["translations"])


def show_template_in(template, sections, *, original=False):
    """Show ``template`` and its ``sections`` (questions prefetched) in the reader's
    language where a translation exists (in memory); return the notice for the page: None
    when there is no translation in the reader's language, else {language, outdated,
    unofficial, original (the reader asked for the original: nothing is replaced)}."""
    objects = [template] if template is not None else []
    for section in sections:
        objects.append(section)
        objects.extend(section.questions.all())
    return show_objects_in(objects, original=original)
