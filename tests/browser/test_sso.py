"""Single sign-on in a browser (issue 25; docs/sso.md): an invited person signs in with
their organisation's account at a real OpenID Connect provider on 127.0.0.1
(tests/oidc_provider/), on a site where passwords are off; a person whose organisation
did not verify their address is told so. What the person sees at each step is written
to test-artifacts/sso-transcript.txt (the issue's "OIDC login transcript") and printed.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mentoring.models import User
from schemes.models import SchemeRole
from schemes.services.invitations import invitation_create

from .conftest import ARTIFACTS, capaci_learns_from_mechelen, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"


class Transcript:
    def __init__(self, site, provider):
        self.site, self.provider = urlsplit(site).netloc, urlsplit(provider).netloc
        self.lines = []

    def seen(self, page, step):
        """What the person sees now: where, the page's heading, its messages, its buttons."""
        page.wait_for_load_state()
        address = urlsplit(page.url)
        where = {self.site: "the site", self.provider: "the organisation's sign-in page"}.get(address.netloc, address.netloc)
        number = sum(1 for line in self.lines if line[:1].isdigit()) + 1
        self.lines.append(f"{number}. {step}")
        # An invitation's token is a secret: the transcript shows where, not the token.
        self.lines.append(f"   at {where}: {re.sub(r'^/invitations/[^/]+/', '/invitations/<token>/', address.path)}")
        self.lines.append(f"   heading: {page.get_by_role('heading', level=1).first.inner_text().strip()}")
        for alert in page.locator(".alert, [role=alert]").all():
            self.lines.append(f"   message: {' '.join(alert.inner_text().split())}")
        actions = [
            " ".join(item.inner_text().split())
            for item in page.locator("main a.btn, main button").all()
            if item.is_visible() and item.inner_text().strip()
        ]
        if actions:
            self.lines.append(f"   can: {' | '.join(dict.fromkeys(actions))}")
        fields = [label.inner_text().strip() for label in page.locator("main label").all() if label.is_visible()]
        if fields:
            self.lines.append(f"   fields: {', '.join(fields)}")

    def note(self, text):
        self.lines.append(f"   -> {text}")

    def text(self):
        return "\n".join(self.lines) + "\n"


def test_an_invited_person_signs_in_with_their_organisation(page, settings, live_server, oidc_provider, capsys):
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.PASSWORD_LOGIN = False
    scheme, _organisations = capaci_learns_from_mechelen([("coordinator@network.example", "facilitator", None)], PASSWORD)
    coordinator = User.objects.get(email="coordinator@network.example")
    sent = invitation_create(
        programme=scheme.programme,
        scheme=scheme,
        email="ada.lovelace@org.example",
        role="facilitator",
        invited_by=coordinator,
        build_url=lambda path: live_server.url + path,
    )
    transcript = Transcript(live_server.url, oidc_provider.url)
    transcript.lines.append("Single sign-on with OpenID Connect: the transcript of a browser test")
    transcript.lines.append(f"(the site at {live_server.url}, password login off; the provider at {oidc_provider.url})")
    transcript.lines.append("")
    transcript.lines.append("Ada Lovelace, invited by e-mail; her organisation verified ada.lovelace@org.example")

    page.goto(sent.link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect(page.get_by_label("Choose a password")).to_have_count(0)
    transcript.seen(page, "She opens the invitation link from her e-mail")
    screenshot(page, "sso-invitation")

    page.get_by_role("link", name="Sign in with Example Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Example Organisation")
    transcript.seen(page, "She clicks “Sign in with Example Organisation”")
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill(oidc_provider.password)
    transcript.note("she types her organisation's user name and password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Capaci learns from Mechelen")
    transcript.seen(page, "Her organisation sends her back to the site: she is in, on the scheme she was invited to")
    screenshot(page, "sso-signed-in")
    ada = User.objects.get(email="ada.lovelace@org.example")
    assert SchemeRole.objects.filter(user=ada, scheme=scheme, role="facilitator").exists()
    assert not ada.has_usable_password()
    transcript.note(f"account created: {ada.first_name} {ada.last_name}, facilitator of the scheme, no password")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label("Password")).to_have_count(0)
    transcript.seen(page, "She logs out: through her organisation (its session ends too), back to the login page")
    page.get_by_role("link", name="Sign in with Example Organisation").click()
    # Her organisation asks for her password again: nobody stays signed in on a shared computer.
    expect(page.get_by_role("heading", level=1)).to_have_text("Example Organisation")
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill(oidc_provider.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My programmes and schemes")
    transcript.seen(page, "She signs in again: her organisation asked for her password again")

    transcript.lines.append("")
    transcript.lines.append("Bob, whose organisation has not verified bob.unverified@org.example")
    other = page.context.browser.new_context(base_url=live_server.url, locale="en-GB")
    bob = other.new_page()
    bob.set_default_timeout(15_000)
    bob.goto("/accounts/login/")
    transcript.seen(bob, "He opens the site's login page")
    bob.get_by_role("link", name="Sign in with Example Organisation").click()
    bob.get_by_label("User name").fill("bob")
    bob.get_by_label("Password").fill(oidc_provider.password)
    transcript.note("at his organisation's sign-in page he types his user name and password")
    bob.get_by_role("button", name="Sign in").click()
    expect(bob.locator(".alert").filter(has_text="did not confirm")).to_be_visible()
    transcript.seen(bob, "His organisation sends him back: the site refuses, and says why")
    screenshot(bob, "sso-unverified")
    assert not User.objects.filter(email="bob.unverified@org.example").exists()
    transcript.note("no account was created")

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "sso-transcript.txt").write_text(transcript.text(), encoding="utf-8")
    with capsys.disabled():
        print("\n" + transcript.text())
