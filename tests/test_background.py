"""Background work on the real queue (django-tasks' database backend and its worker):
e-mails leave the request, the periodic clean-ups schedule themselves."""

import statistics
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from .conftest import PASSWORD

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "documents"]}}


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def work():
    """Run the real worker until the queue is empty. It runs inside the test's
    transaction: its check for broken connections would take that transaction's open
    state for a broken connection and close it (on PostgreSQL), so it is skipped."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload", verbosity=0)


def test_password_reset_mail_is_sent_by_the_worker_and_the_page_does_not_tell_who_has_an_account(personas, queue):
    client = Client()
    for email in ("mentee@test.example", "nobody@test.example"):  # warm both paths
        client.post("/accounts/password-reset/", {"email": email})
    queue.all().delete()
    timings = {"account": [], "no account": []}
    for _ in range(15):
        for key, email in (("account", "mentee@test.example"), ("no account", "nobody@test.example")):
            started = time.perf_counter()
            response = client.post("/accounts/password-reset/", {"email": email})
            timings[key].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []  # nothing is sent in the request
    assert queue.filter(task_path="mentoring.tasks.email_send").count() == 15
    account, nobody = statistics.median(timings["account"]), statistics.median(timings["no account"])
    print(f"password reset, median ms: with an account {account:.1f}, without {nobody:.1f}")
    assert account < nobody + 15  # a mail server's round trip (tens to hundreds of ms) no longer shows
    work()
    assert len(mail.outbox) == 15 and mail.outbox[0].to == ["mentee@test.example"]
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_an_invitation_is_mailed_by_the_worker(personas, queue):
    from .test_accounts import invite

    response = invite(personas.client("coordinator"), "/programmes/test-programme/people/", role="observer")
    assert response.status_code == 302 and mail.outbox == []
    work()
    assert len(mail.outbox) == 1 and "/invitations/" in mail.outbox[0].body


def test_expired_sessions_are_cleared_every_hour(personas, queue):
    live, expired = SessionStore(), SessionStore()
    live["x"], expired["x"] = 1, 2
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    call_command("schedule_tasks", verbosity=0)
    call_command("schedule_tasks", verbosity=0)  # again: nothing added twice
    assert queue.filter(task_path="mentoring.tasks.sessions_clear").count() == 1
    work()
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    # It put itself back on the queue, an hour later.
    following = queue.get(task_path="mentoring.tasks.sessions_clear", status="READY")
    assert timedelta(minutes=59) < following.run_after - timezone.now() <= timedelta(hours=1)


def test_login_records_are_forgotten_after_login_record_days(personas, queue, settings):
    from axes.models import AccessLog

    settings.LOGIN_RECORD_DAYS = 30
    client = Client()
    assert client.post("/accounts/login/", {"username": "mentee@test.example", "password": PASSWORD}).status_code == 302
    recent = AccessLog.objects.get(username="mentee@test.example")
    old = AccessLog.objects.create(username="mentee@test.example", ip_address="192.0.2.1", user_agent="old browser")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=31))
    call_command("schedule_tasks", verbosity=0)
    assert queue.filter(task_path="mentoring.tasks.login_records_prune").count() == 1
    work()
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    following = queue.get(task_path="mentoring.tasks.login_records_prune", status="READY")
    assert timedelta(hours=23) < following.run_after - timezone.now() <= timedelta(days=1)


def test_the_notice_says_how_long_login_records_are_kept(db, settings):
    settings.LOGIN_RECORD_DAYS = 90
    text = " ".join(Client().get("/privacy/").content.decode().split())
    assert "The record of logins (address, IP address, browser, time) is kept for 90 days." in text
