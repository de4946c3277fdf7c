"""Erasure and retention of personal data (issue 25).

“Erasure: a person asks to delete their account; a programme coordinator or site
administrator confirms (a person who is the last coordinator of a programme is told what
to do first); their personal data is removed or replaced by a pseudonym (“Former
participant 123”) everywhere, history rows included, while the documents of the cities
they worked for stay whole (answers belong to the city; the author becomes the
pseudonym).”

“Retention: archived programmes' personal data (people, invitations, login records,
session rows, activity log entries) is pseudonymised after a period set per deployment
(RETENTION_DAYS), by a scheduled task with a dry-run report; documents stay.”

The account row is kept, renamed: every document, history row and activity-log entry the
person wrote stays linked to it, and now reads “Former participant <id>”. What is
rewritten (``person_pseudonymise``):

- the account: names, e-mail (a placeholder in the reserved ``.invalid`` domain, so it
  can never receive mail), job title, language, calendar secret, password (unusable),
  active flag; second-factor devices, e-mail preferences, API keys, notifications and
  roles go;
- every row of every table (live and historical) with an e-mail field holding their
  address (invitations, support group members, applications to a call...): the address
  and the names beside it;
- the copies of their name or address kept for display: the activity log's ``label``
  and ``data``, the admin's log, the history tables' change reasons;
- their login records (django-axes), their sessions, and queued or finished background
  tasks whose arguments carry their address (e-mails to them).

What is not rewritten: the text of the cities' documents (answers, comments, plans):
they belong to the city. History tables are rewritten with ``update()`` on purpose: a
history row that recorded the old address must change in place (a new history row would
keep the old one).

Mentoring's modules never import ``schemes`` at import time: its models are reached
through the app registry.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .activity import log_action
from .models import ErasureRequest, ErasureState, LogEntry, User

PSEUDONYM = "Former participant"


class ErasureError(Exception):
    """A request that cannot go ahead; the message says why and what to do."""


def pseudonym_of(user):
    return f"{PSEUDONYM} {user.pk}"


def placeholder_email(user):
    # RFC 2606 reserves .invalid: no mail server will ever accept it.
    return f"former-{user.pk}@pseudonym.invalid"


# --- Who is the last coordinator, who may confirm -------------------------------------


def programmes_left_without_coordinator(user):
    """The active programmes of which ``user`` is the only coordinator: they must give
    the role to someone else before their account can go."""
    Programme = apps.get_model("schemes", "Programme")
    ProgrammeRole = apps.get_model("schemes", "ProgrammeRole")
    theirs = Programme.objects.filter(roles__user=user, roles__role="coordinator", archived=False)
    others = ProgrammeRole.objects.filter(programme=models.OuterRef("pk"), role="coordinator").exclude(user=user)
    return list(theirs.filter(~models.Exists(others)).distinct().order_by("name"))


def programmes_of(user_ids):
    """{user id: set of programme ids} the people are in (a programme role, or a role
    in one of its schemes)."""
    ProgrammeRole = apps.get_model("schemes", "ProgrammeRole")
    SchemeRole = apps.get_model("schemes", "SchemeRole")
    result = {pk: set() for pk in user_ids}
    for user_id, programme_id in ProgrammeRole.objects.filter(user__in=user_ids).values_list("user", "programme"):
        result[user_id].add(programme_id)
    for user_id, programme_id in SchemeRole.objects.filter(user__in=user_ids).values_list("user", "scheme__programme"):
        result[user_id].add(programme_id)
    return result


def requests_for(actor):
    """The pending requests ``actor`` may decide: every one for a site administrator; for
    a coordinator, those of people in the programmes they coordinate; never their own."""
    pending = ErasureRequest.objects.filter(state=ErasureState.PENDING).exclude(user=actor).select_related("user")
    if actor.is_superuser:
        return pending
    coordinated = apps.get_model("schemes", "ProgrammeRole").objects.filter(user=actor, role="coordinator")
    programme_ids = coordinated.values("programme")
    return pending.filter(
        Q(user__programme_roles__programme__in=programme_ids) | Q(user__scheme_roles__scheme__programme__in=programme_ids)
    ).distinct()


def may_decide(actor):
    return actor.is_superuser or actor.programme_roles.filter(role="coordinator").exists()


# --- The request ----------------------------------------------------------------------


@transaction.atomic
def erasure_ask(*, user, reason=""):
    """``user`` asks for their own account to be deleted. Refused while they are the
    last coordinator of a programme, or while a request of theirs waits."""
    User.objects.select_for_update().get(pk=user.pk)
    left = programmes_left_without_coordinator(user)
    if left:
        raise ErasureError(
            _(
                "You are the only coordinator of %(programmes)s. First give the coordinator role to someone else "
                "(on the programme's people page), then ask again."
            )
            % {"programmes": ", ".join(f"“{p.name}”" for p in left)}
        )
    if user.erasure_requests.filter(state=ErasureState.PENDING).exists():
        raise ErasureError(_("Your request is already waiting for a coordinator."))
    request = ErasureRequest.objects.create(user=user, reason=reason.strip())
    log_action(actor=user, action="account.erasure_asked", obj=request, label=_("Account deletion"))
    return request


@transaction.atomic
def erasure_withdraw(*, user):
    """``user`` takes back their waiting request. Returns how many were withdrawn."""
    requests = list(user.erasure_requests.select_for_update().filter(state=ErasureState.PENDING))
    for request in requests:
        request.state, request.decided_by, request.decided_at = ErasureState.WITHDRAWN, user, timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        log_action(actor=user, action="account.erasure_withdrawn", obj=request, label=_("Account deletion"))
    return len(requests)


@transaction.atomic
def erasure_decline(*, request, actor):
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ErasureState.PENDING:
        raise ErasureError(_("This request was decided already."))
    request.state, request.decided_by, request.decided_at = ErasureState.DECLINED, actor, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    log_action(actor=actor, action="account.erasure_declined", obj=request, label=_("Account deletion"))
    return request


@transaction.atomic
def erasure_confirm(*, request, actor):
    """Carry out a waiting request: the person's data replaced by the pseudonym."""
    request = ErasureRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if request.state != ErasureState.PENDING:
        raise ErasureError(_("This request was decided already."))
    if programmes_left_without_coordinator(request.user):
        raise ErasureError(_("This person is now the only coordinator of a programme: another coordinator must be named first."))
    request.state, request.decided_by, request.decided_at = ErasureState.DONE, actor, timezone.now()
    request.reason = ""  # their own words may name them
    request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    person_pseudonymise(request.user, actor=actor, reason="request")
    return request


