"""Erasure and retention (issue 25): a person's name and e-mail address are gone from
every table, history tables included, once a coordinator confirms their request; the
city's answers stay; archived programmes' people are pseudonymised after RETENTION_DAYS."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.activity import log_action
from mentoring.erasure import person_pseudonymise, retention_apply
from mentoring.models import ErasureRequest, LogEntry, User
from schemes.models import Answer, Invitation, ProgrammeRole, Response, SchemeRole
from schemes.services.filling import template_for

NAME = ("Zebulon", "Quaxworth")
EMAIL = "zebulon.quaxworth@menteeville.example"


def search_database(needles):
    """{table: hits} of every text, e-mail and JSON column of every model (historical and
    auto-created many-to-many tables included) containing any needle, and the tables
    searched."""
    hits, searched = {}, []
    for model in apps.get_models(include_auto_created=True):
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        searched.append(model._meta.db_table)
        condition = models.Q()
        for needle in needles:
            for name in fields:
                condition |= models.Q(**{f"{name}__icontains": needle})
        count = model._base_manager.filter(condition).count()
        if count:
            hits[model._meta.db_table] = count
    return hits, searched


@pytest.fixture
def person(personas):
    """A mentee city officer of scheme A who accepted an invitation, answered the needs
    analysis, logged in (a session, login records) and is named in the activity log."""
    user = User.objects.create_user(
        email=EMAIL, password="a long enough password", first_name=NAME[0], last_name=NAME[1], job_title="Welcome officer"
    )
    party = personas.a.parties.get(organisation=personas.mentee_city)
    SchemeRole.objects.create(scheme=personas.a, user=user, role="mentee", party=party)
    invitation = Invitation.objects.create(
        programme=personas.programme,
        scheme=personas.a,
        email=EMAIL,
        first_name=NAME[0],
        last_name=NAME[1],
        role="mentee",
        invited_by=personas.users["coordinator"],
        expires_at=timezone.now() + timedelta(days=7),
        token_hash="e" * 64,
    )
    invitation.accepted_by = user
    invitation.save()
    response = Response.objects.create(
        scheme=personas.a, template=template_for(personas.programme, "needs_analysis"), organisation=personas.mentee_city
    )
    question = response.template.sections.order_by("order").first().questions.first()
    Answer.objects.create(response=response, question=question, text="We open one welcome desk.", updated_by=user)
    with transaction.atomic():
        log_action(
            actor=personas.users["coordinator"],
            action="role.given",
            scheme=personas.a,
            label=user.display_name,
            data={"role": "mentee", "email": EMAIL},
        )
        log_action(actor=user, action="scheme.changed", obj=personas.a, scheme=personas.a)
    common = {"ip_address": "127.0.0.1", "user_agent": "test", "http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(username=EMAIL, failures_since_start=1, get_data="", post_data="", **common)
    AccessLog.objects.create(username=EMAIL, **common)
    client = Client()
    client.force_login(user)
    return user, client, response


def test_erasure_leaves_no_trace_of_name_or_email(personas, person):
    user, client, response = person
    needles = [EMAIL, f"{NAME[0]} {NAME[1]}", NAME[1]]
    before, searched = search_database(needles)
    assert len(before) >= 4, f"hits before: {before}"

    assert client.post(reverse("erasure_ask"), {"reason": "I moved on."}).status_code == 302
    coordinator = personas.client("coordinator")
    page = coordinator.get(reverse("erasure_requests"))
    assert f"{NAME[0]} {NAME[1]}" in page.content.decode()
    request = ErasureRequest.objects.get(user=user)
    url = reverse("erasure_request_confirm", args=[request.pk])

    asked = coordinator.post(url)  # the question first: nothing changes yet
    assert asked.status_code == 200 and "This cannot be undone" in asked.content.decode()
    assert User.objects.get(pk=user.pk).email == EMAIL

    done = coordinator.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    after, searched = search_database(needles)
    assert after == {}, f"hits after erasure: {after}; hits before: {before}; {len(searched)} tables searched: {searched}"
    print(f"\nerasure search: {len(searched)} tables searched; hits before {before}; hits after {after}")

    user.refresh_from_db()
    pseudonym = f"Former participant {user.pk}"
    assert user.display_name == pseudonym and not user.is_active and not user.has_usable_password()
    assert user.email.endswith(".invalid") and user.job_title == "" and user.pseudonymised_at
    # The city's answers stay, with their text, now by the pseudonym.
    answer = Answer.objects.get(response=response)
    assert answer.text == "We open one welcome desk." and answer.updated_by.display_name == pseudonym
    # Logged out everywhere; the login page refuses the old address.
    assert client.get(reverse("account")).status_code == 302
    assert not SchemeRole.objects.filter(user=user).exists()
    assert LogEntry.objects.filter(action="account.erased", actor=personas.users["coordinator"]).exists()


def test_last_coordinator_is_told_what_to_do_first(personas):
    client = personas.client("coordinator")
    page = client.get(reverse("erasure_ask")).content.decode()
    assert "First, give the coordinator role to someone else" in page and "Test Programme" in page
    refused = client.post(reverse("erasure_ask"), {"reason": ""})
    assert refused.status_code == 200 and "only coordinator" in refused.content.decode()
    assert not ErasureRequest.objects.exists()
    # Another coordinator named: now they may ask.
    ProgrammeRole.objects.create(programme=personas.programme, user=personas.users["facilitator"], role="coordinator")
    assert client.post(reverse("erasure_ask"), {"reason": ""}).status_code == 302
    assert ErasureRequest.objects.filter(user=personas.users["coordinator"], state="pending").count() == 1


def test_nobody_asks_for_someone_else_and_other_programmes_see_nothing(personas):
    mentee, observer = personas.users["mentee"], personas.users["observer"]
    # A POST naming another person's id asks for the sender's own account only.
    personas.client("mentee").post(reverse("erasure_ask"), {"user": observer.pk, "user_id": observer.pk})
    assert list(ErasureRequest.objects.values_list("user", flat=True)) == [mentee.pk]
    request = ErasureRequest.objects.get()
    # Another programme's coordinator: not found, nothing changed, nothing shown.
    stranger = User.objects.create_user(email="other.coordinator@test.example", first_name="Other", last_name="Coordinator")
    ProgrammeRole.objects.create(programme=personas.other_programme, user=stranger, role="coordinator")
    client = Client()
    client.force_login(stranger)
    assert "Mentee Tester" not in client.get(reverse("erasure_requests")).content.decode()
    for name in ("erasure_request_confirm", "erasure_request_decline"):
        assert client.post(reverse(name, args=[request.pk]), {"confirmed": "1"}).status_code == 404
    # A mentor (no coordinator anywhere): the page does not exist for them.
    assert personas.client("mentor").get(reverse("erasure_requests")).status_code == 404
    request.refresh_from_db()
    mentee.refresh_from_db()
    assert request.state == "pending" and mentee.email == "mentee@test.example"
    # The person withdraws: the account stays.
    assert personas.client("mentee").post(reverse("erasure_withdraw")).status_code == 302
    request.refresh_from_db()
    assert request.state == "withdrawn"


def test_coordinator_declines(personas):
    personas.client("mentee").post(reverse("erasure_ask"), {"reason": ""})
    request = ErasureRequest.objects.get()
    assert personas.client("coordinator").post(reverse("erasure_request_decline", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.state == "declined" and User.objects.get(pk=personas.users["mentee"].pk).is_active


@pytest.fixture
def archived(personas):
    """The other programme archived long ago: a person only there, a person also in the
    active programme, an invitation."""
    only_there = User.objects.create_user(email="ottilie.farnsworth@test.example", first_name="Ottilie", last_name="Farnsworth")
    ProgrammeRole.objects.create(programme=personas.other_programme, user=only_there, role="observer")
    both = User.objects.create_user(email="both@test.example", first_name="Bartholomew", last_name="Both")
    ProgrammeRole.objects.create(programme=personas.other_programme, user=both, role="observer")
    ProgrammeRole.objects.create(programme=personas.programme, user=both, role="observer")
    Invitation.objects.create(
        programme=personas.other_programme,
        email="pending.invitee@test.example",
        first_name="Penelope",
        last_name="Invitee",
        role="observer",
        expires_at=timezone.now(),
        token_hash="f" * 64,
    )
    with transaction.atomic():
        log_action(actor=only_there, action="programme.changed", obj=personas.other_programme, programme=personas.other_programme)
    personas.other_programme.archived = True
    personas.other_programme.save()
    return only_there, both


def test_retention_dry_run_reports_and_changes_nothing(personas, archived, settings, capsys):
    only_there, _both = archived
    later = timezone.now() + timedelta(days=settings.RETENTION_DAYS + 1)
    assert retention_apply(dry_run=True).programmes == []  # not past the period yet
    report = retention_apply(dry_run=True, now=later)
    assert [p.slug for p, _since in report.programmes] == ["other-programme"]
    assert report.people == [only_there] and report.invitations == 1 and report.log_entries >= 1
    assert User.objects.get(pk=only_there.pk).email == "ottilie.farnsworth@test.example"
    assert Invitation.objects.get(programme=personas.other_programme).email == "pending.invitee@test.example"
    call_command("retention", "--dry-run")
    assert "would pseudonymise" in capsys.readouterr().out


def test_retention_pseudonymises_archived_programmes_people_only(personas, archived, settings):
    only_there, both = archived
    later = timezone.now() + timedelta(days=settings.RETENTION_DAYS + 1)
    report = retention_apply(now=later)
    assert not report.dry_run and report.people == [only_there]
    only_there.refresh_from_db()
    both.refresh_from_db()
    assert only_there.display_name == f"Former participant {only_there.pk}" and not only_there.is_active
    assert both.email == "both@test.example" and both.is_active  # still in an open programme
    assert User.objects.get(pk=personas.users["mentee"].pk).email == "mentee@test.example"
    hits, _searched = search_database(["ottilie", "farnsworth", "pending.invitee", "Penelope Invitee"])
    assert hits == {}
    # Documents stay: the programme itself is untouched.
    assert personas.other_programme.schemes.count() == 1
    # Run again: nothing more to do.
    assert retention_apply(now=later).people == []


def test_person_pseudonymise_is_idempotent(personas, person):
    user, _client, _response = person
    first = person_pseudonymise(user, actor=None, reason="request")
    assert person_pseudonymise(User.objects.get(pk=user.pk), actor=None, reason="request") == first


def test_requests_page_reads_in_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    client = personas.client("coordinator")

    def ask(count):
        for i in range(count):
            user = User.objects.create_user(email=f"asker{ErasureRequest.objects.count()}-{i}@test.example")
            SchemeRole.objects.create(scheme=personas.b, user=user, role="observer")
            ErasureRequest.objects.create(user=user)

    ask(1)
    client.get(reverse("erasure_requests"))  # warm the session and caches
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("erasure_requests"))
    ask(10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("erasure_requests"))
    assert page.content.decode().count("Delete the account…") == 11


def test_retention_is_a_daily_task(personas, archived, settings):
    from mentoring import tasks

    assert tasks.PERIODIC[tasks.retention] == timedelta(days=1)
    settings.RETENTION_DAYS = 0  # archived just now: past a period of no days
    only_there, both = archived
    tasks.retention.call()
    assert User.objects.get(pk=only_there.pk).pseudonymised_at is not None
    assert User.objects.get(pk=both.pk).pseudonymised_at is None
