"""The closing stage's records (seed 002, "Concluding the ImpleMentoring process"): the
closing page, each side's evaluation of the mentoring (written by that side, submitted,
reopened), the dissemination outputs with their files, and the associations' support
gaps. Everything is fetched through the scheme: another scheme's record is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import refuse, scheme_view
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from ..forms.closing import DisseminationOutputForm, EvaluationForm, SupportGapForm
from ..models import EvaluationSide, MentoringEvaluation
from ..services import closing_records as records
from ..services.attachments import form_context


def _closing_url(scheme, anchor=""):
    return reverse("schemes:closing", kwargs={"programme": scheme.programme.slug, "number": scheme.number}) + anchor


def _context(scheme, **more):
    return {"programme": scheme.programme, "scheme": scheme, **more}


@require_safe
@scheme_view("view", "mentoring_evaluation")
def closing_page(request, scheme, access):
    """The closing stage in one page: the evaluations, the outputs, the support gaps."""
    data = records.closing_records(scheme)
    sides = [
        {
            "side": side,
            "label": side.label,
            "evaluation": evaluation,
            "can_write": records.may_write_side(access, side),
            "submit_question": _submit_question(side),
            "reopen_question": _reopen_question(side),
        }
        for side, evaluation in data["evaluations"]
    ]
    return render(
        request,
        "closing_records/closing.html",
        {
            **_context(scheme),
            "access": access,
            "page_title": _("Closing"),
            "sides": sides,
            "outputs": data["outputs"],
            "gaps": data["gaps"],
            "can_edit_outputs": access.can("edit", "dissemination"),
            "can_edit_gaps": access.can("edit", "support_gap"),
            **form_context(),
        },
    )


# -- The evaluation of the mentoring ----------------------------------------------------


def _side(side):
    try:
        return EvaluationSide(side)
    except ValueError as exc:
        raise Http404(_("No such side.")) from exc


def _require_side(request, access, side, action="edit"):
    if not records.may_write_side(access, side, action):
        refuse(
            request.user,
            f"may not {action} the {side} evaluation",
            _("Only the people of this side write its evaluation (%(side)s).") % {"side": side.label},
        )


def _submit_question(side):
    return {
        "title": _("Submit the evaluation (%(side)s)?") % {"side": side.label},
        "consequences": [
            _("It becomes read-only. The people of this side can reopen it to change it."),
        ],
        "confirm_label": _("Submit"),
        "danger": False,
    }


def _reopen_question(side):
    return {
        "title": _("Reopen the evaluation (%(side)s)?") % {"side": side.label},
        "consequences": [_("It becomes a draft again, and can be changed. Submit it again when it is ready.")],
        "confirm_label": _("Reopen"),
        "danger": False,
    }


@scheme_view("edit", "mentoring_evaluation")
def evaluation_edit(request, scheme, access, side):
    """Write the evaluation of ``side``: its own people only; a draft until submitted.
    Opening the page writes nothing: the first save creates the evaluation."""
    side = _side(side)
    _require_side(request, access, side)
    evaluation = scheme.mentoring_evaluations.filter(side=side).first() or MentoringEvaluation(scheme=scheme, side=side)
    if evaluation.submitted:
        messages.error(request, records.locked_message())
        return redirect(_closing_url(scheme, f"#evaluation-{side}"))
    form = EvaluationForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid():
        try:
            records.evaluation_save(form=form, scheme=scheme, side=side, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        except records.EvaluationLocked as exc:
            messages.error(request, str(exc))
            return redirect(_closing_url(scheme, f"#evaluation-{side}"))
        else:
            messages.success(request, _("Evaluation saved as a draft. Submit it when your side agrees."))
            return redirect(_closing_url(scheme, f"#evaluation-{side}"))
    return form_page(
        request,
        form,
        title=_("Evaluation of the mentoring: %(side)s") % {"side": side.label},
        submit_label=_("Save the draft"),
        cancel_url=_closing_url(scheme),
        context=_context(scheme),
    )


def _evaluation(scheme, side):
    return get_object_or_404(scheme.mentoring_evaluations.all(), side=side)


@require_POST
@scheme_view("submit", "mentoring_evaluation")
def evaluation_submit(request, scheme, access, side):
    side = _side(side)
    _require_side(request, access, side, "submit")
    evaluation = scheme.mentoring_evaluations.filter(side=side).first()
    if evaluation is None:
        messages.error(request, _("Write the evaluation before submitting it."))
        return redirect(_closing_url(scheme, f"#evaluation-{side}"))
    if evaluation.submitted:
        messages.info(request, _("This evaluation is already submitted."))
        return redirect(_closing_url(scheme, f"#evaluation-{side}"))
    if not confirmed(request):
        return confirm_page(request, **_submit_question(side), cancel_url=_closing_url(scheme), context=_context(scheme))
    try:
        records.evaluation_submit(evaluation=evaluation, scheme=scheme, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Evaluation submitted."))
    return redirect(_closing_url(scheme, f"#evaluation-{side}"))


@require_POST
@scheme_view("reopen", "mentoring_evaluation")
def evaluation_reopen(request, scheme, access, side):
    side = _side(side)
    _require_side(request, access, side, "reopen")
    evaluation = _evaluation(scheme, side)
    if not evaluation.submitted:
        messages.info(request, _("This evaluation is a draft already."))
        return redirect(_closing_url(scheme, f"#evaluation-{side}"))
    if not confirmed(request):
        return confirm_page(request, **_reopen_question(side), cancel_url=_closing_url(scheme), context=_context(scheme))
    records.evaluation_reopen(evaluation=evaluation, scheme=scheme, actor=request.user)
    messages.success(request, _("Evaluation reopened as a draft."))
    return redirect(_closing_url(scheme, f"#evaluation-{side}"))


@require_safe
@scheme_view("view", "mentoring_evaluation")
def evaluation_history(request, scheme, access, side):
    evaluation = _evaluation(scheme, _side(side))
    # No restore: an earlier version would also bring back an earlier submitted state.
    return history_view(
        request,
        evaluation,
        access,
        "mentoring_evaluation",
        context={**_context(scheme), "title": str(evaluation), "can_restore": False},
    )


# -- Dissemination outputs --------------------------------------------------------------


def _output(scheme, pk):
    return get_object_or_404(scheme.dissemination_outputs.all(), pk=pk)


@scheme_view("edit", "dissemination")
def output_create(request, scheme, access):
    form = DisseminationOutputForm(request.POST or None)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: records.output_save(form=form, scheme=scheme, actor=request.user),
            url=lambda output: _closing_url(scheme, f"#output-{output.pk}"),
        )
        if saved:
            if not saved.again:
                messages.success(request, _("Output recorded. You can attach its files below it."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Record a closing event or communication output"),
        submit_label=_("Save"),
        cancel_url=_closing_url(scheme),
        context=_context(scheme),
    )


@scheme_view("edit", "dissemination")
def output_edit(request, scheme, access, pk):
    output = _output(scheme, pk)
    form = DisseminationOutputForm(request.POST or None, instance=output)
    if request.method == "POST" and form.is_valid():
        try:
            records.output_save(form=form, scheme=scheme, actor=request.user)
        except EditConflict:
            pass
        else:
            messages.success(request, _("Output saved."))
            return redirect(_closing_url(scheme, f"#output-{output.pk}"))
    return form_page(
        request,
        form,
        title=_("Edit “%(title)s”") % {"title": output.title},
        submit_label=_("Save"),
        cancel_url=_closing_url(scheme),
        context=_context(scheme),
    )


@require_POST
@scheme_view("edit", "dissemination")
def output_delete(request, scheme, access, pk):
    output = _output(scheme, pk)
    if not confirmed(request):
        return confirm_page(request, **removal_question(output), cancel_url=_closing_url(scheme), context=_context(scheme))
    records.output_remove(output=output, scheme=scheme, actor=request.user)
    messages.success(request, _("Output removed (it stays in the history)."))
    return redirect(_closing_url(scheme, "#outputs"))


@require_safe
@scheme_view("view", "dissemination")
def output_history(request, scheme, access, pk):
    output = _output(scheme, pk)
    return history_view(request, output, access, "dissemination", context={**_context(scheme), "title": str(output)})


@require_POST
@scheme_view("edit", "dissemination")
def output_restore(request, scheme, access, pk, history_id):
    return restore_view(request, _output(scheme, pk), access, "dissemination", history_id, scheme=scheme)


# -- Support gaps and multi-level issues ------------------------------------------------


def _gap(scheme, pk):
    return get_object_or_404(scheme.support_gaps.all(), pk=pk)


@scheme_view("edit", "support_gap")
def gap_create(request, scheme, access):
    form = SupportGapForm(request.POST or None)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: records.gap_save(form=form, scheme=scheme, actor=request.user),
            url=lambda gap: _closing_url(scheme, f"#gap-{gap.pk}"),
        )
        if saved:
            if not saved.again:
                messages.success(request, _("Support gap recorded."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Record a support gap or multi-level issue"),
        submit_label=_("Save"),
        cancel_url=_closing_url(scheme),
        context=_context(scheme),
    )


@scheme_view("edit", "support_gap")
def gap_edit(request, scheme, access, pk):
    gap = _gap(scheme, pk)
    form = SupportGapForm(request.POST or None, instance=gap)
    if request.method == "POST" and form.is_valid():
        try:
            records.gap_save(form=form, scheme=scheme, actor=request.user)
        except EditConflict:
            pass
        else:
            messages.success(request, _("Support gap saved."))
            return redirect(_closing_url(scheme, f"#gap-{gap.pk}"))
    return form_page(
        request,
        form,
        title=_("Edit the support gap"),
        submit_label=_("Save"),
        cancel_url=_closing_url(scheme),
        context=_context(scheme),
    )


@require_POST
@scheme_view("edit", "support_gap")
def gap_delete(request, scheme, access, pk):
    gap = _gap(scheme, pk)
    if not confirmed(request):
        return confirm_page(request, **removal_question(gap), cancel_url=_closing_url(scheme), context=_context(scheme))
    records.gap_remove(gap=gap, scheme=scheme, actor=request.user)
    messages.success(request, _("Support gap removed (it stays in the history)."))
    return redirect(_closing_url(scheme, "#gaps"))


@require_safe
@scheme_view("view", "support_gap")
def gap_history(request, scheme, access, pk):
    gap = _gap(scheme, pk)
    return history_view(request, gap, access, "support_gap", context={**_context(scheme), "title": str(gap)})


@require_POST
@scheme_view("edit", "support_gap")
def gap_restore(request, scheme, access, pk, history_id):
    return restore_view(request, _gap(scheme, pk), access, "support_gap", history_id, scheme=scheme)
