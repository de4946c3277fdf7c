"""Middleware of our own: session lifetime, the second factor, security headers and write
requests in one transaction.

Security headers go on every response, for what Django's own middleware does not cover.

Cache-Control: private, no-store on every response that does not say otherwise. Each page
and download here is a person's data (or a form with its CSRF token), a calendar feed is
reached by a personal token without a session: none may be kept by a shared proxy or left
on a shared computer's disk. Static files are answered by WhiteNoise, before this, with
their own long-lived headers; a view that knows better (``never_cache``) keeps its own.

Content-Security-Policy: everything comes from this site (Bootstrap is served locally);
no inline script; frame-ancestors 'none' forbids framing like X-Frame-Options: DENY.
"""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_otp import user_has_device

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin uses inline styles; it keeps a policy that allows them and nothing more.
        policy = CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        if settings.OIDC_OP_LOGOUT_ENDPOINT:
            # "Log out" ends at the organisation's end-session endpoint (mentoring.sso.LogoutView),
            # and browsers hold a form's redirect to form-action too.
            provider = urlsplit(settings.OIDC_OP_LOGOUT_ENDPOINT)
            policy = policy.replace("form-action 'self'", f"form-action 'self' {provider.scheme}://{provider.netloc}")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response


def session_renewed_at_login(sender, request, user, **kwargs):
    """Logging in saves a new session: its absolute and idle lifetimes start then, and a
    person with no second factor to give is not asked again on each page."""
    now = int(time.time())
    request.session[SessionLifetimeMiddleware.KEY] = now
    request.session[SessionLifetimeMiddleware.RENEWED] = now
    if two_factor_pending(user) is None:
        request.session[TwoFactorMiddleware.KEY] = True


class SessionLifetimeMiddleware:
    """Absolute session expiry: a session ends SESSION_ABSOLUTE_SECONDS after login, however
    active its owner. Idle expiry is Django's SESSION_COOKIE_AGE, renewed here at most every
    SESSION_RENEW_SECONDS rather than on every request: a page then reads the session and
    writes it only now and then (three queries saved, and no write per request under load),
    and the idle limit is exact to within those seconds."""

    KEY = "_session_started_at"
    RENEWED = "_session_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(self.KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                if request.method == "POST":
                    # Let the view see an anonymous POST: forms that keep unsaved text do.
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(self.RENEWED, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[self.RENEWED] = now  # saves the session: a new idle expiry
        return self.get_response(request)


# Pages a person whose second factor is pending may still reach.
TWO_FACTOR_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/", "/healthz", "/privacy/")


class TwoFactorMiddleware:
    """After the password, the second factor: a person with a confirmed authenticator app
    is asked for a code before anything else; with OTP_REQUIRED_FOR_COORDINATORS, a
    programme coordinator without one is sent to set it up.

    The outcome "nothing to ask" is remembered for the session, so pages do not pay a
    query for it on every request.
    """

    KEY = "_two_factor_not_needed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(self.KEY)
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_OPEN_PREFIXES)
        ):
            pending = two_factor_pending(user)
            if pending == "verify":
                return HttpResponseRedirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
            if pending == "setup":
                messages.warning(request, _("Coordinators must protect their account with a second factor. Set it up now."))
                return HttpResponseRedirect(f"{reverse('two_factor_setup')}?{urlencode({'next': request.get_full_path()})}")
            request.session[self.KEY] = True
        return self.get_response(request)


def two_factor_pending(user):
    """ "verify" (a confirmed device asks for its code), "setup" (a coordinator must set one
    up) or None."""
    if user_has_device(user, confirmed=True):
        return "verify"
    if settings.OTP_REQUIRED_FOR_COORDINATORS and user.programme_roles.filter(role="coordinator").exists():
        return "setup"
    return None


class AtomicWritesMiddleware:
    """Every request that may write (any method but GET, HEAD, OPTIONS) runs in one
    database transaction with its view: when the view fails (an exception, or an answer
    of 500 and above, such as the database going away half-way), everything it wrote is
    rolled back, so no half-saved section or plan is ever left. Reads take no lock."""

    SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if getattr(request, "_view_failed", False) or response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    def process_exception(self, request, exception):
        request._view_failed = True
        return None


class DocumentLanguageMiddleware:
    """A printable document in another language than the interface's: ``?lang=it`` on a
    ``.pdf`` address prints its labels in Italian, for the mayor of the mentor city, while
    the reader's pages stay in their language (issue 24). What people wrote stays as they
    wrote it. A code that is not a language offered is ignored: the document prints in the
    interface's language. Placed after ``LocaleMiddleware``, whose choice it overrides for
    that one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.GET.get("lang", "")
        if request.path.endswith(".pdf") and wanted in dict(settings.LANGUAGES):
            translation.activate(wanted)
            request.LANGUAGE_CODE = wanted
        return self.get_response(request)
