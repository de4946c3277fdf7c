"""Single sign-on with OpenID Connect (issue 25; mentoring/sso.py, docs/sso.md), end to
end against a real provider started by the tests on 127.0.0.1 (tests/oidc_provider/):
the site's test client on one side, the provider's pages through HTTP on the other, and
the site talking to the provider over HTTP in between (token, user information, keys).

“a person signs in with their organisation's account when their e-mail is verified by
the provider and matches an account or an invitation (no open sign-up: roles still come
from invitations); password login can be turned off per deployment.”
Bad input: “an OIDC response with an unverified e-mail, a wrong audience, an expired
token, a replayed state ... Clear answers, nothing leaked, nothing changed.”
"""

import html

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentoring.models import LogEntry, User
from mentoring.sso import REASONS
from schemes.models import Invitation, ProgrammeRole, SchemeRole
from schemes.services.invitations import invitation_create

from .conftest import PASSWORD

ADA = "ada.lovelace@org.example"  # verified by the provider
BOB = "bob.unverified@org.example"  # not verified


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on on, with the provider's own application for this site."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    return oidc_provider


def use_application(settings, provider, application):
    for name, value in provider.settings(application).items():
        setattr(settings, name, value)


def start(client, next_url=None):
    """The login page's button: the address of the provider's authorization page."""
    response = client.get(reverse("oidc_authentication_init"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, provider, username, browser=None):
    """The whole way: the button, the provider's login, back to the site's callback.
    Returns the callback's answer and the callback address (code and state)."""
    callback = provider.sign_in(start(client), username, browser)
    assert callback.startswith("http://testserver/accounts/oidc/callback/?"), callback
    return client.get(callback), callback


def signed_in_as(client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def login_page_says(client, reason):
    """The login page the refusal lands on, showing the reason."""
    page = client.get(reverse("login"))
    text = html.unescape(page.content.decode())
    assert str(REASONS[reason]) in text, text[:3000]
    return text


def refused(response, client, reason):
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    return login_page_says(client, reason)


def invite(personas, email, *, scheme=None, role="observer"):
    return invitation_create(
        programme=personas.programme,
        scheme=scheme,
        email=email,
        role=role,
        invited_by=personas.users["coordinator"],
        build_url=lambda path: f"http://testserver{path}",
        first_name="Ada",
        last_name="Invited",
    ).invitation


@pytest.mark.django_db
def test_a_verified_address_of_an_account_signs_in(sso):
    user = User.objects.create_user(email="Ada.Lovelace@Org.Example", password=PASSWORD)
    client = Client()
    response, _callback = sign_in(client, sso, "ada")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == user
    assert client.get(reverse("home")).status_code == 200
    # The login record is kept as for a password (django-axes), at the callback.
    record = AccessLog.objects.get(username=user.email)
    assert record.path_info == reverse("oidc_authentication_callback")
    user.refresh_from_db()
    assert user.has_usable_password()  # nothing about the account changed


@pytest.mark.django_db
def test_the_page_asked_for_comes_after_signing_in(sso, personas):
    User.objects.create_user(email=ADA, password=PASSWORD)
    client = Client()
    callback = sso.sign_in(start(client, next_url="/notifications/"), "ada")
    response = client.get(callback)
    assert response["Location"] == "/notifications/"
    # An address elsewhere is not followed.
    client = Client()
    callback = sso.sign_in(start(client, next_url="https://elsewhere.example/"), "ada")
    assert client.get(callback)["Location"] == reverse("home")


@pytest.mark.django_db
def test_an_open_invitation_creates_the_account_with_its_roles(sso, personas):
    first = invite(personas, ADA)
    second = invite(personas, ADA.upper(), scheme=personas.a, role="facilitator")
    expired = invite(personas, ADA, scheme=personas.b, role="facilitator")
    Invitation.objects.filter(pk=expired.pk).update(expires_at="2020-01-01T00:00Z")
    users_before = User.objects.count()
    client = Client()
    response, _callback = sign_in(client, sso, "ada")
    assert response.status_code == 302
    user = signed_in_as(client)
    assert user is not None and user.email == ADA
    assert User.objects.count() == users_before + 1
    # Names from the organisation; no password: they sign in through their organisation.
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    # The roles come from the invitations, accepted by the invitation page's service.
    assert ProgrammeRole.objects.filter(user=user, programme=personas.programme, role="observer").exists()
    assert SchemeRole.objects.filter(user=user, scheme=personas.a, role="facilitator").exists()
    assert not SchemeRole.objects.filter(user=user, scheme=personas.b).exists()
    for invitation in (first, second):
        invitation.refresh_from_db()
        assert invitation.state == "accepted" and invitation.accepted_by == user
    expired.refresh_from_db()
    assert expired.state == "expired"
    assert LogEntry.objects.filter(action="invitation.accepted", actor=user).count() == 2
    # The scheme is there for them.
    assert "Scheme A" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_no_account_and_no_invitation_is_refused_and_creates_nothing(sso, personas):
    withdrawn = invite(personas, ADA)
    Invitation.objects.filter(pk=withdrawn.pk).update(revoked_at="2026-01-01T00:00Z")
    users_before, log_before = User.objects.count(), LogEntry.objects.count()
    client = Client()
    response, _callback = sign_in(client, sso, "ada")
    refused(response, client, "unknown")
    assert User.objects.count() == users_before
    assert LogEntry.objects.count() == log_before


@pytest.mark.django_db
def test_an_unverified_address_is_refused_even_with_an_invitation(sso, personas):
    invitation = invite(personas, BOB)
    User.objects.create_user(email="someone@org.example", password=PASSWORD)
    users_before = User.objects.count()
    client = Client()
    response, _callback = sign_in(client, sso, "bob")
    text = refused(response, client, "unverified")
    assert "someone@org.example" not in text
    assert User.objects.count() == users_before
    invitation.refresh_from_db()
    assert invitation.state == "pending"
    # The failed attempt is recorded as a password's is (django-axes), under the address.
    assert AccessAttempt.objects.filter(username=BOB, path_info=reverse("oidc_authentication_callback")).exists()


@pytest.mark.django_db
def test_an_account_that_is_switched_off_is_refused(sso):
    User.objects.create_user(email=ADA, password=PASSWORD, is_active=False)
    client = Client()
    response, _callback = sign_in(client, sso, "ada")
    refused(response, client, "closed")


@pytest.mark.django_db
def test_an_id_token_for_another_audience_is_refused(sso, settings):
    # The provider's "Wrong audience" application addresses its ID tokens to another
    # application: mozilla-django-oidc alone would accept them.
    use_application(settings, sso, "Wrong audience")
    User.objects.create_user(email=ADA, password=PASSWORD)
    client = Client()
    response, _callback = sign_in(client, sso, "ada")
    refused(response, client, "token")


@pytest.mark.django_db
def test_an_expired_id_token_is_refused(sso, settings):
    use_application(settings, sso, "Expired tokens")
    User.objects.create_user(email=ADA, password=PASSWORD)
    client = Client()
    response, _callback = sign_in(client, sso, "ada")
    refused(response, client, "expired")


@pytest.mark.django_db
def test_a_replayed_callback_is_refused(sso):
    user = User.objects.create_user(email=ADA, password=PASSWORD)
    client = Client()
    response, callback = sign_in(client, sso, "ada")
    assert signed_in_as(client) == user
    # The same callback again in the same session: its state was used (the person
    # stays who they were).
    assert client.get(callback)["Location"] == reverse("login")
    assert signed_in_as(client) == user
    client.post(reverse("logout"))
    # After logging out, and from someone else's browser: refused, not signed in.
    for other in (client, Client()):
        response = other.get(callback)
        refused(response, other, "state")
    # A new sign-in started in this browser, with the old code: the provider refuses
    # the code it already gave out.
    attacker = Client()
    authorize = start(attacker)
    state = dict(part.split("=", 1) for part in authorize.split("?", 1)[1].split("&"))["state"]
    code = dict(part.split("=", 1) for part in callback.split("?", 1)[1].split("&"))["code"]
    response = attacker.get(reverse("oidc_authentication_callback"), {"code": code, "state": state})
    refused(response, attacker, "provider")


@pytest.mark.django_db
def test_a_sign_in_cancelled_at_the_provider_is_said(sso):
    client = Client()
    authorize = start(client)
    state = dict(part.split("=", 1) for part in authorize.split("?", 1)[1].split("&"))["state"]
    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state})
    refused(response, client, "cancelled")


