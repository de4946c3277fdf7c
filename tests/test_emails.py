"""Notifications by e-mail, as each person chooses (mentoring.emails): at once, in a
daily or weekly summary, or never; the preferences page; the one-click unsubscribe
link; nothing sent twice, a refused e-mail sent again, nothing of another scheme."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mentoring.activity import log_action
from mentoring.emails import send_digests, send_immediate
from mentoring.models import Digest, EmailPreference, LogEntry, Notification
from schemes.models import SchemeRole

SECTION = "/programmes/test-programme/schemes/1/needs-analysis/{city}/sections/mentee-needs/"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://mentoring.example.org"
    settings.DIGEST_HOUR = 7
    settings.TIME_ZONE = "Europe/Brussels"


def comment(personas, django_capture_on_commit_callbacks, text="Which districts?"):
    with django_capture_on_commit_callbacks(execute=True):
        response = personas.client("mentor").post(
            SECTION.format(city=personas.mentee_city.pk) + "comments/", {"comment-text": text}
        )
    assert response.status_code == 302


def submitted(personas, scheme=None, actor="mentee"):
    with transaction.atomic():
        return log_action(
            actor=personas.users[actor],
            action="needs_analysis.submitted",
            obj=scheme or personas.a,
            scheme=scheme or personas.a,
            data={"kind": "needs_analysis", "city": "Menteeville"},
        )


def tomorrow():
    """The day the summaries are run in these tests: after the notifications were written
    (now), whatever the hour the test runs at."""
    return timezone.localdate() + datetime.timedelta(days=1)


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def link(body, label):
    return re.search(label + r" (\S+)", body).group(1)


def test_a_comment_is_e_mailed_at_once_in_text_and_html_with_site_links(personas, django_capture_on_commit_callbacks):
    comment(personas, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mentee@test.example"]
    assert message.subject.startswith("[Scheme A] Mentor Tester commented on")
    assert "Mentor Tester commented on" in message.body
    assert "https://mentoring.example.org" + SECTION.format(city=personas.mentee_city.pk) in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and 'href="https://mentoring.example.org/programmes/' in html
    unsubscribe = link(message.body, "Stop e-mails like this one:")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Sent once: the sweep finds nothing left to send.
    assert send_immediate(now=timezone.now() + datetime.timedelta(minutes=5)).emails == 0
    assert len(mail.outbox) == 1


def test_an_e_mail_is_in_the_recipients_language(personas, django_capture_on_commit_callbacks):
    mentee = personas.users["mentee"]
    mentee.language = "fr"
    mentee.save()
    comment(personas, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.body.startswith("Bonjour Mentee,")
    assert '<html lang="fr">' in message.alternatives[0][0]


def test_the_daily_summary_leaves_once_a_day_after_the_hour(personas):
    submitted(personas)
    today = tomorrow()
    assert send_digests(now=at(today, 6)).emails == 0
    assert send_digests(now=at(today, 8)).emails == 3  # facilitator, mentor, association
    sent = {message.to[0]: message for message in mail.outbox}
    facilitator = sent["facilitator@test.example"]
    assert facilitator.subject == "Your daily summary: 1 notification"
    assert "Scheme A (Test Programme)" in facilitator.body
    assert "Mentee Tester submitted Menteeville's needs analysis" in facilitator.body
    assert "https://mentoring.example.org/notifications/" in facilitator.body
    # Later the same day, something new: only the mentee, who had no summary yet
    # today, gets one; the others hear of it tomorrow.
    submitted(personas, actor="mentor")
    assert send_digests(now=at(today, 9)).emails == 1
    assert mail.outbox[-1].to == ["mentee@test.example"]
    assert send_digests(now=at(today, 10)).emails == 0
    outcome = send_digests(now=at(today + datetime.timedelta(days=1), 7))
    assert outcome.emails == 2 and len(mail.outbox) == 6
    assert {m.to[0] for m in mail.outbox[-2:]} == {"facilitator@test.example", "association@test.example"}
    assert Digest.objects.count() == 6


def test_a_refused_summary_is_sent_by_the_next_run_and_only_once(personas):
    submitted(personas)
    today = tomorrow()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("server down")):
        outcome = send_digests(now=at(today, 8))
    assert outcome.emails == 0 and len(outcome.failed) == 3
    assert not Digest.objects.exists()
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert send_digests(now=at(today, 9)).emails == 3
    assert send_digests(now=at(today, 10)).emails == 0
    assert len(mail.outbox) == 3


def test_a_refused_e_mail_at_once_is_sent_by_the_sweep(personas, django_capture_on_commit_callbacks):
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("server down")):
        comment(personas, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert send_immediate(now=later).emails == 1
    assert send_immediate(now=later).emails == 0
    assert len(mail.outbox) == 1


def test_a_read_notification_is_not_e_mailed(personas):
    submitted(personas)
    Notification.objects.update(read_at=timezone.now())
    assert send_digests(now=at(tomorrow(), 8)).emails == 0


def test_a_summary_tells_only_of_the_schemes_the_person_is_in(personas):
    submitted(personas)
    submitted(personas, scheme=personas.b)
    # The facilitator left scheme A's roles meanwhile: only B's would show, and they
    # are not in B either, so nothing is sent to them.
    SchemeRole.objects.filter(user=personas.users["facilitator"], scheme=personas.a).delete()
    send_digests(now=at(tomorrow(), 8))
    sent = {message.to[0]: message.body for message in mail.outbox}
    assert "facilitator@test.example" not in sent
    assert "Scheme B" not in sent["mentor@test.example"]
    assert "Scheme A" not in sent["b_mentee@test.example"]


def test_weekly_summary_from_monday(personas):
    EmailPreference.objects.create(user=personas.users["facilitator"], kind="documents", frequency="weekly")
    submitted(personas)
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())  # the next Monday
    outcome = send_digests(now=at(monday, 8))
    weekly = [m for m in mail.outbox if m.to == ["facilitator@test.example"]]
    assert len(weekly) == 1 and weekly[0].subject == "Your weekly summary: 1 notification"
    assert "What happened this week" in weekly[0].body
    assert outcome.emails == 3
    send_digests(now=at(monday + datetime.timedelta(days=2), 8))
    assert len([m for m in mail.outbox if m.to == ["facilitator@test.example"]]) == 1


def test_the_preferences_page_saves_each_kind_and_logs_it(personas, django_capture_on_commit_callbacks):
    mentee = personas.client("mentee")
    page = mentee.get("/accounts/e-mails/").content.decode()
    assert "Mentions of me" in page and '<option value="immediately" selected>' in page
    choices = {"mentions": "immediately", "comments": "never", "documents": "weekly", "visits": "daily"}
    choices.update({"deadlines": "daily", "people": "never"})
    response = mentee.post("/accounts/e-mails/", choices, follow=True)
    assert "Your e-mail preferences are saved." in response.content.decode()
    assert dict(EmailPreference.objects.filter(user=personas.users["mentee"]).values_list("kind", "frequency")) == {
        "comments": "never",
        "documents": "weekly",
        "people": "never",
    }
    assert LogEntry.objects.filter(action="email_preferences.changed", actor=personas.users["mentee"]).exists()
    comment(personas, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # comments: never


def test_bad_preferences_change_nothing_and_say_why(personas):
    mentee = personas.client("mentee")
    response = mentee.post("/accounts/e-mails/", {"comments": "hourly<script>", "mentions": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page and "Select a valid choice" in page
    assert '<a href="#id_comments">Comments: Select a valid choice.' in page  # linked to its field
    assert "<script>" not in page
    assert not EmailPreference.objects.exists()


def test_unsubscribe_asks_then_stops_that_kind_without_login(personas, django_capture_on_commit_callbacks):
    comment(personas, django_capture_on_commit_callbacks)
    url = link(mail.outbox[0].body, "Stop e-mails like this one:").removeprefix("https://mentoring.example.org")
    anonymous = personas.client("anonymous")
    page = anonymous.get(url).content.decode()
    assert "Stop sending m…@test.example e-mails about:" in page and "Comments" in page
    assert not EmailPreference.objects.exists()  # opening the link changes nothing
    page = anonymous.post(url).content.decode()
    assert "receives no more e-mails about" in page
    assert EmailPreference.objects.get(user=personas.users["mentee"], kind="comments").frequency == "never"


def test_a_mail_programs_one_click_post_needs_no_csrf_token(personas, django_capture_on_commit_callbacks):
    from django.test import Client

    comment(personas, django_capture_on_commit_callbacks)
    url = link(mail.outbox[0].body, "Stop e-mails like this one:").removeprefix("https://mentoring.example.org")
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailPreference.objects.get(user=personas.users["mentee"]).frequency == "never"


def test_an_altered_or_someone_elses_unsubscribe_link_changes_nothing(personas, django_capture_on_commit_callbacks):
    comment(personas, django_capture_on_commit_callbacks)
    url = link(mail.outbox[0].body, "Stop e-mails like this one:").removeprefix("https://mentoring.example.org")
    token = url.split("/")[-2]
    altered = url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert personas.client("anonymous").post(altered).status_code == 404
    # The mentee's link used by the mentor, signed in: refused.
    response = personas.client("mentor").post(url)
    assert response.status_code == 403
    assert "another person" in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_every_other_e_mail_has_an_html_part_with_the_same_text(personas):
    from django.utils import translation

    from mentoring.tasks import email_enqueue

    with translation.override("fr"):
        email_enqueue(
            subject="Invitation", body="Bonjour <Anna>,\n\nhttps://mentoring.example.org/invitations/x/", to=["a@b.example"]
        )
    html, kind = mail.outbox[0].alternatives[0]
    assert kind == "text/html" and '<html lang="fr">' in html
    assert "Bonjour &lt;Anna&gt;," in html and 'href="https://mentoring.example.org/invitations/x/"' in html
