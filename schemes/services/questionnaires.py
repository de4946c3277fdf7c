"""Questionnaire templates: in from JSON (fixtures/templates, format
"mentoring-questionnaire/1", described in fixtures/FORMATS.md), and adapted by a
programme's coordinators.

Adapting never touches answers already given. A programme's adaptation is a copy of the
template (sections and questions are new rows; answers point at the questions they
answered). A version is edited in place only while no document uses it; once one does,
the coordinator starts the next version, which new documents then use, while documents
begun on an earlier version keep it.

The annexes whose forms are model forms (Annex 4 good practice, Annex 5 local support
network, Annex 6 action plan: services/annex_wording.py) are adapted for their wording
only: questions, help, section titles and guidance. Their questions are the fields of
those forms, so none is added, hidden (the editor's removal), moved or re-keyed: a new
question would have nowhere to keep its answers, and a removed one would leave a field
unworded. No document answers these templates (the rows are the model's), so the
programme's copy is edited in place, with its history, and every form shows it at once.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action
from mentoring.history import move_in_order

from ..models import FilledBy, Question, QuestionKind, QuestionnaireTemplate, TemplateKind, TemplateSection
from .annex_wording import FIELDS, SECTIONS
from .template_translations import template_translations_apply, template_translations_validate

# The kinds a programme adapts in its template editor: the two the questionnaire engine
# fills, and the three annexes whose own pages take their wording from the template.
ADAPTABLE_KINDS = (
    TemplateKind.NEEDS_ANALYSIS,
    TemplateKind.STRENGTHS,
    TemplateKind.GOOD_PRACTICE,
    TemplateKind.LOCAL_SUPPORT_GROUP,
    TemplateKind.ACTION_PLAN,
)
# Of these, the annexes whose questions are a model form's fields: wording only.
WORDING_ONLY_KINDS = tuple(FIELDS)

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
    if not errors:
        errors.extend(template_translations_validate(data))
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
    template_translations_apply(template, data.get("translations"))
    return template


class TemplateInUse(Exception):
    """This version is used by documents (or is not the programme's newest): start a
    new version to change it."""


def template_editable(template, programme):
    """True when ``template`` is ``programme``'s newest version and no document uses it."""
    if template.programme_id != programme.pk:
        return False
    newest = QuestionnaireTemplate.objects.filter(programme=programme, slug=template.slug).aggregate(v=Max("version"))["v"]
    return template.version == newest and not template.responses.exists()


@transaction.atomic
def template_adapt(*, template, programme, actor=None):
    """A new version of ``programme``'s own copy of ``template`` (a standard template or
    one of the programme's versions): sections and questions copied, nothing else touched.
    ``actor``: who adapts it (None: the application, loading data)."""
    latest = QuestionnaireTemplate.objects.filter(programme=programme, slug=template.slug).aggregate(v=Max("version"))["v"]
    copy = QuestionnaireTemplate.objects.create(
        slug=template.slug,
        kind=template.kind,
        title=template.title,
        annex=template.annex,
        introduction=template.introduction,
        translations=template.translations,
        programme=programme,
        based_on=(template.based_on or template) if template.programme_id else template,
        version=(latest or 0) + 1,
    )
    for section in template.sections.prefetch_related("questions").order_by("order"):
        questions = list(section.questions.all())
        section.pk, section.id, section.template = None, None, copy
        section._change_reason = _("Copied from version %(version)s") % {"version": template.version}
        section.save()
        for question in questions:
            question.pk, question.id, question.section = None, None, section
            question.save()
    log_action(actor=actor, action="template.adapted", obj=copy, programme=programme, data={"version": copy.version})
    return copy


def _require_editable(template, programme):
    if not template_editable(template, programme):
        raise TemplateInUse


class FixedQuestion(Exception):
    """A change an annex template refuses: its questions are a form's fields."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def wording_only(template):
    """True when only the wording of ``template`` may be adapted (Annexes 4, 5, 6)."""
    return template.kind in WORDING_ONLY_KINDS


def mapped_field(template, section, question):
    """The model field ``question`` of an annex template fills ("" when none)."""
    if template.kind not in FIELDS or section.key != SECTIONS[template.kind]:
        return ""
    return FIELDS[template.kind].get(question.key, "")


def _document(template):
    return str(TemplateKind(template.kind).label)


# What cannot be done to a question that fills a form's field, each a whole sentence (so
# that no language has to fit a fragment into another sentence).
FIXED_REFUSALS = {
    "key": gettext_lazy(
        "“%(question)s” fills a field of the form “%(document)s”: its key and its kind of answer stay as they are. "
        "Only its wording (the question and its help) changes."
    ),
    "move": gettext_lazy(
        "“%(question)s” fills a field of the form “%(document)s”: it cannot be moved, since the form's fields keep "
        "their order. Only its wording (the question and its help) changes."
    ),
    "remove": gettext_lazy(
        "“%(question)s” fills a field of the form “%(document)s”: it cannot be removed or hidden. "
        "Only its wording (the question and its help) changes."
    ),
}


def refuse_fixed(template, question=None, what="key"):
    """Raise ``FixedQuestion`` when ``template`` is wording only: adding a question
    (``question`` None) or changing ``question`` as ``what`` says ("key", "move",
    "remove")."""
    if not wording_only(template):
        return
    if question is None:
        raise FixedQuestion(
            _(
                "The questions of “%(template)s” are the fields of the form “%(document)s”: a new question would have "
                "nowhere to keep its answers. Reword the questions that are there instead."
            )
            % {"template": template.title, "document": _document(template)}
        )
    raise FixedQuestion(FIXED_REFUSALS[what] % {"question": question.text, "document": _document(template)})


@transaction.atomic
def question_save(*, form, template, programme, actor, section=None):
    """Save a new question at the end of ``section`` or an edited one."""
    template = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
    _require_editable(template, programme)
    question = form.instance
    if question.pk is None:
        refuse_fixed(template, None)
    elif wording_only(template):
        # Only the wording: the key, the kind of answer and whether it is asked are the form's.
        stored = Question.objects.get(pk=question.pk)
        if (question.key, question.kind, question.hidden, question.section_id) != (
            stored.key,
            stored.kind,
            stored.hidden,
            stored.section_id,
        ):
            refuse_fixed(template, stored, "key")
    if question.pk is None:
        question.section = section
        question.order = (section.questions.aggregate(last=Max("order"))["last"] or 0) + 1
        base = slugify(question.text)[:50] or "question"
        taken = set(section.questions.values_list("key", flat=True))
        key, number = base, 2
        while key in taken:
            key, number = f"{base}-{number}", number + 1
        question.key = key
        question._change_reason = gettext_lazy("Added")
    action = "question.added" if question.pk is None else "question.changed"
    form.save()
    log_action(
        actor=actor,
        action=action,
        obj=question,
        programme=programme,
        label=question.text,
        data={"template": template.pk, "section": question.section.key},
    )
    return question


@transaction.atomic
def question_move(*, question, template, programme, up, actor):
    """Swap ``question`` with its neighbour above (``up``) or below."""
    template = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
    _require_editable(template, programme)
    refuse_fixed(template, question, "move")
    moved = move_in_order(question.section.questions.order_by("order", "pk"), question, up=up)
    if moved:
        log_action(
            actor=actor,
            action="question.moved",
            obj=question,
            programme=programme,
            label=question.text,
            data={"template": template.pk},
        )
    return moved


@transaction.atomic
def question_hide(*, question, template, programme, hidden, actor):
    template = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
    _require_editable(template, programme)
    refuse_fixed(template, question, "remove")
    if question.hidden != hidden:
        question.hidden = hidden
        question._change_reason = gettext_lazy("Hidden") if hidden else gettext_lazy("Shown again")
        question.save()
        log_action(
            actor=actor,
            action="question.hidden" if hidden else "question.shown",
            obj=question,
            programme=programme,
            label=question.text,
            data={"template": template.pk},
        )


@transaction.atomic
def template_wording_save(*, form, template, programme, actor):
    """Save the title and guidance (introduction) of ``programme``'s version ``template``."""
    locked = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
    _require_editable(locked, programme)
    saved = form.save(commit=False)
    saved._change_reason = gettext_lazy("Reworded")
    saved.save()
    log_action(actor=actor, action="template.reworded", obj=saved, programme=programme, label=saved.title)
    return saved


@transaction.atomic
def section_save(*, form, template, programme, actor):
    """Save the title and guidance (introduction) of a section of ``template``."""
    locked = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
    _require_editable(locked, programme)
    section = form.save(commit=False)
    section._change_reason = gettext_lazy("Reworded")
    section.save()
    log_action(
        actor=actor,
        action="section.reworded",
        obj=section,
        programme=programme,
        label=section.title,
        data={"template": template.pk, "section": section.key},
    )
    return section
