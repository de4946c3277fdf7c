"""The annexes as the guide words them: the forms that fill Annexes 4, 5 and 6 (a good
practice, the members of a local support network, the actions of an action plan) are
model forms, but their labels and help texts are the template's own prompts, read from
the programme's version of the template (its adapted copy if it has one, else the
reference template of fixtures/templates, the same data the blank printable forms use).

And the generic templates were written for IncluCities ("... that might be relevant for
IncluCities?"): shown in another programme, they say that programme's name instead. The
rule lives here, once (``programme_wording``), and is applied wherever a template's
wording is shown: these forms, the questionnaire engine's documents and the blank forms.
"""

from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils.html import escape

from mentoring.translations import reader_language

from ..models import Question, TemplateKind

# The programme the reference templates were written for.
GENERIC_NAME = "IncluCities"

# Question key in the template -> model field it fills, per annex. The keys are the
# fixtures' own (fixtures/templates/*.json); a programme's adapted copy keeps them.
FIELDS = {
    # Annex 4, fixtures/templates/good-practice.json -> GoodPractice
    TemplateKind.GOOD_PRACTICE: {
        "title": "title",
        "where": "where",
        "lead-agencies": "lead_agencies",
        "context": "context",
        "description": "description",
        "resources": "resources",
        "results": "results",
        "success-factors": "success_factors",
        "risks": "risks",
        "transferability": "transferability",
        "contact": "contact",
        "further-information": "further_information",
    },
    # Annex 5, fixtures/templates/local-support-group.json -> LocalSupportGroupMember
    TemplateKind.LOCAL_SUPPORT_GROUP: {
        "name": "name",
        "organisation": "organisation",
        "stakeholder-type": "stakeholder_type",
        "role": "role",
        "email": "email",
        "phone": "phone",
    },
    # Annex 6, fixtures/templates/action-plan.json (section "actions") -> Action
    TemplateKind.ACTION_PLAN: {
        "actions": "action",
        "outcomes": "outcomes",
        "timeframe": "timeframe",
        "lead": "lead",
        "resources": "resources",
        "evaluation": "evaluation",
    },
}

# The section of the template whose questions are the model's fields (Annex 6 also has
# a header section: title, mentee, mentor, date/version, which the plan itself holds).
SECTIONS = {
    TemplateKind.GOOD_PRACTICE: "good-practice",
    TemplateKind.LOCAL_SUPPORT_GROUP: "members",
    TemplateKind.ACTION_PLAN: "actions",
}


def programme_wording(text, programme):
    """``text`` of a template as ``programme`` shows it: its own name where the generic
    wording says “IncluCities”."""
    name = getattr(programme, "name", "")
    if not text or not name or GENERIC_NAME not in text:
        return text
    return text.replace(GENERIC_NAME, name)


def apply_programme_wording(template, sections, programme):
    """Word a template already read (``sections`` with their questions prefetched) for
    ``programme``, in memory: nothing is saved."""
    if template is not None:
        template.title = programme_wording(template.title, programme)
        template.introduction = programme_wording(template.introduction, programme)
    for section in sections:
        section.title = programme_wording(section.title, programme)
        section.introduction = programme_wording(section.introduction, programme)
        for question in section.questions.all():
            question.text = programme_wording(question.text, programme)
            question.help_text = programme_wording(question.help_text, programme)
            question.group = programme_wording(question.group, programme)


@dataclass
class AnnexWording:
    """The wording of one annex for one programme: the template it comes from (None when
    there is none), its introduction and {model field: (label, help text)}."""

    template: object = None
    introduction: str = ""
    labels: dict = field(default_factory=dict)


def annex_wording(programme, kind):
    """The wording of annex ``kind`` (good practice, local support group, action plan) in
    ``programme``'s version of its template: the newest version of the programme's own
    copy, else the newest reference template. One query."""
    programme_id = getattr(programme, "pk", programme)
    questions = list(
        Question.objects.filter(section__template__kind=kind, section__key=SECTIONS[kind])
        .filter(Q(section__template__programme_id=programme_id) | Q(section__template__programme__isnull=True))
        .select_related("section__template")
        .order_by(F("section__template__programme_id").desc(nulls_last=True), "-section__template__version", "order", "pk")
    )
    if not questions:
        return AnnexWording()
    template = questions[0].section.template
    fields = FIELDS[kind]
    labels = {}
    language = reader_language()  # its translation in the reader's language, if any (issue 24)
    template.show_in(language)
    for question in questions:
        if question.section.template_id != template.pk:
            break  # an older version, or the reference template behind the programme's copy
        question.show_in(language)
        name = fields.get(question.key)
        if name and name not in labels:
            labels[name] = (programme_wording(question.text, programme), programme_wording(question.help_text, programme))
    return AnnexWording(template, programme_wording(template.introduction, programme), labels)


def annex_labels(programme, kind):
    """{model field: (label, help text)} of annex ``kind`` as ``programme`` words it."""
    return annex_wording(programme, kind).labels


def word_form(form, programme, kind):
    """Set the labels and help texts of ``form``'s fields that fill annex ``kind`` from
    the programme's template; return the ``AnnexWording`` (its introduction is the
    annex's guidance). Fields the template does not word keep their own labels."""
    wording = annex_wording(programme, kind)
    for name, (label, help_text) in wording.labels.items():
        if name in form.fields:
            form.fields[name].label = label
            # Help texts are printed as HTML by the form templates: the template's words
            # (a coordinator may reword them) are text, escaped here.
            form.fields[name].help_text = escape(help_text)
    return wording


def practice_fields(practice, programme):
    """(heading, text) of each Annex 4 field of a good practice after its title, the
    headings as the programme's template words them (the model's names where it has
    none), for its page and its PDF."""
    labels = annex_labels(programme, TemplateKind.GOOD_PRACTICE)
    return [
        (labels[name][0] if name in labels else label, value)
        for name, (label, value) in zip(practice.ANNEX_FIELDS, practice.annex_fields(), strict=True)
    ]
