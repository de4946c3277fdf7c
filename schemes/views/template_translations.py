"""Translating a programme's own template (its adapted copy): one page per language, each
text beside its original (mentoring.translations has the rules). The reference templates
carry the seed translations; a programme that wants its own wording or translation adapts
the template first."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mentoring.access import programme_view
from mentoring.translation_forms import CHOICE_PREFIX, translation_edit_page, translations_overview_page
from mentoring.translations import Entry

from ..models import Question, QuestionnaireTemplate


def _template(programme, pk):
    """One of the programme's own templates (a reference template or another programme's
    copy is a 404: it is translated where it is written)."""
    return get_object_or_404(QuestionnaireTemplate.objects.filter(programme=programme), pk=pk)


def template_entries(template):
    """Every text of ``template`` a translation may replace, in reading order (three
    queries)."""
    entries = [
        Entry(
            template,
            _("The template"),
            [
                (name, label, getattr(template, name), 300 if name == "title" else None)
                for name, label in _named(("title", _("Title")), ("introduction", _("Introduction")))
                if getattr(template, name)
            ],
        )
    ]
    sections = template.sections.order_by("order").prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))
    )
    for section in sections:
        fields = [
            (name, label, getattr(section, name), 300 if name == "title" else None)
            for name, label in _named(("title", _("Title")), ("introduction", _("Introduction")))
            if getattr(section, name)
        ]
        entries.append(Entry(section, _("Section: %(title)s") % {"title": section.title}, fields))
        for question in section.questions.all():
            fields = [
                (name, label, getattr(question, name), None)
                for name, label in _named(("group", _("Group heading")), ("text", _("Question")), ("help_text", _("Help text")))
                if getattr(question, name)
            ]
            fields += [
                (f"{CHOICE_PREFIX}{choice['value']}", _("Choice: %(label)s") % {"label": choice["label"]}, choice["label"], 200)
                for choice in question.choices or []
            ]
            entries.append(Entry(question, _("Question: %(text)s") % {"text": _short(question.text)}, fields))
    return entries


def _named(*pairs):
    return pairs


def _short(text):
    return text if len(text) <= 80 else text[:79] + "…"


def _url(programme, template):
    return reverse("schemes:template", kwargs={"programme": programme.slug, "pk": template.pk})


@require_safe
@programme_view("view", "questionnaire_template")
def template_translations(request, programme, access, pk):
    """The languages of the template: how much is translated, what is older than its original."""
    template = _template(programme, pk)
    return translations_overview_page(
        request,
        entries=template_entries(template),
        programme=programme,
        editable=access.can("edit", "questionnaire_template"),
        back_url=_url(programme, template),
        title=template.title,
    )


@programme_view("edit", "questionnaire_template")
def template_translation_edit(request, programme, access, pk, language):
    template = _template(programme, pk)
    return translation_edit_page(
        request,
        entries=template_entries(template),
        code=language,
        programme=programme,
        log_object=template,
        title=str(template.title),
        overview_url=reverse("schemes:template_translations", kwargs={"programme": programme.slug, "pk": template.pk}),
    )
