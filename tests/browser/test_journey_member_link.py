"""Issue 20 in the browser: a facilitator sends a local support group member a personal
link (asked first); the member, with no account, says they will attend the first visit;
the mentee city's officer sees it. Then an e-mail's unsubscribe link, opened without
signing in. Every page is checked by axe."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.emails import send_digests
from schemes.models import LocalSupportGroup, LocalSupportGroupMember

from .conftest import capaci_learns_from_mechelen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"


def test_a_member_answers_through_their_link_and_an_e_mail_is_stopped(page, live_server, settings):
    settings.SITE_URL = live_server.url
    scheme, organisations = capaci_learns_from_mechelen(
        [("fran@eurocities.example", "facilitator", None), ("ines@capaci.example", "mentee", "Capaci")], PASSWORD
    )
    capaci = organisations["Capaci"]
    group = LocalSupportGroup.objects.create(scheme=scheme, city=capaci)
    LocalSupportGroupMember.objects.create(
        group=group, name="Maria Lopez", organisation="Red Cross", stakeholder_type="ngo", email="maria@redcross.example"
    )
    fran = log_in(page.context, "fran@eurocities.example", PASSWORD)
    fran.goto(f"/programmes/inclusive/schemes/1/support-groups/{capaci.pk}/")
    fran.get_by_role("button", name="Send Maria Lopez a personal link").click()
    fran.get_by_role("button", name="Send the link").click()  # the page that asks first
    expect(fran.locator(".alert-success")).to_contain_text("A personal link was sent to Maria Lopez.")
    message = next(m for m in mail.outbox if m.to == ["maria@redcross.example"])
    link = re.search(r"https?://\S+/m/[^/\s]+/", message.body).group(0)

    member = page.context.browser.new_context(base_url=live_server.url).new_page()
    member.goto(link)
    expect(member.get_by_role("heading", level=1)).to_contain_text("Capaci learns from Mechelen")
    member.get_by_role("button", name=re.compile(r"^I will attend Visit 1")).click()
    expect(member.locator(".alert-success")).to_contain_text("Thank you: you will attend.")

    ines = log_in(page.context.browser.new_context(base_url=live_server.url), "ines@capaci.example", PASSWORD)
    ines.goto("/notifications/")
    expect(
        ines.get_by_role("link", name=re.compile("^Maria Lopez \\(Red Cross\\), of the local support group, will attend"))
    ).to_be_visible()

    # Ines hears of it in her daily summary; its unsubscribe link, opened by someone not
    # signed in, asks first.
    tomorrow = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(8)))
    send_digests(now=tomorrow)
    summary = next(m for m in mail.outbox if m.to == ["ines@capaci.example"])
    assert "Maria Lopez (Red Cross), of the local support group, will attend" in summary.body
    stop = re.search(r"Stop these summaries: (\S+)", summary.body).group(1)
    anonymous = page.context.browser.new_context(base_url=live_server.url).new_page()
    anonymous.goto(stop)
    anonymous.get_by_role("button", name="Stop these e-mails").click()
    expect(anonymous.get_by_role("status")).to_contain_text("receives no more e-mails about")