# --- The pseudonymisation -------------------------------------------------------------


def _needles(user):
    """The strings that identify the person in copies: address, full name both ways."""
    first, last = user.first_name.strip(), user.last_name.strip()
    needles = [user.email]
    if first and last:
        needles += [f"{first} {last}", f"{last} {first}", f"{last}, {first}"]
    elif first or last:
        needles.append(first or last)
    return [needle for needle in needles if len(needle) >= 3]


def _scrub(value, replacements):
    """``value`` (text, or JSON: dicts, lists) with each needle replaced, any case."""
    if isinstance(value, str):
        for needle, replacement in replacements:
            value = re.sub(re.escape(needle), replacement, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, replacements) for item in value]
    return value


def _matching(needles, fields):
    condition = Q()
    for needle in needles:
        for name in fields:
            condition |= Q(**{f"{name}__icontains": needle})
    return condition


def _text_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]


def _copies_rewrite(needles, replacements, *, extra=None):
    """Rewrite the copies of a name or address kept for display: the activity log, the
    admin's log, the history tables' change reasons. Returns the rows changed."""
    changed = 0
    entries = LogEntry.objects.filter(_matching(needles, ["label", "data"]) | (extra or Q(pk__in=[])))
    for entry in entries.only("pk", "label", "data"):
        label, data = _scrub(entry.label, replacements), _scrub(entry.data, replacements)
        if (label, data) != (entry.label, entry.data):
            LogEntry.objects.filter(pk=entry.pk).update(label=label, data=data)
            changed += 1
    targets = (
        [(apps.get_model("admin", "LogEntry"), ["object_repr", "change_message"])]
        if apps.is_installed("django.contrib.admin")
        else []
    )
    targets += [
        (model, ["history_change_reason"])
        for model in apps.get_models()
        if hasattr(model, "instance_type") and "history_change_reason" in {f.name for f in model._meta.fields}
    ]
    for model, names in targets:
        for row in model._base_manager.filter(_matching(needles, names)):
            values = {name: _scrub(getattr(row, name) or "", replacements) for name in names}
            model._base_manager.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