@pytest.mark.django_db
def test_the_second_factor_is_still_asked(sso):
    user = User.objects.create_user(email=ADA, password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    sign_in(client, sso, "ada")
    assert signed_in_as(client) == user
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.django_db
def test_the_login_page_offers_the_organisation_and_the_password(sso):
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Example Organisation" in page
    assert 'name="password"' in page
    assert reverse("password_reset") in page


@pytest.mark.django_db
def test_without_single_sign_on_nothing_of_it_shows(settings):
    settings.OIDC_RP_CLIENT_ID = ""
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert Client().get(reverse("oidc_authentication_init")).status_code == 404
    assert Client().get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


@pytest.mark.django_db
def test_password_login_off(sso, settings, personas):
    settings.PASSWORD_LOGIN = False
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Example Organisation" in page
    assert 'name="password"' not in page
    assert reverse("password_reset") not in page
    # A password sent anyway is refused, with the reason.
    response = client.post(reverse("login"), {"username": personas.users["mentee"].email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Passwords are not used here" in html.unescape(response.content.decode())
    assert signed_in_as(client) is None
    # The password pages say how to sign in instead.
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "Sign in with Example Organisation" in response.content.decode()
    assert client.post(reverse("password_reset"), {"email": personas.users["mentee"].email}).status_code == 403
    # An invitation is accepted by signing in through the organisation, not a password.
    sent = invitation_create(
        programme=personas.programme,
        email=ADA,
        role="observer",
        invited_by=personas.users["coordinator"],
        build_url=lambda path: f"http://testserver{path}",
    )
    path = sent.link.removeprefix("http://testserver")
    page = client.get(path).content.decode()
    assert "Sign in with Example Organisation" in page and 'name="password1"' not in page
    response = client.post(path, {"first_name": "A", "last_name": "B", "password1": "x" * 12, "password2": "x" * 12})
    assert response.status_code == 403
    assert sent.invitation.__class__.objects.get(pk=sent.invitation.pk).state == "pending"
    # ... and signing in through the organisation accepts it.
    response, _callback = sign_in(client, sso, "ada")
    assert signed_in_as(client).email == ADA
    # A signed-in person's password change page says the same, and the account page
    # offers no password to change.
    assert client.get(reverse("password_change")).status_code == 403
    account = client.get(reverse("account")).content.decode()
    assert "Your account" in account and reverse("password_change") not in account


def test_logging_out_here_logs_out_of_the_organisation_too(sso, personas):
    import requests

    User.objects.create_user(email=ADA, password=None, first_name="Ada", last_name="Lovelace")
    client, browser = Client(), requests.Session()  # the site; the provider's cookies
    sign_in(client, sso, "ada", browser)
    assert signed_in_as(client).email == ADA
    # While signed in at the provider, its authorization page sends the browser straight
    # back to the site, without asking for the password.
    again = browser.get(start(Client()), timeout=10, allow_redirects=False)
    assert again.status_code == 302 and again.headers["Location"].startswith("http://testserver/accounts/oidc/callback/")
    # The pages let the "Log out" form end at the provider (browsers check form-action).
    assert f"form-action 'self' {sso.url};" in client.get(reverse("home"))["Content-Security-Policy"]
    response = client.post(reverse("logout"))
    assert signed_in_as(client) is None
    at_provider = response["Location"]
    assert at_provider.startswith(sso.discovery["end_session_endpoint"] + "?")
    assert "id_token_hint=" in at_provider and "client_id=mentoring-site" in at_provider
    # The provider ends its session and sends the browser back to the site's login page.
    back = browser.get(at_provider, timeout=10, allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/accounts/login/"
    # Signing in again needs the organisation's password again.
    assert browser.get(start(Client()), timeout=10).url.startswith(f"{sso.url}/login/")
    # Someone who signed in with a password just logs out here, as before.
    password_client = personas.client("mentee")
    assert password_client.post(reverse("logout"))["Location"] == reverse("login")


def test_the_administration_signs_in_through_the_sites_own_sign_in(sso, settings, personas):
    settings.PASSWORD_LOGIN = False
    client = Client()
    # No password form of the admin's own: the site's sign-in, coming back to the admin.
    response = client.get("/admin/login/?next=/admin/schemes/scheme/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/schemes/scheme/"
    assert client.post("/admin/login/", {"username": personas.users["mentee"].email, "password": PASSWORD}).status_code == 302
    assert signed_in_as(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "Sign in with Example Organisation" in page and 'name="password"' not in page
    # Signed in through the organisation, a member of staff reaches the admin...
    staff = User.objects.create_user(email=ADA, password=None, first_name="Ada", last_name="Admin")
    staff.is_staff = True
    staff.save()
    sign_in(client, sso, "ada")
    assert client.get("/admin/login/").url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    # ... and someone signed in who is not staff is refused, not sent round in a loop.
    other = Client()
    other.force_login(personas.users["mentee"])
    assert other.get("/admin/login/").status_code == 403


def test_settings_refuse_a_half_configured_single_sign_on():
    from .test_settings_and_demo import run_check

    result = run_check({"DEBUG": "true", "PASSWORD_LOGIN": "false"})
    assert result.returncode != 0
    assert "PASSWORD_LOGIN=false needs single sign-on" in result.stderr
    result = run_check({"DEBUG": "true", "OIDC_RP_CLIENT_ID": "site", "OIDC_RP_CLIENT_SECRET": "secret"})
    assert result.returncode != 0
    assert "also needs OIDC_OP_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr


def test_settings_for_a_provider_start(oidc_provider):
    from .test_settings_and_demo import run_check

    result = run_check({"DEBUG": "true", "PASSWORD_LOGIN": "false", **oidc_provider.settings()})
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_a_link_to_the_callback_logs_nobody_out(sso, personas):
    client = personas.client("mentee")
    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied", "state": "forged"})
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) == personas.users["mentee"]


@pytest.mark.django_db
def test_repeated_failures_are_throttled_like_passwords(sso, settings, personas):
    # django-axes counts sign-ins whose answer cannot be read per client (no address is
    # known yet): at the limit, the lock-out page, for single sign-on from that client.
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user(email=ADA, password=PASSWORD)
    use_application(settings, sso, "Expired tokens")
    client = Client()
    statuses = [sign_in(client, sso, "ada")[0].status_code for _attempt in range(3)]
    assert statuses == [302, 302, 429]
    use_application(settings, sso, "Mentoring")
    response, _callback = sign_in(client, sso, "ada")
    assert response.status_code == 429
    assert "Signing in from here is paused for a while" in response.content.decode()
    assert signed_in_as(client) is None
    # A password login of another address from the same client is its own count.
    client.post(reverse("login"), {"username": personas.users["mentee"].email, "password": PASSWORD})
    assert signed_in_as(client) == personas.users["mentee"]


def test_the_settings_are_read_from_the_discovery_document(oidc_provider):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("sso_settings", oidc_provider.issuer, stdout=out)
    printed = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    expected = oidc_provider.settings()
    for name in ("OIDC_OP_ISSUER", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT"):
        assert printed[name] == expected[name]
    assert printed["OIDC_OP_JWKS_ENDPOINT"] == expected["OIDC_OP_JWKS_ENDPOINT"]
    assert printed["OIDC_OP_LOGOUT_ENDPOINT"] == expected["OIDC_OP_LOGOUT_ENDPOINT"]
    with pytest.raises(CommandError, match="No discovery document"):
        call_command("sso_settings", f"{oidc_provider.url}/nowhere", stdout=StringIO())
