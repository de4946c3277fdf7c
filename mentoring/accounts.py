"""Account pages that Django's own auth views do not provide: accepting an invitation,
the second factor (TOTP, with django-otp), the account page, and the rules table.

Login, logout, password change and password reset by e-mail are Django's own views
(see urls.py); django-axes throttles logins, django-otp throttles wrong codes. The
password-reset e-mail is sent by a background task (``PasswordResetForm``).
"""

import secrets
from base64 import b32encode
from datetime import timedelta

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login, password_validation
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from schemes.services.invitations import InvitationError, invitation_accept, invitation_for_token

from . import data_exports
from .access import ACTION_LABELS, DOCUMENT_LABELS, ROLE_LABELS, RULES
from .erasure import may_decide
from .forms import PlainTextMixin
from .middleware import TwoFactorMiddleware
from .models import DataExport
from .pages import safe_next
from .submissions import SubmitOnceMixin, submission_save
from .tasks import email_enqueue


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password-reset form, its e-mail written here (in the reader's language)
    and sent by a background task: the page answers as fast for an address without an
    account as for one with, so its speed does not tell which addresses exist."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        email_enqueue(subject=subject, body=render_to_string(email_template_name, context), to=[to_email])


class InvitationAcceptForm(PlainTextMixin, forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = get_user_model()(
                email=self.email, first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", "")
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept_view(request, token):
    """The one-time link of an invitation: the invitee chooses a password and is in."""
    try:
        invitation = invitation_for_token(token)
    except InvitationError as error:
        return render(request, "registration/invitation_invalid.html", {"reason": str(error)}, status=410)
    if not settings.PASSWORD_LOGIN:
        # Single sign-on only (docs/sso.md): the invitation is accepted when the person
        # signs in with their organisation's account, with the invited address.
        status = 403 if request.method == "POST" else 200
        return render(request, "registration/invitation_accept.html", {"invitation": invitation}, status=status)
    form = InvitationAcceptForm(
        request.POST or None,
        email=invitation.email,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, user = invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except InvitationError as error:
            return render(request, "registration/invitation_invalid.html", {"reason": str(error)}, status=410)
        login(request, user, backend="mentoring.backends.EmailBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(invitation.where.get_absolute_url())
    return render(request, "registration/invitation_accept.html", {"invitation": invitation, "form": form})


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise ValidationError(_("Too many wrong codes. Wait a little and try again."))
        if not self.device.verify_token(token):
            raise ValidationError(_("This code is not right, or has expired. Enter the code your app shows now."))
        return token


SETUP_KEY = "two_factor_setup_key"


@never_cache
@login_required
def two_factor_setup(request):
    """Turn the second factor on: scan the code (or type the key), confirm with a code."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        return render(request, "registration/two_factor.html", {"device": confirmed, "required": _required(user)})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        # Opening the page writes nothing: the new key waits in the session until a code
        # is entered (the device is saved then, confirmed or counting a wrong code).
        device = TOTPDevice(user=user, name=_("Authenticator app"), confirmed=False)
        device.key = request.session.setdefault(SETUP_KEY, device.key)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save()
        request.session.pop(SETUP_KEY, None)
        otp_login(request, device)
        messages.success(request, _("Second factor on: from now on you log in with a code from your app as well."))
        return redirect(safe_next(request, "two_factor_setup"))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            # The SVG is generated from the device's own key, no user text in it.
            "qr_svg": mark_safe(qr.svg_inline(scale=4, dark="#000", light="#fff")),
            "secret": b32encode(device.bin_key).decode(),
            "next": safe_next(request, ""),
        },
    )


def _required(user):
    return settings.OTP_REQUIRED_FOR_COORDINATORS and user.programme_roles.filter(role="coordinator").exists()


@never_cache
@login_required
def two_factor_verify(request):
    """The second step of logging in, for a person with an authenticator app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None or request.user.is_verified():
        return redirect(safe_next(request))
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(safe_next(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": safe_next(request, "")})


@require_POST
@login_required
def two_factor_disable(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("two_factor_setup")
    if _required(request.user):
        messages.error(request, _("Coordinators must keep their second factor on."))
        return redirect("two_factor_setup")
    form = TokenForm(request.POST, device=device)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["token"]))
        return redirect("two_factor_setup")
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(TwoFactorMiddleware.KEY, None)
    messages.success(request, _("Second factor off. You log in with your password only."))
    return redirect("account")


class DataExportForm(SubmitOnceMixin, forms.Form):
    """“Download my data”: nothing to fill in; the one-time token keeps a double click
    from preparing two downloads."""


def account_context(request, api_token_form=None):
    """What the account page shows; ``api_token_form``: the API key form as posted, with
    its errors (mentoring.api.pages)."""
    from .api.forms import ApiTokenForm

    return {
        "has_two_factor": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "data_export_form": DataExportForm(),
        "data_export": DataExport.objects.filter(user=request.user).first(),
        "erasure_pending": request.user.erasure_requests.filter(state="pending").exists(),
        "decides_erasures": may_decide(request.user),
        # The read-only API (issue 25): the person's keys, and the form for a new one.
        "api_tokens": list(request.user.api_tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-id")),
        "api_token_form": api_token_form or ApiTokenForm(user=request.user),
    }


@require_safe
@login_required
def account(request):
    return render(request, "registration/account.html", account_context(request))


# A download asked for and not built yet within this long: asking again adds nothing.
DATA_EXPORT_PENDING = timedelta(minutes=30)
# The most downloads one person may ask for in a day (each one reads everything they wrote).
DATA_EXPORTS_PER_DAY = 5


@require_POST
@login_required
def data_export_request(request):
    """Ask for “Download my data”: a background task prepares the ZIP and e-mails a link."""
    form = DataExportForm(request.POST)
    pending = DataExport.objects.filter(
        user=request.user, ready_at__isnull=True, requested_at__gt=timezone.now() - DATA_EXPORT_PENDING
    ).exists()
    if pending:
        messages.info(request, _("Your data is already being prepared: the e-mail with the link is on its way."))
        return redirect("account")
    today = DataExport.objects.filter(user=request.user, requested_at__gt=timezone.now() - timedelta(days=1)).count()
    if today >= DATA_EXPORTS_PER_DAY:
        messages.error(
            request,
            _(
                "You have asked for %(count)s downloads of your data in the last day: please use the link of the last e-mail, or ask again tomorrow."
            )
            % {"count": today},
        )
        return redirect("account")
    saved = submission_save(
        request, form, lambda: data_exports.export_request(user=request.user), url=lambda _export: reverse("account")
    )
    if saved is not None and not saved.again:
        messages.success(
            request,
            _("We are preparing your data. You will receive an e-mail at %(email)s with a link to download it.")
            % {"email": request.user.email},
        )
    return redirect("account")


@require_safe
@never_cache
@login_required
def data_export_download(request, token):
    """The link of the e-mail: only for the person who asked (anyone else: not found),
    and only before it expires (after: the page that says so, 410)."""
    export = data_exports.export_for_token(request.user, token)
    if export is None:
        raise Http404(_("No data download at this address."))
    if export.expired or not export.file:
        return render(request, "registration/data_export_expired.html", status=410)
    try:
        handle = storages["attachments"].open(export.file, "rb")
    except OSError as exc:
        raise Http404(_("This file cannot be read at the moment.")) from exc
    filename = f"my-data-{timezone.localtime(export.ready_at):%Y-%m-%d}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def calendar_token_renew(request):
    """A new secret for the person's calendar subscription addresses (the old ones stop)."""
    request.user.calendar_token = secrets.token_urlsafe(32)
    request.user.save(update_fields=["calendar_token"])
    messages.success(
        request,
        _("Your private calendar addresses are ready. Anyone who has one sees the visits it lists: keep it to yourself."),
    )
    return redirect(safe_next(request, "account"))


@require_safe
@login_required
def rules(request):
    """The rules table, as people read it: for each document, what each role may do."""
    roles = list(ROLE_LABELS)
    rows = []
    for document, actions in RULES.items():
        cells = [
            [str(ACTION_LABELS[action]) for action, allowed_roles in actions.items() if role in allowed_roles] for role in roles
        ]
        rows.append((DOCUMENT_LABELS[document], cells))
    return render(request, "rules.html", {"roles": [ROLE_LABELS[r] for r in roles], "rows": rows})


def admin_login(request, extra_context=None):
    """The administration signs in through the site's own sign-in (its password form or
    the organisation's single sign-on, then the second factor), never a second password
    form of its own, which would stay on with ``PASSWORD_LOGIN`` off. The hook is
    ``AdminSite.login``, replaced as django-allauth documents for its own sign-in. Someone signed in
    who is not staff is refused (sending them to sign in would go round in a loop)."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))
