"""Political commitment (docs/method.md §3.1 step 7): who committed, when, to what, with what
evidence; a record per scheme, shown on the scheme page. Fetched through the scheme."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import scheme_view
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from ..focus import out_of_scope_notice
from ..forms.commitments import PoliticalCommitmentForm
from ..services.practice import commitment_remove
from ..services.setup import form_save_with_history


def _commitment(scheme, pk):
    return get_object_or_404(scheme.commitments.all(), pk=pk)


@scheme_view("edit", "political_commitment")
def commitment_create(request, scheme, access):
    form = PoliticalCommitmentForm(request.POST or None)
    if request.method == "POST":

        def save():
            form.instance.scheme = scheme
            return form_save_with_history(
                form, actor=request.user, action="commitment.added", scheme=scheme, reason=gettext_lazy("Recorded")
            )

        saved = submission_save(request, form, save, url=lambda commitment: scheme.get_absolute_url())
        if saved:
            if not saved.again:
                messages.success(request, _("Political commitment recorded."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Record a political commitment"),
        submit_label=_("Save"),
        cancel_url=scheme.get_absolute_url(),
        context={"programme": scheme.programme, "scheme": scheme, "out_of_scope": out_of_scope_notice(scheme, "commitment")},
    )


@scheme_view("edit", "political_commitment")
def commitment_edit(request, scheme, access, pk):
    commitment = _commitment(scheme, pk)
    form = PoliticalCommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        try:
            form_save_with_history(form, actor=request.user, action="commitment.changed", scheme=scheme)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Political commitment saved."))
            return redirect(scheme)
    return form_page(
        request,
        form,
        title=_("Edit the political commitment"),
        submit_label=_("Save"),
        cancel_url=scheme.get_absolute_url(),
        context={"programme": scheme.programme, "scheme": scheme, "out_of_scope": out_of_scope_notice(scheme, "commitment")},
    )


@require_POST
@scheme_view("edit", "political_commitment")
def commitment_delete(request, scheme, access, pk):
    commitment = _commitment(scheme, pk)
    if not confirmed(request):
        return confirm_page(
            request,
            **removal_question(commitment),
            cancel_url=scheme.get_absolute_url(),
            context={"programme": scheme.programme, "scheme": scheme},
        )
    commitment_remove(commitment=commitment, scheme=scheme, actor=request.user)
    messages.success(request, _("Political commitment removed (it stays in the history)."))
    return redirect(scheme)


@require_safe
@scheme_view("view", "political_commitment")
def commitment_history(request, scheme, access, pk):
    commitment = _commitment(scheme, pk)
    return history_view(
        request,
        commitment,
        access,
        "political_commitment",
        context={"programme": scheme.programme, "scheme": scheme, "title": str(commitment)},
    )


@require_POST
@scheme_view("edit", "political_commitment")
def commitment_restore(request, scheme, access, pk, history_id):
    return restore_view(request, _commitment(scheme, pk), access, "political_commitment", history_id, scheme=scheme)
