"""Deleting an account (issue 25): the person asks on their account page; a coordinator
of a programme they are in, or a site administrator, confirms on the page of waiting
requests, and ``mentoring.erasure.person_pseudonymise`` replaces their personal data by
a pseudonym. A person asks only for their own account: the form has no person field.
A coordinator sees only the requests of people in their programmes; any other request
is not found (404), like another programme's object."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .erasure import (
    ErasureError,
    erasure_ask,
    erasure_confirm,
    erasure_decline,
    erasure_withdraw,
    may_decide,
    programmes_left_without_coordinator,
    pseudonym_of,
    requests_for,
)
from .forms import PlainTextMixin
from .models import ErasureState
from .pages import confirm_page, confirmed


class ErasureAskForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only the coordinator who confirms reads it; it is emptied when your account is deleted."),
    )


@never_cache
@login_required
def erasure_ask_view(request):
    """“Delete my account”: what happens, what to do first if anything, and the request."""
    user = request.user
    pending = user.erasure_requests.filter(state=ErasureState.PENDING).first()
    left = programmes_left_without_coordinator(user)
    form = ErasureAskForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and not pending and form.is_valid():
        try:
            erasure_ask(user=user, reason=form.cleaned_data["reason"])
        except ErasureError as error:
            # The page again, saying what to do first; what they typed is kept.
            refusal = str(error)
        else:
            messages.success(request, _("Your request is sent. A coordinator confirms it; until then you may withdraw it."))
            return redirect("account")
    return render(
        request,
        "registration/erasure_ask.html",
        {"form": form, "pending": pending, "left": left, "refusal": refusal, "pseudonym": pseudonym_of(user)},
    )


@require_POST
@login_required
def erasure_withdraw_view(request):
    if erasure_withdraw(user=request.user):
        messages.success(request, _("Your request is withdrawn: your account stays."))
    return redirect("account")


def _deciding(request):
    if not may_decide(request.user):
        raise Http404
    return requests_for(request.user)


@require_safe
@login_required
def erasure_requests_view(request):
    """The requests waiting for this coordinator (or administrator), oldest first."""
    requests = list(_deciding(request).order_by("asked_at", "id"))
    return render(request, "registration/erasure_requests.html", {"requests": requests})


@require_POST
@login_required
def erasure_request_confirm(request, pk):
    erasure = get_object_or_404(_deciding(request), pk=pk)
    person = erasure.user
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("Delete the account of %(name)s?") % {"name": person.display_name},
            consequences=[
                _(
                    "Their name and e-mail address are replaced by “%(pseudonym)s” everywhere, in the history too; "
                    "they can no longer log in. This cannot be undone."
                )
                % {"pseudonym": pseudonym_of(person)},
                _(
                    "The documents of the cities they worked for stay whole: what they wrote now reads as written by “%(pseudonym)s”."
                )
                % {"pseudonym": pseudonym_of(person)},
            ],
            confirm_label=_("Delete the account"),
            cancel_url=reverse("erasure_requests"),
            danger=True,
        )
    try:
        erasure_confirm(request=erasure, actor=request.user)
    except ErasureError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The account is deleted: it now reads “%(pseudonym)s”.") % {"pseudonym": pseudonym_of(person)}
        )
    return redirect("erasure_requests")


@require_POST
@login_required
def erasure_request_decline(request, pk):
    erasure = get_object_or_404(_deciding(request), pk=pk)
    try:
        erasure_decline(request=erasure, actor=request.user)
    except ErasureError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Request declined: the account stays."))
    return redirect("erasure_requests")
