"""Questionnaire templates in from JSON (fixtures/templates, format
"mentoring-questionnaire/1", described in fixtures/FORMATS.md)."""

from django.db import transaction
from django.db.models import Max

from ..models import FilledBy, Question, QuestionKind, QuestionnaireTemplate, TemplateKind, TemplateSection

FORMAT = "mentoring-questionnaire/1"


class TemplateFormatError(ValueError):
    pass


def _check(data):
    errors = []
    if data.get("format") != FORMAT:
        errors.append(f"format: must be {FORMAT}")
    if data.get("kind") not in TemplateKind.values:
        errors.append(f"kind: {data.get('kind')!r} is not one of {', '.join(TemplateKind.values)}")
    for i, section in enumerate(data.get("sections", [])):
        if section.get("filled_by") not in FilledBy.values:
            errors.append(f"sections[{i}].filled_by: {section.get('filled_by')!r} is not one of {', '.join(FilledBy.values)}")
        for j, question in enumerate(section.get("questions", [])):
            if question.get("kind") not in QuestionKind.values:
                errors.append(f"sections[{i}].questions[{j}].kind: {question.get('kind')!r} is unknown")
            if question.get("kind") == QuestionKind.CHOICE and not question.get("choices"):
                errors.append(f"sections[{i}].questions[{j}].choices: a choice question needs choices")
    if errors:
        raise TemplateFormatError("\n".join(errors))


@transaction.atomic
def template_import(*, data, programme=None):
    """Create a new version of the template ``data`` describes (for ``programme``, or
    the standard one when None) and return it."""
    _check(data)
    existing = QuestionnaireTemplate.objects.filter(slug=data["slug"], programme=programme)
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    template = QuestionnaireTemplate.objects.create(
        slug=data["slug"],
        kind=data["kind"],
        title=data["title"],
        annex=data.get("annex", ""),
        introduction=data.get("introduction", ""),
        programme=programme,
        version=version,
    )
    for s_order, section in enumerate(data["sections"]):
        template_section = TemplateSection.objects.create(
            template=template,
            key=section["key"],
            order=s_order,
            title=section["title"],
            introduction=section.get("introduction", ""),
            filled_by=section["filled_by"],
            repeating=section.get("repeating", False),
            max_rows=section.get("max_rows"),
        )
        for q_order, question in enumerate(section["questions"]):
            Question.objects.create(
                section=template_section,
                key=question["key"],
                order=q_order,
                group=question.get("group", ""),
                text=question["text"],
                help_text=question.get("help_text", ""),
                kind=question["kind"],
                required=question.get("required", True),
                unit=question.get("unit", ""),
                choices=question.get("choices", []),
            )
    return template