def _email_rows_rewrite(email, pseudonym, placeholder, *, full_name):
    """Every row of every table but the account itself, live or historical, whose e-mail
    field holds ``email``: the address becomes the placeholder, the names beside it the
    pseudonym. Returns the rows changed."""
    changed = 0
    for model in apps.get_models():
        if model is User:
            continue
        for email_field in [f for f in model._meta.concrete_fields if isinstance(f, models.EmailField)]:
            rows = model._base_manager.filter(**{f"{email_field.name}__iexact": email})
            if not rows.exists():
                continue
            values = {email_field.name: placeholder}
            names = [f.name for f in _text_fields(model) if f.name not in values and not isinstance(f, models.EmailField)]
            if "first_name" in names and "last_name" in names:
                first, last = pseudonym.rsplit(" ", 1)
                values.update(first_name=first, last_name=last)
            changed += rows.update(**values)
            # Name fields beside the address that still name the person (a contact name).
            for name in names:
                if "name" in name and name not in values and full_name:
                    changed += model._base_manager.filter(
                        **{f"{email_field.name}": placeholder, f"{name}__icontains": full_name}
                    ).update(**{name: pseudonym})
    return changed


def sessions_of(user_ids):
    """The session rows of these people (the database sessions store the user's id)."""
    wanted = {str(pk) for pk in user_ids}
    return [s.pk for s in Session.objects.iterator() if str(s.get_decoded().get("_auth_user_id")) in wanted]


def login_records(emails):
    """django-axes' records of logins with these addresses, per model."""
    if not apps.is_installed("axes") or not emails:
        return []
    condition = Q()
    for email in emails:
        condition |= Q(username__iexact=email)
    return [apps.get_model("axes", name).objects.filter(condition) for name in ("AccessAttempt", "AccessLog", "AccessFailureLog")]


