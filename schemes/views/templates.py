"""A programme's templates (the annexes its cities fill) and their adaptation by its
coordinators: add, reword, reorder, hide questions; reword sections and guidance. The
annexes whose questions are a form's fields (good practice, local support network,
action plan) are adapted for their wording only (services/questionnaires.py). Answers already given are never
touched: see services/questionnaires.py. Every template is reached through the
programme: the standard ones, or this programme's own versions (another programme's
adaptation is a 404)."""

from types import SimpleNamespace

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import programme_view
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import form_page
from mentoring.submissions import submission_save

from ..forms.questionnaires import QuestionForm, QuestionWordingForm, SectionWordingForm, TemplateWordingForm
from ..models import Question, QuestionnaireTemplate
from ..services.annex_wording import apply_programme_wording
from ..services.filling import template_for
from ..services.questionnaires import (
    ADAPTABLE_KINDS,
    FixedQuestion,
    TemplateInUse,
    mapped_field,
    question_hide,
    question_move,
    question_save,
    refuse_fixed,
    section_save,
    template_adapt,
    template_editable,
    template_wording_save,
    wording_only,
)
from ..services.template_translations import show_template_in

IN_USE = gettext_lazy(
    "Documents already use this version, so it cannot change under them. Start a new version: "
    "new documents will use it, and answers already given stay as they are."
)


def _templates(programme):
    return QuestionnaireTemplate.objects.filter(Q(programme__isnull=True) | Q(programme=programme))


def _template(programme, pk):
    return get_object_or_404(_templates(programme), pk=pk)


def _url(programme, template):
    return reverse("schemes:template", kwargs={"programme": programme.slug, "pk": template.pk})


@require_safe
@programme_view("view", "questionnaire_template")
def template_list(request, programme, access):
    templates = list(
        _templates(programme)
        .annotate(documents=Count("responses", filter=Q(responses__scheme__programme=programme)))
        .order_by("kind", "programme_id", "-version")
    )
    in_use = {kind: template_for(programme, kind) for kind in ADAPTABLE_KINDS}
    return render(
        request,
        "questionnaires/template_list.html",
        {
            "programme": programme,
            "access": access,
            "templates": templates,
            "in_use_ids": {t.pk for t in in_use.values() if t},
            "adaptable": [t for t in in_use.values() if t],
            "page_title": _("Templates"),
        },
    )


@require_POST
@programme_view("edit", "questionnaire_template")
def template_adapt_view(request, programme, access, pk):
    """Adapt a template for the programme, or start the next version of its adaptation."""
    template = _template(programme, pk)
    if template.kind not in ADAPTABLE_KINDS:
        raise Http404(_("This template has a page of its own and is not adapted here."))
    copy = template_adapt(template=template, programme=programme, actor=request.user)
    if wording_only(copy):
        ready = _(
            "Version %(version)s of the programme's template is ready to reword. The forms of this annex use it from now on."
        )
    else:
        ready = _("Version %(version)s of the programme's template is ready to adapt. New documents use it from now on.")
    messages.success(request, ready % {"version": copy.version})
    return redirect(_url(programme, copy))


@require_safe
@programme_view("view", "questionnaire_template")
def template_detail(request, programme, access, pk):
    template = _template(programme, pk)
    sections = list(
        template.sections.prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))).order_by(
            "order"
        )
    )
    editable = access.can("edit", "questionnaire_template") and template_editable(template, programme)
    for section in sections:
        for question in section.questions.all():
            question.form_field = mapped_field(template, section, question)  # Annexes 4, 5, 6
    return render(
        request,
        "questionnaires/template_detail.html",
        {
            "programme": programme,
            "access": access,
            "template": template,
            "sections": sections,
            "editable": editable,
            "adaptable": template.kind in ADAPTABLE_KINDS,
            "wording_only": wording_only(template),
            "documents": template.responses.filter(scheme__programme=programme).count(),
            "page_title": str(template.title),
        },
    )


def _in_use(request, programme, template):
    messages.error(request, IN_USE)
    return redirect(_url(programme, template))


def _fixed(request, programme, template, refusal, anchor=""):
    messages.error(request, refusal.message)
    return redirect(_url(programme, template) + anchor)


