"""Reminders by e-mail: before a visit and when a document waits; sent once however
often the command runs; in the person's language; a failed e-mail is sent next run."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from schemes.models import Reminder
from schemes.services.action_plans import plan_get_or_create

TODAY = timezone.localdate()


def run(today=TODAY, *args):
    out = StringIO()
    call_command("send_reminders", f"--today={today.isoformat()}", *args, stdout=out)
    return out.getvalue()


def to(email):
    return [message for message in mail.outbox if message.to == [email]]


def test_documents_waiting_are_sent_once_and_new_ones_later(personas):
    p = personas
    output = run()
    mentee = to("mentee@test.example")
    assert len(mentee) == 1
    assert mentee[0].subject == "Reminder: something is waiting for you"
    assert "- Fill and submit the needs analysis of Menteeville" in mentee[0].body
    assert f"http://127.0.0.1:8000/programmes/test-programme/schemes/1/needs-analysis/{p.mentee_city.pk}/" in mentee[0].body
    assert "Fill the national and regional context in the needs analysis of Menteeville" in to("association@test.example")[0].body
    assert to("observer@test.example") == [] and to("outsider@test.example") == []
    assert output.startswith("sent reminders to ")

    # Running again sends nothing twice.
    mail.outbox.clear()
    assert "sent reminders to 0 people" in run()
    assert mail.outbox == []

    # A new task: only it is sent.
    plan = plan_get_or_create(scheme=p.a)
    plan.status = "submitted"
    plan.save()
    run()
    assert [m.to for m in mail.outbox] == [["mentee@test.example"]]
    assert "Record the approval of the action plan" in mail.outbox[0].body
    assert "needs analysis" not in mail.outbox[0].body


def test_a_visit_is_announced_two_weeks_and_three_days_before(personas):
    p = personas
    run()  # the documents waiting, out of the way
    visit = p.a.visits.get(order=1)
    visit.start_date, visit.end_date = TODAY + datetime.timedelta(days=20), TODAY + datetime.timedelta(days=21)
    visit.save()
    mail.outbox.clear()
    run()
    # 20 days ahead: not announced yet, but its facilitator is asked for the agenda.
    assert [m.to for m in mail.outbox] == [["facilitator@test.example"]]
    assert "Build the agenda of Visit 1: Setting the scene (due in 20 days)" in mail.outbox[0].body
    mail.outbox.clear()
    run(TODAY + datetime.timedelta(days=6))  # 14 days before
    people = sorted(m.to[0] for m in mail.outbox)
    assert people == ["association@test.example", "facilitator@test.example", "mentee@test.example", "mentor@test.example"]
    body = to("mentor@test.example")[0].body
    assert to("mentor@test.example")[0].subject == "Reminder: a visit is coming up"
    assert "Visit 1: Setting the scene (Test Programme, scheme 1)" in body and "in 14 days" in body
    assert "/programmes/test-programme/schemes/1/visits/1/" in body
    mail.outbox.clear()
    run(TODAY + datetime.timedelta(days=7))
    run(TODAY + datetime.timedelta(days=7))
    assert to("mentor@test.example") == []  # 13 days before: already told
    run(TODAY + datetime.timedelta(days=17))  # 3 days before
    assert "in 3 days" in to("mentor@test.example")[0].body
    # Moved to new dates: announced again.
    mail.outbox.clear()
    visit.start_date = visit.end_date = TODAY + datetime.timedelta(days=19)
    visit.save()
    run(TODAY + datetime.timedelta(days=17))
    assert "in 2 days" in to("mentor@test.example")[0].body
    # A cancelled visit is not announced.
    mail.outbox.clear()
    visit.start_date = visit.end_date = TODAY + datetime.timedelta(days=30)
    visit.status = "cancelled"
    visit.save()
    run(TODAY + datetime.timedelta(days=28))
    assert to("mentor@test.example") == []


def test_reminders_speak_the_persons_language(personas):
    mentee = personas.users["mentee"]
    mentee.language = "fr"
    mentee.save()
    run()
    message = to("mentee@test.example")[0]
    assert message.subject == "Rappel : quelque chose vous attend"
    assert "Remplir et soumettre" in message.body


def test_dry_run_sends_and_records_nothing(personas):
    output = run(TODAY, "--dry-run")
    assert output.startswith("would send reminders to ") and " 0 people" not in output
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_a_failed_email_is_not_recorded_and_goes_next_run(personas, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(CommandError, match="e-mails failed"):
        run()
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    run()
    assert to("mentee@test.example")


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="--today"):
        call_command("send_reminders", "--today=next tuesday")
