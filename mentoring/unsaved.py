"""Text typed by someone whose session expired while they wrote, kept until they have
signed in again: nothing is stored for someone who is not signed in.

A save that arrives without a session (``keep_unsaved_text`` on the view) is answered
with the login page, which carries the posted text in a signed hidden field (at most
``MAX_CARRIED`` characters; the server keeps nothing). Once the person has signed in
(``LoginView``), the text is kept in their session, one page's worth (a small total), and
only if the view's ``may_edit`` says this person may edit that page; back on the page,
the form shows the text again, unsaved, for them to check and save.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

SESSION_KEY = "unsaved_forms"
SALT = "mentoring.unsaved"
# What one page's form may carry through the login page, and keep in the session.
MAX_CARRIED = 256 * 1024
MAX_AGE = 24 * 60 * 60


def keep_unsaved_text(may_edit):
    """Decorate a form view: a POST without a session gets the login page carrying the
    text. ``may_edit(request, *args, **kwargs)`` says whether the signed-in person may edit
    the page the view shows (called with the view's arguments)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and not request.user.is_authenticated:
                return _login_page(request)
            return view(request, *args, **kwargs)

        wrapped.unsaved_may_edit = may_edit
        return wrapped

    return decorator


def _login_page(request):
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    size = sum(len(value) for values in data.values() for value in values)
    carried = signing.dumps({"path": request.path, "data": data}, salt=SALT, compress=True) if size <= MAX_CARRIED else ""
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "next": request.get_full_path(), "unsaved": carried, "unsaved_lost": not carried},
    )


def unsaved_keep(request, carried, next_url):
    """After a login: keep the ``carried`` text in the session, if it is for the page
    the person goes to next and they may edit it. True when kept."""
    try:
        payload = signing.loads(carried, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    path = payload.get("path")
    if not isinstance(path, str) or path != urlsplit(next_url or "").path:
        return False
    try:
        match = resolve(path)
        may_edit = getattr(match.func, "unsaved_may_edit", None)
        if may_edit is None or not may_edit(request, *match.args, **match.kwargs):
            return False
    except (Resolver404, Http404, PermissionDenied):
        return False
    request.session[SESSION_KEY] = {path: payload.get("data", {})}
    return True


def unsaved_data(request):
    """The text kept for this page (a QueryDict, as if posted), taken out of the session;
    None when there is none."""
    stored = request.session.get(SESSION_KEY, {}).pop(request.path, None)
    if stored is None:
        return None
    request.session.modified = True
    data = QueryDict(mutable=True)
    for key, values in stored.items():
        data.setlist(key, values)
    return data


class LoginView(auth_views.LoginView):
    """Django's login view; a login that carries unsaved text keeps it (see above)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # PASSWORD_LOGIN off: people sign in through their organisation (docs/sso.md).
        if not settings.PASSWORD_LOGIN:
            messages.error(request, _("Passwords are not used here: sign in with your organisation's account."))
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        carried = self.request.POST.get("unsaved")
        if carried:
            unsaved_keep(self.request, carried, self.get_success_url())
        return response