@programme_view("edit", "questionnaire_template")
def question_create(request, programme, access, pk, section):
    template = _template(programme, pk)
    section = get_object_or_404(template.sections.all(), key=section)
    if not template_editable(template, programme):
        return _in_use(request, programme, template)
    if wording_only(template):
        try:
            refuse_fixed(template)
        except FixedQuestion as refusal:
            return _fixed(request, programme, template, refusal, f"#section-{section.key}")
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: question_save(form=form, template=template, programme=programme, section=section, actor=request.user),
                url=lambda question: _url(programme, template) + f"#section-{section.key}",
            )
        except TemplateInUse:
            return _in_use(request, programme, template)
        if saved:
            if not saved.again:
                messages.success(request, _("Question added."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Add a question to “%(section)s”") % {"section": section.title},
        submit_label=_("Add"),
        cancel_url=_url(programme, template),
        context={"programme": programme},
    )


def _question(template, pk):
    return get_object_or_404(Question.objects.select_related("section"), section__template=template, pk=pk)


@programme_view("edit", "questionnaire_template")
def question_edit(request, programme, access, pk, question):
    template = _template(programme, pk)
    question = _question(template, question)
    if not template_editable(template, programme):
        return _in_use(request, programme, template)
    form_class = QuestionWordingForm if wording_only(template) else QuestionForm
    form = form_class(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            question_save(form=form, template=template, programme=programme, actor=request.user)
        except TemplateInUse:
            return _in_use(request, programme, template)
        except FixedQuestion as refusal:
            return _fixed(request, programme, template, refusal, f"#question-{question.pk}")
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Question saved."))
            return redirect(_url(programme, template) + f"#question-{question.pk}")
    return form_page(
        request,
        form,
        title=_("Reword a question") if wording_only(template) else _("Edit a question"),
        submit_label=_("Save"),
        cancel_url=_url(programme, template),
        context={"programme": programme},
    )


@require_POST
@programme_view("edit", "questionnaire_template")
def question_move_view(request, programme, access, pk, question):
    template = _template(programme, pk)
    question = _question(template, question)
    try:
        question_move(
            question=question,
            template=template,
            programme=programme,
            up=request.POST.get("direction") == "up",
            actor=request.user,
        )
    except TemplateInUse:
        return _in_use(request, programme, template)
    except FixedQuestion as refusal:
        return _fixed(request, programme, template, refusal, f"#question-{question.pk}")
    return redirect(_url(programme, template) + f"#question-{question.pk}")


@require_POST
@programme_view("edit", "questionnaire_template")
def question_hide_view(request, programme, access, pk, question):
    template = _template(programme, pk)
    question = _question(template, question)
    hidden = request.POST.get("hidden") != "false"
    try:
        question_hide(question=question, template=template, programme=programme, hidden=hidden, actor=request.user)
    except TemplateInUse:
        return _in_use(request, programme, template)
    except FixedQuestion as refusal:
        return _fixed(request, programme, template, refusal, f"#question-{question.pk}")
    messages.success(request, _("Question hidden: new documents do not ask it.") if hidden else _("Question shown again."))
    return redirect(_url(programme, template) + f"#question-{question.pk}")


def _wording_page(request, programme, template, form, save, *, title, anchor=""):
    """The form rewording ``template``'s guidance or one of its sections."""
    if not template_editable(template, programme):
        return _in_use(request, programme, template)
    if request.method == "POST" and form.is_valid():
        try:
            save(form=form, template=template, programme=programme, actor=request.user)
        except TemplateInUse:
            return _in_use(request, programme, template)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Wording saved."))
            return redirect(_url(programme, template) + anchor)
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save"),
        cancel_url=_url(programme, template) + anchor,
        context={"programme": programme},
    )


@programme_view("edit", "questionnaire_template")
def template_wording_edit(request, programme, access, pk):
    """Reword the template's title and guidance."""
    template = _template(programme, pk)
    form = TemplateWordingForm(request.POST or None, instance=template)
    return _wording_page(
        request, programme, template, form, template_wording_save, title=_("Reword the title and guidance of the template")
    )


@programme_view("edit", "questionnaire_template")
def section_edit(request, programme, access, pk, section):
    """Reword a section's title and guidance."""
    template = _template(programme, pk)
    section = get_object_or_404(template.sections.all(), key=section)
    form = SectionWordingForm(request.POST or None, instance=section)
    return _wording_page(
        request,
        programme,
        template,
        form,
        section_save,
        title=_("Reword the section “%(section)s”") % {"section": section.title},
        anchor=f"#section-{section.key}",
    )


@require_safe
@programme_view("export", "questionnaire_template")
def template_blank_pdf(request, programme, access, pk):
    """The template as a blank printable form, for offline workshops."""
    template = _template(programme, pk)
    sections = template.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.filter(hidden=False).order_by("order", "pk"))
    ).order_by("order")
    notice = show_template_in(template, sections)  # in the reader's language where translated (issue 24)
    apply_programme_wording(template, sections, programme)  # its name for “IncluCities”
    filling = SimpleNamespace(template=template, organisation=None, response=None, submitted=False, translation_notice=notice)
    return pdf_response(
        request,
        render_document(
            "documents/questionnaire.html",
            {
                "filling": filling,
                "programme": programme,
                "scheme": None,
                "blank": True,
                "sections_with_rows": [(section, [(q, "") for q in section.questions.all()]) for section in sections],
            },
            filename=f"{template.slug}-v{template.version}-blank.pdf",
        ),
    )
