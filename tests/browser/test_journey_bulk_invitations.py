"""Issue 20 in the browser: a facilitator pastes a list of twenty people, previews what
happens to each line (nothing sent), then sends; the outcomes go to
test-artifacts/invitations-transcript.txt."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mentoring.models import User
from schemes.models import Invitation, OrganisationKind, Side

from .conftest import ARTIFACTS, log_in, scheme_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"

TWENTY = [
    "Nora Bianchi <nora@capaci.example>",
    "Luca Greco, luca@capaci.example, Capaci, mentee",
    "Sofie Peeters, sofie@mechelen.example, Mechelen, mentor",
    "Jan Maes; jan@mechelen.example; Mechelen; mentor",
    "Carla Russo, carla@anci.example, ANCI, Municipal association",
    ", observer@eurocities.example, , observer",
    "Piet Janssens, piet@existing.example, Mechelen, mentor",
    "Ines Rossi, ines@capaci.example, Capaci, mentee",
    "not-an-address",
    "Marta, marta@@capaci.example",
    "Olga, olga@gdansk.example, Gdansk, mentee",
    "Rita, rita@capaci.example, Capaci, mayor",
    "NORA@capaci.example",
    '=HYPERLINK("http://evil.example","click"), h@capaci.example',
    "<script>alert(1)</script> <xss@capaci.example>",
    "Peer, peer@capaci.example, Mechelen, mentee",
    "Giulia Conti, giulia@capaci.example, Capaci, mentee",
    "Tom Claes, tom@mechelen.example, Mechelen, mentor",
    "Eva Lind, eva@eurocities.example, , observer",
    "Dario Fo, dario@capaci.example, Capaci, mentee",
]


def test_a_list_of_twenty_is_previewed_then_sent(page, live_server, settings):
    settings.SITE_URL = live_server.url
    scheme, organisations = scheme_with_people(
        programme="Inclusive Cities",
        slug="inclusive",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        parties=[
            (OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE),
            (OrganisationKind.ASSOCIATION, "ANCI", "IT", Side.MENTEE),
            (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR),
        ],
        people=[("fran@eurocities.example", "facilitator", None), ("ines@capaci.example", "mentee", "Capaci")],
    )
    User.objects.create_user(email="piet@existing.example", password=PASSWORD, first_name="Piet", last_name="Janssens")
    fran = log_in(page.context, "fran@eurocities.example", PASSWORD)
    fran.goto("/programmes/inclusive/schemes/1/people/")
    fran.get_by_role("link", name=re.compile("^Invite several people")).click()
    fran.get_by_label("People, one a line").fill("\n".join(TWENTY))
    fran.get_by_label("Role, for lines that name none").select_option(label="Mentee city")
    fran.get_by_label("On behalf of, for lines that name no organisation").select_option(value=str(organisations["Capaci"].pk))
    fran.get_by_role("button", name="Preview", exact=True).click()
    expect(fran.get_by_role("heading", name="Preview: nothing is sent yet")).to_be_visible()
    assert not Invitation.objects.exists() and not mail.outbox
    rows = fran.locator("tr[data-outcome]")
    expect(rows).to_have_count(20)
    lines = ["Preview (nothing sent):"]
    for index in range(20):
        cells = [" ".join(cell.split()) for cell in rows.nth(index).locator("td").all_inner_texts()]
        lines.append(" | ".join(cells))
    summary = fran.get_by_text(re.compile(r"new invitations?, .* left out")).first.inner_text()
    lines.append(summary)
    fran.get_by_role("button", name=re.compile(r"^Send to \d+ people")).click()
    expect(fran.get_by_text(re.compile("Invitation sent")).first).to_be_visible()
    sent = Invitation.objects.count()
    lines.append(f"Sent: {sent} invitations, {len(mail.outbox)} e-mails (invitations, and the role e-mail to Piet's account).")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "invitations-transcript.txt").write_text("\n".join(lines), encoding="utf-8")
    invitation = next(m for m in mail.outbox if m.to == ["nora@capaci.example"])
    lines += ["", "--- the invitation e-mail to nora@capaci.example ---", invitation.body]
    (ARTIFACTS / "invitations-transcript.txt").write_text("\n".join(lines), encoding="utf-8")
    assert sent == 9 and len(mail.outbox) == 10 and "Programme: Inclusive Cities" in invitation.body
