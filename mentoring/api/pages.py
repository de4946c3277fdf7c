"""The account page's API keys: making one (shown once), revoking one (asked first).

A key is only ever shown on the page that answers its creation, never stored, never
e-mailed: the page says to copy it now. Someone else's key is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..accounts import account_context
from ..pages import confirm_page, confirmed
from ..submissions import submission_save
from .forms import ApiTokenForm
from .tokens import api_token_create, api_token_revoke


@require_POST
@never_cache
@login_required
def api_token_create_view(request):
    form = ApiTokenForm(request.POST, user=request.user)
    created = {}

    def save():
        token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        created["key"] = key
        return token

    saved = submission_save(request, form, save, url=lambda _token: reverse("account") + "#api-keys")
    if saved is None:
        return render(request, "registration/account.html", account_context(request, api_token_form=form))
    if "key" not in created:
        # The same form sent twice: the key was shown on the first answer, not again.
        messages.info(request, _("This key was already created: its key was shown once, when it was made."))
        return redirect(saved.url)
    return render(request, "api/token_created.html", {"token": saved.object, "key": created["key"]})


@require_POST
@login_required
def api_token_revoke_view(request, pk):
    token = get_object_or_404(request.user.api_tokens.all(), pk=pk)
    if token.revoked_at is not None:
        messages.info(request, _("The API key “%(name)s” was already revoked.") % {"name": token.name})
        return redirect(reverse("account") + "#api-keys")
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("Revoke the API key “%(name)s”?") % {"name": token.name},
            consequences=[
                _("Any program using it is refused from its next request. This cannot be undone: a new key can be made."),
            ],
            confirm_label=_("Revoke the key"),
            cancel_url=reverse("account") + "#api-keys",
            danger=True,
        )
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The API key “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("account") + "#api-keys")