@transaction.atomic
def person_pseudonymise(user, *, actor, reason):
    """Replace ``user``'s personal data by the pseudonym everywhere (the module's
    docstring lists where), in one transaction. ``actor``: who confirmed (None for the
    retention task); ``reason``: "request" or "retention". Returns the pseudonym."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pseudonymised_at:
        return pseudonym_of(user)
    pseudonym, placeholder = pseudonym_of(user), placeholder_email(user)
    needles = _needles(user)
    replacements = [(user.email, placeholder)] + [(needle, pseudonym) for needle in needles if needle != user.email]
    full_name = user.get_full_name().strip()

    _copies_rewrite(needles, replacements, extra=Q(actor=user))
    _email_rows_rewrite(user.email, pseudonym, placeholder, full_name=full_name)
    for records in login_records([user.email]):
        records.delete()
    Session.objects.filter(pk__in=sessions_of([user.pk])).delete()
    if apps.is_installed("django_tasks_db"):
        # Queued or finished e-mails to them: their arguments hold the address and text.
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(args_kwargs__icontains=user.email).delete()
    from django_otp import devices_for_user

    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    user.email_preferences.all().delete()
    user.api_tokens.all().delete()  # their API keys (mentoring.api): names they chose, and doors
    user.notifications.all().delete()
    for role in [*user.programme_roles.all(), *user.scheme_roles.all()]:
        role._change_reason = "Account erased"
        role.delete()

    user.first_name, user.last_name = pseudonym.rsplit(" ", 1)
    user.email = placeholder
    user.job_title = ""
    user.language = ""
    user.calendar_token = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.pseudonymised_at = timezone.now()
    user.save()
    log_action(actor=actor, action="account.erased", obj=user, label=pseudonym, data={"reason": reason})
    return pseudonym


# --- Retention ------------------------------------------------------------------------


def archived_since(programme):
    """When ``programme`` was last archived (its history: the first row of the latest
    run of archived rows), or None."""
    since = None
    for archived, when in programme.history.order_by("-history_date", "-history_id").values_list("archived", "history_date"):
        if not archived:
            break
        since = when
    return since


@dataclass
class RetentionReport:
    cutoff: object = None
    programmes: list = field(default_factory=list)  # (programme, archived since)
    people: list = field(default_factory=list)
    invitations: int = 0
    login_records: int = 0
    sessions: int = 0
    log_entries: int = 0
    dry_run: bool = True


def retention_apply(*, dry_run=False, now=None, days=None):
    """Pseudonymise the personal data of the programmes archived for longer than
    RETENTION_DAYS: the people whose every programme is among them, the programmes'
    invitations, those people's login records and sessions, and the activity-log
    entries' copies of their names. Documents stay. ``dry_run``: count, change nothing."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if days is None else days
    report = RetentionReport(cutoff=now - timedelta(days=days), dry_run=dry_run)
    Programme = apps.get_model("schemes", "Programme")
    Invitation = apps.get_model("schemes", "Invitation")
    for programme in Programme.objects.filter(archived=True).order_by("name"):
        since = archived_since(programme)
        if since is not None and since < report.cutoff:
            report.programmes.append((programme, since))
    expired = {programme.pk for programme, _since in report.programmes}
    if not expired:
        return report

    candidates = User.objects.filter(
        Q(programme_roles__programme__in=expired) | Q(scheme_roles__scheme__programme__in=expired),
        pseudonymised_at__isnull=True,
        is_superuser=False,
        is_staff=False,
    ).distinct()
    memberships = programmes_of([user.pk for user in candidates])
    report.people = [user for user in candidates if memberships[user.pk] and memberships[user.pk] <= expired]

    invitations = Invitation.objects.filter(programme__in=expired).exclude(email__endswith=".invalid")
    report.invitations = invitations.count()
    report.login_records = sum(records.count() for records in login_records([user.email for user in report.people]))
    report.sessions = len(sessions_of([user.pk for user in report.people]))
    needles = [needle for user in report.people for needle in _needles(user)]
    needles += [needle for invitation in invitations for needle in _invitation_needles(invitation)]
    people_entries = LogEntry.objects.filter(actor__in=[user.pk for user in report.people])
    report.log_entries = (
        (LogEntry.objects.filter(_matching(needles, ["label", "data"]) if needles else Q(pk__in=[])) | people_entries)
        .distinct()
        .count()
    )
    if dry_run:
        return report

    with transaction.atomic():
        for user in report.people:
            person_pseudonymise(user, actor=None, reason="retention")
        # Invitations keep no history table today; if one is added, its rows change too.
        history = getattr(Invitation, "history", None)
        for invitation in invitations:
            placeholder = f"former-invitation-{invitation.pk}@pseudonym.invalid"
            replacements = [(invitation.email, placeholder)] + [
                (needle, _("Former invitee")) for needle in _invitation_needles(invitation)[1:]
            ]
            _copies_rewrite(_invitation_needles(invitation), replacements)
            values = {"email": placeholder, "first_name": "", "last_name": ""}
            Invitation.objects.filter(pk=invitation.pk).update(**values)
            if history is not None:
                history.model.objects.filter(id=invitation.pk).update(**values)
        log_action(
            actor=None,
            action="retention.applied",
            label=_("Retention period"),
            data={"programmes": len(report.programmes), "people": len(report.people), "invitations": report.invitations},
        )
    return report


def _invitation_needles(invitation):
    needles = [invitation.email]
    name = f"{invitation.first_name} {invitation.last_name}".strip()
    if len(name) >= 3 and " " in name:
        needles.append(name)
    return needles
