"""The privacy notice (issue 25): a public page that names the controller from the
settings, says what is kept and for how long, linked from every page's footer and from
the e-mails sent to people who have no account yet."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from schemes.models import CallApplication
from schemes.services.calls import application_decline
from schemes.services.invitations import invitation_create

PRIVACY = "/privacy/"


def privacy_links(html):
    return re.findall(r'<a [^>]*href="(/privacy/)"', html)


@pytest.mark.parametrize("key", ["anonymous", "mentee", "coordinator", "outsider"])
def test_the_notice_is_open_to_anyone(personas, key):
    response = personas.client(key).get(PRIVACY)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Privacy: how your personal data is used" in text
    assert "What you can ask for" in text


@override_settings(
    PRIVACY_CONTROLLER_NAME="Association of Testland Cities",
    PRIVACY_CONTROLLER_CONTACT="privacy@testland.example",
    PRIVACY_DPO_CONTACT="dpo@testland.example",
)
def test_the_notice_names_the_controller_and_contacts_from_the_settings(db):
    text = Client().get(PRIVACY).content.decode()
    assert "<strong>Association of Testland Cities</strong> is responsible for the personal data" in text
    assert "To ask anything about your data, write to: privacy@testland.example" in text
    assert "Data protection officer: dpo@testland.example" in text
    assert "has not yet written its name here" not in text


@override_settings(PRIVACY_CONTROLLER_NAME="", PRIVACY_CONTROLLER_CONTACT="", PRIVACY_DPO_CONTACT="")
def test_without_a_controller_the_notice_says_it_is_not_named_yet(db):
    text = Client().get(PRIVACY).content.decode()
    assert "It has not yet written its name here: ask the coordinator of your programme." in text
    assert "Data protection officer" not in text
    assert "write to:" not in text


def test_the_controller_name_is_escaped(db, settings):
    settings.PRIVACY_CONTROLLER_NAME = "<script>alert(1)</script>"
    text = Client().get(PRIVACY).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_the_periods_come_from_the_settings(db, settings):
    settings.SESSION_COOKIE_AGE = 3 * 3600
    settings.SESSION_ABSOLUTE_SECONDS = 10 * 3600
    settings.ATTACHMENT_RETENTION_DAYS = 90
    settings.INVITATION_VALID_DAYS = 14
    text = " ".join(Client().get(PRIVACY).content.decode().split())
    assert "You are logged out after 3 hours without activity, and at the latest 10 hours after you logged in." in text
    assert "A removed file is kept for 90 days so that it can be brought back, then deleted." in text
    assert "An invitation link works for 14 days." in text


def test_archived_programmes_are_kept_retention_days_730_by_default(db, settings):
    if hasattr(settings, "RETENTION_DAYS"):
        del settings.RETENTION_DAYS
    text = " ".join(Client().get(PRIVACY).content.decode().split())
    assert "Once the programme is archived, they are deleted after 730 days." in text
    settings.RETENTION_DAYS = 365
    text = " ".join(Client().get(PRIVACY).content.decode().split())
    assert "Once the programme is archived, they are deleted after 365 days." in text


def test_the_rights_point_at_the_account_page(db):
    text = Client().get(PRIVACY).content.decode()
    assert "“Download my data” on your account page" in text
    assert "“Delete my account” on your account page. A coordinator of your programme confirms it." in text
    assert "data protection authority" in text
    assert 'href="/accounts/"' in text


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("anonymous", "/accounts/login/"),
        ("anonymous", PRIVACY),
        ("mentee", "/"),
        ("mentee", "/programmes/test-programme/schemes/1/"),
        ("coordinator", "/programmes/test-programme/"),
    ],
)
def test_every_page_footer_links_to_the_notice(personas, key, url):
    response = personas.client(key).get(url)
    assert response.status_code == 200
    footer = response.content.decode().split("<footer", 1)[1]
    assert privacy_links(footer) == ["/privacy/"]
    assert ">Privacy</a>" in footer


def test_a_person_waiting_for_their_second_factor_may_read_the_notice(personas, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = personas.users["mentee"]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = personas.client("mentee")
    assert client.get("/").status_code == 302  # asked for the code first
    assert client.get(PRIVACY).status_code == 200


def test_the_invitation_email_carries_the_absolute_privacy_link(personas, settings):
    settings.SITE_URL = "https://mentoring.example.org"
    invitation_create(
        programme=personas.programme,
        email="newcomer@example.org",
        role="observer",
        invited_by=personas.users["coordinator"],
        build_url=lambda path: "https://mentoring.example.org" + path,
    )
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    assert "How your personal data is used: https://mentoring.example.org/privacy/" in message.body


def test_a_declined_call_application_email_carries_the_privacy_link(personas, settings):
    from datetime import timedelta

    from django.utils import timezone

    from schemes.models import Call

    settings.SITE_URL = "https://mentoring.example.org"
    today = timezone.localdate()
    call = Call.objects.create(
        programme=personas.programme,
        title="Join us",
        text="Cities may apply.",
        side="both",
        opens=today - timedelta(days=1),
        closes=today + timedelta(days=10),
        questions="Why?",
    )
    application = CallApplication.objects.create(
        call=call,
        side="mentee",
        city_name="Smallvale",
        country="BE",
        contact_name="Ann Lead",
        contact_email="lead@smallvale.example",
    )
    application_decline(application=application, message="Not this time.", actor=personas.users["coordinator"])
    (message,) = mail.outbox
    assert "How your personal data is used: https://mentoring.example.org/privacy/" in message.body
    html = message.alternatives[0][0]
    assert '<a href="https://mentoring.example.org/privacy/">How your personal data is used</a>' in html


def test_the_notice_reads_in_french(db):
    response = Client().get(PRIVACY, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="fr"' in text
    assert "Ce que vous pouvez demander" in text and "What you can ask for" not in text


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_the_server_error_pages_link_the_notice_too(template):
    # The error pages are rendered without the request's context (the database may be down).
    from django.template.loader import render_to_string

    assert privacy_links(render_to_string(template)) == [PRIVACY]
