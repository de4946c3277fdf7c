"""Issue 20 in the browser: a mentor comments and mentions the facilitator with the "@"
picker; the mentee sees the count, opens the notification (which marks it read) and
answers; the mentor hears of the answer; the facilitator gets the daily summary. The
steps and the e-mails' text go to test-artifacts/notifications-transcript.txt."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.emails import send_digests

from .conftest import ARTIFACTS, capaci_learns_from_mechelen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "officer-password-2026"


def test_a_comment_reaches_the_mentee_and_the_answer_the_mentor(page, live_server, settings):
    settings.SITE_URL = live_server.url
    scheme, organisations = capaci_learns_from_mechelen(
        [
            ("ines@capaci.example", "mentee", "Capaci"),
            ("marco@mechelen.example", "mentor", "Mechelen"),
            ("fran@eurocities.example", "facilitator", None),
        ],
        PASSWORD,
    )
    capaci = organisations["Capaci"]
    section = f"/programmes/inclusive/schemes/1/needs-analysis/{capaci.pk}/sections/mentee-needs/"
    transcript = []

    def say(line):
        transcript.append(line)

    # Fran, the facilitator, wants her news once a day.
    fran_context = page.context.browser.new_context(base_url=live_server.url)
    fran = log_in(fran_context, "fran@eurocities.example", PASSWORD)
    fran.get_by_role("link", name=re.compile("^Notifications")).click()
    fran.get_by_role("link", name="E-mail preferences").click()
    fran.get_by_label("Mentions of me").select_option(label="In a daily summary")
    fran.get_by_role("button", name="Save the e-mail preferences").click()
    expect(fran.locator(".alert-success")).to_contain_text("Your e-mail preferences are saved.")
    say("Fran (facilitator) opens Notifications > E-mail preferences and sets 'Mentions of me' to 'In a daily summary'.")

    marco = log_in(page.context, "marco@mechelen.example", PASSWORD)
    ines_context = page.context.browser.new_context(base_url=live_server.url)
    ines = log_in(ines_context, "ines@capaci.example", PASSWORD)
    expect(ines.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    say("Ines (mentee, Capaci) signs in: the header reads 'Notifications' (nothing unread).")

    # Marco comments on Capaci's needs analysis and mentions Fran with the picker.
    marco.goto(section)
    box = marco.get_by_role("textbox", name="Comment (required)")
    box.fill("Which districts do newcomers settle in first? ")
    box.press_sequentially("@Fra")
    marco.get_by_role("button", name="Fran Rossi").click()
    expect(box).to_have_value("Which districts do newcomers settle in first? @Fran Rossi ")
    marco.get_by_role("button", name="Add the comment").click()
    expect(marco.locator(".alert-success")).to_contain_text("Comment added")
    say("Marco (mentor, Mechelen) writes on section 1: 'Which districts do newcomers settle in first? @Fran Rossi'")
    say("  (typed '@Fra' and chose 'Fran Rossi' in the picker)")

    # Ines sees the count, opens the notification, lands on the comment.
    ines.goto("/")
    counter = ines.get_by_role("link", name=re.compile(r"^Notifications \(1 unread ?\)"))
    expect(counter).to_be_visible()
    say("Ines reloads her home page: the header reads 'Notifications (1 unread)'.")
    counter.click()
    item = ines.get_by_role("link", name=re.compile("Marco Rossi commented on"))
    say(f"Ines opens the notifications page: '{item.inner_text()}' under 'Capaci learns from Mechelen'.")
    item.click()
    expect(ines).to_have_url(re.compile(r"#comment-\d+$"))
    say(f"Ines clicks it and lands on {ines.url.removeprefix(live_server.url)} (the comment).")
    ines.get_by_label("Your answer").fill("Mostly in the historic centre and in Borgo.")
    ines.get_by_role("button", name="Answer", exact=True).click()
    expect(ines.locator(".alert-success")).to_contain_text("Answer added")
    say("Ines answers: 'Mostly in the historic centre and in Borgo.'")
    ines.goto("/")
    expect(ines.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    say("Back on her home page the header reads 'Notifications' again: opening it marked it read.")

    # Marco hears of the answer.
    marco.goto("/notifications/")
    expect(marco.get_by_role("link", name=re.compile("Ines Rossi answered a comment"))).to_be_visible()
    say("Marco's notifications page: 'Ines Rossi answered a comment on ...' (e-mailed at once too).")

    # E-mails: the comment and the answer at once; Fran's mention waits for her summary.
    for message in mail.outbox:
        say(f"E-mail at once to {message.to[0]}: {message.subject}")
    assert {m.to[0] for m in mail.outbox} == {"ines@capaci.example", "marco@mechelen.example"}
    tomorrow = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(7)))
    sent = len(mail.outbox)
    send_digests(now=tomorrow)
    send_digests(now=tomorrow + datetime.timedelta(hours=1))  # the next hourly run: nothing twice
    summaries = [m for m in mail.outbox[sent:] if m.to == ["fran@eurocities.example"]]
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary.subject == "Your daily summary: 1 notification"
    assert (
        "You are mentioned: Marco Rossi commented on" in summary.body
        and "Capaci learns from Mechelen (Inclusive Cities)" in summary.body
    )
    say(f"Next morning at 7:00 the summary task sends Fran one e-mail: '{summary.subject}'.")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "notifications-transcript.txt").write_text(
        "\n".join(transcript) + "\n\n--- Fran's daily summary (text part) ---\n" + summary.body,
        encoding="utf-8",
    )
