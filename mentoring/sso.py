"""Single sign-on with OpenID Connect (issue 25; docs/sso.md).

“a person signs in with their organisation's account when their e-mail is verified by
the provider and matches an account or an invitation (no open sign-up: roles still come
from invitations); password login can be turned off per deployment.”

mozilla-django-oidc runs the authorization-code flow (with PKCE, a state and a nonce
kept in the session, each used once). What it leaves to the site is here:

- the ID token is checked in full: its signature (the provider's published keys), issuer,
  audience (mozilla-django-oidc does not check it), expiry and issue time, and nonce; the
  user information must be about the token's subject;
- the provider must say the e-mail address is verified (``email_verified`` true);
- an active account with that address signs in; otherwise the open invitations of the
  address are accepted by the invitation page's own service, which creates the account
  with their roles; otherwise the sign-in is refused: there is no open sign-up. An
  account switched off or pseudonymised (mentoring.erasure) is refused;
- every refusal is told to the person in plain words on the login page (``REASONS``),
  and its technical detail goes to the ``mentoring.sso`` log, nothing else. Nothing is
  written for a refused sign-in but django-axes' record of a failed login.

The second factor still applies: a person with an authenticator app is asked for its
code after signing in through their organisation (mentoring.middleware.TwoFactorMiddleware),
since the site cannot know how strongly the provider checked them.

Nothing here runs while ``OIDC_RP_CLIENT_ID`` is empty: the backend answers nobody and
the pages are a 404.
"""

import logging
from functools import wraps
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger("mentoring.sso")

# Why a sign-in through the organisation was refused, as the person reads it. None of
# them says whether any other address has an account.
REASONS = {
    "unverified": _(
        "Your organisation did not confirm this e-mail address, so it cannot sign you in here. "
        "Ask your organisation's IT service to confirm it."
    ),
    "unknown": _("No account or invitation for this e-mail address: ask your programme coordinator for an invitation."),
    "closed": _("This account can no longer sign in. Ask your programme coordinator if you think this is a mistake."),
    "token": _(
        "The answer from your organisation's sign-in service was not meant for this site or could not be checked. "
        "Nothing was changed: try again, and tell your IT service if it happens again."
    ),
    "expired": _("The answer from your organisation's sign-in service had expired. Nothing was changed: please sign in again."),
    "provider": _(
        "Your organisation's sign-in service did not answer, or refused this sign-in. Nothing was changed: try again in a moment."
    ),
    "state": _("This sign-in was already used or has expired. Nothing was changed: please start again."),
    "cancelled": _("The sign-in at your organisation was cancelled. Nothing was changed."),
}


def sso_enabled():
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name():
    return settings.OIDC_PROVIDER_NAME or _("your organisation's account")


class Refused(Exception):
    """A sign-in the site does not accept: ``reason`` is a key of REASONS, ``detail`` for
    the log only."""

    def __init__(self, reason, detail=""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


class OrganisationAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the site's rules (the module's docstring)."""

    def authenticate(self, request, **kwargs):
        # Only the callback view's call (it passes the nonce), never a password login's.
        if not sso_enabled() or request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            return self.refuse(request, refusal)
        except requests.RequestException as error:
            return self.refuse(request, Refused("provider", f"{type(error).__name__}: {error}"))

    @staticmethod
    def refuse(request, refusal):
        logger.warning("Single sign-on refused (%s): %s", refusal.reason, refusal.detail)
        request.sso_refusal = refusal.reason
        return None

    def verify_token(self, token, **kwargs):
        """The ID token's signature, issuer, audience, times and nonce."""
        if not token:
            raise Refused("token", "no ID token in the provider's answer")
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
            if algorithm != self.OIDC_RP_SIGN_ALGO:
                raise Refused("token", f"signed with {algorithm!r}, not {self.OIDC_RP_SIGN_ALGO!r}")
            payload = jwt.decode(
                token,
                self.retrieve_matching_jwk(token),
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=settings.OIDC_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Refused("expired", str(error)) from error
        except (jwt.PyJWTError, SuspiciousOperation, KeyError) as error:
            raise Refused("token", f"{type(error).__name__}: {error}") from error
        audience = payload["aud"]
        if isinstance(audience, list) and len(audience) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise Refused("token", "several audiences and this site is not the authorised party")
        if self.get_settings("OIDC_USE_NONCE", True) and payload.get("nonce") != kwargs.get("nonce"):
            raise Refused("token", "the nonce is not the one this sign-in sent")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        from schemes.services.invitations import invitations_accept_at_sign_in

        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            raise Refused("token", "the user information is about another subject than the ID token")
        email = (claims.get("email") or "").strip().lower()
        # django-axes records the attempt under this address (mentoring.backends.login_username).
        self.request.sso_email = email
        if not email or claims.get("email_verified") not in (True, "true"):
            raise Refused("unverified", "email_verified is not true")
        user = self.UserModel.objects.filter(email__iexact=email).first()
        if user is not None:
            if not self.user_can_authenticate(user) or user.pseudonymised_at:
                raise Refused("closed", f"account {user.pk} is switched off")
            return user
        user = invitations_accept_at_sign_in(
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        if user is None:
            raise Refused("unknown", "no account and no open invitation for the address")
        return user

    def user_can_authenticate(self, user):
        # As for a password (mentoring.backends.EmailBackend): demo accounts only with DEBUG on.
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


class AuthenticateView(OIDCAuthenticationRequestView):
    """The button's address: on to the provider (a 404 while single sign-on is off)."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back. A refusal lands on the login page with
    its reason; a state this session did not start (a callback address used twice, or
    someone else's) is refused the same way, never a 400 page."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        # A state this browser did not start is refused before anything else, so that a
        # link to this address cannot log anyone out (mozilla-django-oidc logs out on an
        # error answer).
        if request.GET.get("state") not in (request.session.get("oidc_states") or {}):
            request.sso_refusal = "state"
            return self.login_failure()
        if request.GET.get("error"):
            request.sso_refusal = "cancelled"
        elif not request.GET.get("code"):
            request.sso_refusal = "state"
        return super().get(request)

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None)
        if reason is None:
            # The backend accepted nobody without saying why: an account switched off
            # meanwhile, or django-axes' lock-out (its middleware answers that itself).
            reason = "closed" if getattr(self, "user", None) else "token"
        messages.error(self.request, REASONS[reason])
        return redirect(settings.LOGIN_REDIRECT_URL_FAILURE)


# The password pages that refuse with PASSWORD_LOGIN off (the login page refuses a
# password itself: mentoring.unsaved.LoginView).
PASSWORD_PAGES = {
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def password_login_only(view):
    """A password page (reset, change): with PASSWORD_LOGIN off, a page saying that
    people sign in through their organisation instead (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            return render(request, "registration/password_login_off.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def provider_logout_url(request):
    """Where the browser goes after logging out here, to log out of the organisation too
    (OpenID Connect RP-Initiated Logout): the provider's end-session endpoint
    (``OIDC_OP_LOGOUT_ENDPOINT``) with the ID token of this sign-in, the site's client id,
    and the login page to come back to. None for a person who signed in with a password,
    or when the provider has no such endpoint."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout; a person who signed in through their organisation is then sent to
    log out there too, so that a shared computer keeps nobody signed in (docs/sso.md)."""

    def post(self, request, *args, **kwargs):
        at_provider = provider_logout_url(request)  # read before the session ends
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response
