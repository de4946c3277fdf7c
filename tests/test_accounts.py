"""Accounts: invitations with one-time links, giving roles, password reset by e-mail, the
second factor (TOTP)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentoring.models import User
from schemes.models import Invitation, ProgrammeRole, SchemeRole
from tests.conftest import PASSWORD

NEW_PASSWORD = "river-lantern-orchard-42"


def invite(client, url, **fields):
    data = {
        "action": "invite",
        "invite-email": "new.officer@menteeville.example",
        "invite-first_name": "Nora",
        "invite-last_name": "Officer",
        "invite-role": "mentee",
        "invite-organisation": "",
        "invite-message": "",
    }
    data.update({f"invite-{key}": value for key, value in fields.items()})
    return client.post(url, data)


def link_in(message):
    return re.search(r"https?://\S+/invitations/(\S+)/", message.body)


def test_a_facilitator_invites_a_mentee_officer_who_sets_a_password_and_is_in(personas):
    client = personas.client("facilitator")
    response = invite(client, "/programmes/test-programme/schemes/1/people/", organisation=personas.mentee_city.pk)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.officer@menteeville.example"]
    assert "Facilitator Tester invites you to take part as Mentee city in Test Programme #1: Scheme A" in " ".join(
        message.body.split()
    )
    token = link_in(message).group(1)

    newcomer = personas.client("anonymous")
    page = newcomer.get(f"/invitations/{token}/")
    assert page.status_code == 200 and "new.officer@menteeville.example" in page.content.decode()
    # A weak password is refused, the names typed are kept.
    weak = newcomer.post(
        f"/invitations/{token}/", {"first_name": "Nora", "last_name": "Officer", "password1": "123", "password2": "123"}
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode() and 'value="Nora"' in weak.content.decode()
    assert not User.objects.filter(email="new.officer@menteeville.example").exists()
    done = newcomer.post(
        f"/invitations/{token}/",
        {"first_name": "Nora", "last_name": "Officer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == "/programmes/test-programme/schemes/1/"
    user = User.objects.get(email="new.officer@menteeville.example")
    role = SchemeRole.objects.get(user=user)
    assert (role.scheme, role.role, role.party.organisation) == (personas.a, "mentee", personas.mentee_city)
    assert user.password.startswith("argon2") or user.check_password(NEW_PASSWORD)
    assert newcomer.get("/programmes/test-programme/schemes/1/").status_code == 200

    # The link works once.
    again = personas.client("anonymous").get(f"/invitations/{token}/")
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_an_expired_or_withdrawn_invitation_link_is_refused_clearly(personas):
    client = personas.client("coordinator")
    invite(client, "/programmes/test-programme/people/", role="observer")
    token = link_in(mail.outbox[0]).group(1)
    invitation = Invitation.objects.get()
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = personas.client("anonymous").post(
        f"/invitations/{token}/", {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert (
        response.status_code == 410
        and "expired on" in response.content.decode()
        and "Coordinator Tester" in response.content.decode()
    )
    assert not User.objects.filter(email="new.officer@menteeville.example").exists()

    invitation.expires_at = timezone.now() + timedelta(days=1)
    invitation.save()
    assert client.post(f"/programmes/test-programme/invitations/{invitation.pk}/withdraw/", {"confirmed": "1"}).status_code == 302
    response = personas.client("anonymous").get(f"/invitations/{token}/")
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert personas.client("anonymous").get("/invitations/made-up-token/").status_code == 410


def test_an_invitation_someone_else_sent_after_the_form_was_drawn_is_kept_not_replaced(personas):
    """Two organisers invite the same person, the second from a page drawn before the
    first one's invitation: the first invitation stays the live one, the second organiser
    is told why theirs was not sent, with what they typed, and no second e-mail goes out.
    From a page drawn afterwards (they can see the invitation waiting), a new invitation
    replaces it, as before."""
    url = "/programmes/test-programme/people/"
    coordinator, other = personas.client("coordinator"), personas.client("facilitator")
    programme_role = ProgrammeRole.objects.create(
        programme=personas.programme, user=personas.users["facilitator"], role="coordinator"
    )
    drawn = other.get(url).context["invite_form"]["drawn_at"].value()
    assert invite(coordinator, url, role="observer").status_code == 302
    first = Invitation.objects.get()
    response = invite(other, url, role="observer", drawn_at=drawn, message="Welcome!")
    page = response.content.decode()
    assert response.status_code == 200 and "was just invited by someone else" in page and "Welcome!" in page
    assert list(Invitation.objects.pending()) == [first] and len(mail.outbox) == 1
    # Drawn again, the page shows the invitation waiting: sending now replaces it.
    drawn = other.get(url).context["invite_form"]["drawn_at"].value()
    assert invite(other, url, role="observer", drawn_at=drawn).status_code == 302
    assert Invitation.objects.pending().get() != first and len(mail.outbox) == 2
    # A page without the field (or a forged one) sends as before.
    assert invite(coordinator, url, role="observer", drawn_at="not a time").status_code == 302
    programme_role.delete()


def test_an_invitation_to_an_address_with_an_account_is_refused_and_the_role_can_be_given_instead(personas):
    client = personas.client("coordinator")
    response = invite(client, "/programmes/test-programme/people/", email="OUTSIDER@test.example", role="observer")
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert Invitation.objects.count() == 0 and mail.outbox == []
    response = client.post(
        "/programmes/test-programme/people/",
        {"action": "grant", "grant-email": "outsider@test.example", "grant-role": "observer"},
    )
    assert response.status_code == 302
    assert ProgrammeRole.objects.filter(user=personas.users["outsider"], role="observer").exists()
    response = client.post(
        "/programmes/test-programme/people/", {"action": "grant", "grant-email": "nobody@test.example", "grant-role": "observer"}
    )
    assert "No account has this address" in response.content.decode()


@pytest.mark.parametrize(
    "who, url, fields, message",
    [
        # A facilitator may not make someone a facilitator or coordinator.
        ("facilitator", "/programmes/test-programme/schemes/1/people/", {"role": "facilitator"}, "Select a valid choice"),
        # A mentee officer must act for a mentee-side city of the scheme...
        ("coordinator", "/programmes/test-programme/schemes/1/people/", {"role": "mentee"}, "Choose the city or organisation"),
        (
            "coordinator",
            "/programmes/test-programme/schemes/1/people/",
            {"role": "mentee", "organisation": "mentor_city"},
            "on the right side",
        ),
        # ...and never for an organisation of another scheme (a tampered id).
        (
            "coordinator",
            "/programmes/test-programme/schemes/1/people/",
            {"role": "mentee", "organisation": "b_mentee"},
            "Select a valid choice",
        ),
        ("coordinator", "/programmes/test-programme/people/", {"email": "not-an-address"}, "Enter a valid email address"),
        (
            "coordinator",
            "/programmes/test-programme/people/",
            {"role": "observer", "message": "<img src=x onerror=alert(1)>"},
            "Write plain text",
        ),
    ],
)
def test_bad_invitations_are_refused_and_send_nothing(personas, who, url, fields, message):
    organisations = {"mentor_city": personas.mentor_city.pk, "b_mentee": personas.b_mentee.pk}
    if fields.get("organisation") in organisations:
        fields = {**fields, "organisation": organisations[fields["organisation"]]}
    response = invite(personas.client(who), url, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_people_without_the_right_cannot_invite(personas):
    response = invite(
        personas.client("mentee"), "/programmes/test-programme/schemes/1/people/", organisation=personas.mentee_city.pk
    )
    assert response.status_code == 403
    response = invite(personas.client("facilitator"), "/programmes/test-programme/people/", role="observer")
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_two_clicks_on_one_link_create_one_account(personas):
    from schemes.services.invitations import InvitationError, invitation_accept

    invite(personas.client("coordinator"), "/programmes/test-programme/people/", role="observer")
    token = link_in(mail.outbox[0]).group(1)
    invitation_accept(token=token, password=NEW_PASSWORD, first_name="A", last_name="B")
    with pytest.raises(InvitationError):
        invitation_accept(token=token, password=NEW_PASSWORD, first_name="A", last_name="B")
    assert User.objects.filter(email="new.officer@menteeville.example").count() == 1


def test_password_reset_by_email(personas):
    client = personas.client("anonymous")
    response = client.post("/accounts/password-reset/", {"email": "mentee@test.example"})
    assert response.status_code == 302
    link = re.search(r"(/accounts/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(email="mentee@test.example").check_password(NEW_PASSWORD)
    # An unknown address gets the same answer, and no e-mail: accounts are not revealed.
    assert client.post("/accounts/password-reset/", {"email": "nobody@test.example"}).status_code == 302
    assert len(mail.outbox) == 1


def login(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_a_person_turns_on_a_second_factor_and_then_needs_a_code_to_get_in(personas):
    client = personas.client("anonymous")
    assert login(client, "mentor@test.example").status_code == 302
    page = client.get("/accounts/two-factor/")
    assert "<svg" in page.content.decode() and "Key:" in page.content.decode()
    # Opening the page writes nothing: the key shown waits in the session.
    assert not TOTPDevice.objects.filter(user=personas.users["mentor"]).exists()
    device = TOTPDevice(key=client.session["two_factor_setup_key"])
    wrong = client.post("/accounts/two-factor/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "This code is not right" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=personas.users["mentor"], key=device.key)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert client.post("/accounts/two-factor/", {"token": current_code(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=personas.users["mentor"]).confirmed

    # Next login: password, then the code, before any page.
    other = personas.client("anonymous")
    assert login(other, "mentor@test.example").status_code == 302
    blocked = other.get("/programmes/test-programme/schemes/1/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/two-factor/verify/")
    device.refresh_from_db()
    device.last_t = -1  # the same 30-second code may be used again in this test
    device.save()
    verified = other.post(blocked["Location"], {"token": current_code(device), "next": "/programmes/test-programme/schemes/1/"})
    assert verified.status_code == 302 and verified["Location"] == "/programmes/test-programme/schemes/1/"
    assert other.get("/programmes/test-programme/schemes/1/").status_code == 200


def test_coordinators_must_set_up_a_second_factor_when_the_setting_says_so(personas, settings):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    coordinator = personas.client("anonymous")
    login(coordinator, "coordinator@test.example")
    response = coordinator.get("/programmes/test-programme/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    mentee = personas.client("anonymous")
    login(mentee, "mentee@test.example")
    assert mentee.get("/programmes/test-programme/").status_code == 200


def grant(client, url, email, role, organisation=""):
    return client.post(url, {"action": "grant", "grant-email": email, "grant-role": role, "grant-organisation": organisation})


def test_nobody_gives_a_role_to_themselves(personas):
    """A facilitator made themselves the mentee city and approved its plan: a role given
    to oneself is refused, at the programme and in a scheme, and nothing is given."""
    p = personas
    scheme_people = "/programmes/test-programme/schemes/1/people/"
    response = grant(p.client("facilitator"), scheme_people, "facilitator@test.example", "mentee", p.mentee_city.pk)
    assert response.status_code == 200 and "You cannot give a role to yourself" in response.content.decode()
    response = grant(p.client("coordinator"), "/programmes/test-programme/people/", "coordinator@test.example", "observer")
    assert response.status_code == 200 and "You cannot give a role to yourself" in response.content.decode()
    assert not SchemeRole.objects.filter(user=p.users["facilitator"], role="mentee").exists()
    assert not ProgrammeRole.objects.filter(user=p.users["coordinator"], role="observer").exists()


def test_a_scheme_helper_never_also_acts_for_one_of_its_cities(personas, django_user_model):
    """Nobody is both the scheme's organiser and one of its city officers: the city's own
    acts (submitting, approving its plan) stay with the city."""
    p = personas
    scheme_people = "/programmes/test-programme/schemes/1/people/"
    second = django_user_model.objects.create_user(email="second.facilitator@test.example")
    SchemeRole.objects.create(scheme=p.a, user=second, role="facilitator")
    response = grant(p.client("facilitator"), scheme_people, second.email, "mentee", p.mentee_city.pk)
    assert response.status_code == 200 and "cannot also act for one of its cities" in response.content.decode()
    response = grant(p.client("coordinator"), scheme_people, "mentee@test.example", "facilitator")
    assert response.status_code == 200 and "cannot also facilitate it" in response.content.decode()
    response = grant(p.client("coordinator"), "/programmes/test-programme/people/", "mentee@test.example", "coordinator")
    assert response.status_code == 200 and "cannot also coordinate it" in response.content.decode()
    assert not SchemeRole.objects.filter(user=second, role="mentee").exists()
    assert not SchemeRole.objects.filter(user=p.users["mentee"], role="facilitator").exists()
    assert not ProgrammeRole.objects.filter(user=p.users["mentee"], role="coordinator").exists()
    # An officer who is nothing else in the scheme is given the role as before.
    assert grant(p.client("facilitator"), scheme_people, "outsider@test.example", "mentee", p.mentee_city.pk).status_code == 302
