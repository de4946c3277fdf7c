"""“Download my data” (issue 25): a person downloads, from their account page, everything
the application holds about them and everything they wrote.

A request on the account page records a ``DataExport`` and enqueues
``mentoring.tasks.data_export_build``; the task writes a ZIP:

- ``person.json``: the account (names, e-mail, organisation, language), roles in
  programmes and schemes, invitations sent and received, login and second-factor facts
  (never a key or a secret), e-mail and notification settings, whether a calendar
  address exists (never its secret), their API keys (names and dates, never a key),
  meetings and training sessions they took part in,
  and the activity-log entries where they are the one who acted;
- ``writings.json``: everything they wrote, one list per kind (``WRITINGS``);
- ``attachments/<id>-<name>``: the files they added, read through the attachments' store.

The ZIP goes into the attachments' store under ``data-exports/`` (never served by the web
server) and the person gets an e-mail, in their language, with a link valid for
``DATA_EXPORT_VALID_HOURS``. The link's random token is never stored as such (only its
SHA-256), nor put in the task's arguments: the task makes it and sends the e-mail itself.
The download answers only to the person who asked, logged in (anyone else: “not
found”), and only before it expires (after: “expired”, 410). ``data_exports_purge``
deletes the files of expired downloads.

The number of queries is bounded by the number of kinds, never by the number of rows:
each kind is one query (``select_related`` for what it names).
"""

import hashlib
import json
import logging
import secrets
import tempfile
import uuid
import zipfile
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .file_store import TEMPORARY
from .history import reason_said
from .models import DataExport, LogEntry, Notification

logger = logging.getLogger("mentoring.data_exports")

FOLDER = TEMPORARY  # never copied into a files backup (mentoring.file_store)
TOKEN_BYTES = 32
# Rows of expired downloads are kept this long (their link answers “expired”), then go.
KEEP_ROWS = timedelta(days=30)
# Fields never written into a download, whatever the model: secrets and internal state.
NEVER = {"token", "token_hash", "key", "email_batch", "password", "file", "session_hash"}


def valid_hours():
    return getattr(settings, "DATA_EXPORT_VALID_HOURS", 72)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


# -- What they wrote -------------------------------------------------------------------

# (name in writings.json, model, the lookup naming the author, fields left out, related
# objects to name beside their id). One query per line.
WRITINGS = [
    ("answers", "schemes.Answer", "updated_by", (), ("question",)),
    # Comments on a filled questionnaire; a reply is a comment with a ``parent``.
    ("comments", "schemes.Comment", "author", (), ()),
    ("questionnaires_submitted", "schemes.ResponseSubmission", "submitted_by", ("answers",), ()),
    ("self_assessment_levels", "schemes.KeyFactorAssessment", "updated_by", (), ("key_factor",)),
    ("self_assessment_comments", "schemes.SelfAssessmentComment", "author", (), ()),
    ("implementation_updates", "schemes.ImplementationUpdate", "author", (), ()),
    ("action_comments", "schemes.ActionComment", "author", (), ()),
    ("plan_consultations", "schemes.PlanConsultation", "recorded_by", (), ()),
    # A frozen version's snapshot is the whole plan, written by many: only its facts.
    ("action_plan_versions", "schemes.ActionPlanVersion", "created_by", ("snapshot",), ()),
    ("good_practices", "schemes.GoodPractice", "created_by", (), ()),
    ("visit_report_items", "schemes.VisitReportItem", "author", ("response", "responded_at"), ()),
    ("visit_report_responses", "schemes.VisitReportItem", "responded_by", (), ()),
    ("evaluations", "schemes.MentoringEvaluation", "submitted_by", (), ()),
    ("dissemination_outputs", "schemes.DisseminationOutput", "created_by", (), ()),
    ("support_gaps", "schemes.SupportGap", "created_by", (), ()),
    ("mentoring_style_survey", "schemes.MentoringStyleResponse", "respondent", (), ()),
    ("mentoring_style_answers", "schemes.MentoringStyleAnswer", "response__respondent", (), ()),
    ("calls_opened", "schemes.Call", "created_by", (), ()),
    # The application is the applicant's; what the person wrote is their decision.
    (
        "call_decisions",
        "schemes.CallApplication",
        "decided_by",
        ("city_name", "country", "contact_name", "contact_email", "answers", "sender", "language", "organisation", "scheme"),
        (),
    ),
    ("member_links_sent", "schemes.MemberLink", "created_by", (), ()),
    ("attachments", "schemes.Attachment", "added_by", (), ()),
]

# Kinds with no author field: who wrote them is in their history (django-simple-history's
# ``history_user``); the versions they created or changed, their text as they left it.
HISTORY_WRITINGS = [
    ("actions", "schemes.Action"),
    ("meetings", "schemes.Meeting"),
    ("visits", "schemes.Visit"),
    ("agenda_items", "schemes.AgendaItem"),
    ("visit_day_contacts", "schemes.VisitDay"),
    ("needs", "schemes.Need"),
    ("political_commitments", "schemes.PoliticalCommitment"),
]


def _row(obj, user, leave_out=(), named=()):
    """A row as JSON-ready data: its own fields, a person named only when it is ``user``
    (“you”: someone else's account is not theirs to download), secrets never."""
    User = get_user_model()
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in NEVER or field.name in leave_out:
            continue
        if field.is_relation:
            value = getattr(obj, field.attname)
            if field.related_model is User:
                if value == user.pk:
                    data[field.name] = "you"
                continue
            data[field.attname] = value
            if field.name in named and value is not None:
                data[field.name] = str(getattr(obj, field.name))
        else:
            data[field.name] = field.value_from_object(obj)
    return data


def writings(user):
    """{kind: [rows]} of everything ``user`` wrote."""
    result = {}
    for name, label, author, leave_out, named in WRITINGS:
        model = apps.get_model(label)
        rows = model._default_manager.filter(**{author: user}).select_related(*named).order_by("pk")
        result[name] = [_row(obj, user, leave_out, named) for obj in rows]
    for name, label in HISTORY_WRITINGS:
        model = apps.get_model(label)
        history = model.history.filter(history_user=user).order_by("history_date", "history_id")
        result[f"{name}_versions_you_saved"] = [
            {
                **_row(version, user, ("history_id", "history_user", "history_change_reason")),
                "change": {"+": "created", "~": "changed", "-": "removed"}.get(version.history_type, version.history_type),
                "reason": reason_said(version.history_change_reason) or "",
            }
            for version in history
        ]
    return result


# -- About them ------------------------------------------------------------------------


def person(user):
    """Everything the application holds about ``user``'s account."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schemes.models import Invitation, ProgrammeRole, Reminder, SchemeRole

    from .emails import preferences

    user = get_user_model().objects.select_related("organisation").get(pk=user.pk)
    invitation_fields = (
        "email",
        "first_name",
        "last_name",
        "role",
        "message",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )

    def invitation(inv):
        return {
            **{field: getattr(inv, field) for field in invitation_fields},
            "programme": str(inv.programme) if inv.programme_id else None,
            "scheme": str(inv.scheme) if inv.scheme_id else None,
            "organisation": str(inv.organisation) if inv.organisation_id else None,
        }

    invitations = Invitation.objects.select_related("programme", "scheme__programme", "organisation").order_by("pk")
    data = {
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": user.job_title,
            "organisation": str(user.organisation) if user.organisation_id else None,
            "language": user.language,
            "active": user.is_active,
            "staff": user.is_staff,
            "demo_account": user.is_demo,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "calendar_subscription_address": bool(user.calendar_token),  # never the secret itself
        },
        "programme_roles": [
            {"programme": str(role.programme), "role": role.role}
            for role in ProgrammeRole.objects.filter(user=user).select_related("programme").order_by("pk")
        ],
        "scheme_roles": [
            {
                "programme": str(role.scheme.programme),
                "scheme": str(role.scheme),
                "role": role.role,
                "party": str(role.party.organisation) if role.party_id else None,
            }
            for role in SchemeRole.objects.filter(user=user)
            .select_related("scheme__programme", "party__organisation")
            .order_by("pk")
        ],
        "invitations_sent": [invitation(inv) for inv in invitations.filter(invited_by=user)],
        "invitations_received": [
            invitation(inv) for inv in invitations.filter(Q(accepted_by=user) | Q(email__iexact=user.email))
        ],
        "second_factor": [
            {
                "name": device.name,
                "confirmed": device.confirmed,
                "created_at": getattr(device, "created_at", None),
                "last_used_at": getattr(device, "last_used_at", None),
                "wrong_codes_in_a_row": device.throttling_failure_count,
            }
            for device in TOTPDevice.objects.filter(user=user).order_by("pk")
        ],
        "logins": _logins(user),
        "email_preferences": preferences(user),
        "meetings_taken_part_in": [
            {"id": meeting.pk, "title": meeting.title, "date": meeting.date} for meeting in user.meetings.order_by("pk")
        ],
        "training_sessions_attended": [
            {"id": session.pk, "title": session.title, "date": session.date} for session in user.training_sessions.order_by("pk")
        ],
        "reminders_sent": list(Reminder.objects.filter(user=user).order_by("pk").values("key", "sent_at")),
        "notifications": [
            {
                "what": notification.entry.action,
                "about": notification.entry.label,
                "when": notification.created_at,
                "read": notification.read_at,
                "emailed": notification.emailed_at,
            }
            for notification in Notification.objects.filter(recipient=user).select_related("entry").order_by("pk")
        ],
        "activity_log": [
            {
                "when": entry.time,
                "what": entry.action,
                "object": entry.label,
                "programme": entry.programme_id,
                "scheme": entry.scheme_id,
                "details": entry.data,
            }
            for entry in LogEntry.objects.filter(actor=user).order_by("time", "pk")
        ],
        # Their API keys: names and dates, never the key or its hash.
        "api_keys": list(user.api_tokens.order_by("pk").values("name", "created_at", "last_used_at", "revoked_at")),
        "data_downloads": list(
            DataExport.objects.filter(user=user).order_by("pk").values("requested_at", "ready_at", "expires_at")
        ),
    }
    return data


def _logins(user):
    """What django-axes keeps of the person's logins (by their e-mail address)."""
    from axes.models import AccessAttempt, AccessLog

    fields = ("attempt_time", "ip_address", "user_agent")
    return {
        "successful": list(AccessLog.objects.filter(username__iexact=user.email).order_by("pk").values(*fields, "logout_time")),
        "failed_recently": list(
            AccessAttempt.objects.filter(username__iexact=user.email).order_by("pk").values(*fields, "failures_since_start")
        ),
    }


# -- The ZIP ---------------------------------------------------------------------------


def _json(data):
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def attachment_name(attachment):
    from schemes.services.attachments import clean_name

    return f"attachments/{attachment.pk}-{clean_name(attachment.name)}"


def build_zip(user, target):
    """Write ``user``'s ZIP into the open binary file ``target``; returns the names in it."""
    from schemes.models import Attachment

    names = ["person.json", "writings.json"]
    # Built by a worker, where no language is active: the history reasons said in theirs.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        written = writings(user)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", _json(person(user)))
        files = []
        for attachment in Attachment.objects.filter(added_by=user).order_by("pk"):
            name = attachment_name(attachment)
            try:
                with attachment.file.open("rb") as stored, archive.open(name, "w", force_zip64=True) as copy:
                    for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                        copy.write(chunk)
            except OSError as error:  # gone from the store, or out of reach: said in writings.json
                logger.warning("attachment %s left out of a data download: %s", attachment.pk, error)
                name = None
            files.append((attachment.pk, name))
            if name:
                names.append(name)
        in_zip = dict(files)
        for row in written["attachments"]:
            row["file_in_this_download"] = in_zip.get(row["id"])
        archive.writestr("writings.json", _json(written))
    return names


# -- Asking, building, downloading, cleaning up ----------------------------------------


def export_request(*, user):
    """Record the request and enqueue the build after the commit."""
    from .activity import log_action
    from .tasks import data_export_build

    export = DataExport.objects.create(user=user)
    log_action(actor=user, action="data_export.requested", obj=user, label=user.display_name)
    transaction.on_commit(lambda: data_export_build.enqueue(export.pk))
    return export


def export_build(export_id):
    """Build the ZIP of one request, store it, and e-mail its link (made here, kept only
    hashed). A request already built is left as it is."""
    export = DataExport.objects.select_related("user").filter(pk=export_id, ready_at__isnull=True).first()
    if export is None:
        return None
    user = export.user
    storage = storages["attachments"]
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        names = build_zip(user, buffer)
        size = buffer.tell()
        buffer.seek(0)
        stored = storage.save(f"{FOLDER}/{uuid.uuid4().hex}.zip", File(buffer, name="data.zip"))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    export.ready_at, export.expires_at = now, now + timedelta(hours=valid_hours())
    export.token_hash, export.file, export.size, export.files = token_hash(token), stored, size, names
    export.save(update_fields=["ready_at", "expires_at", "token_hash", "file", "size", "files"])
    _email(export, token)
    return export


def _email(export, token):
    user = export.user
    link = settings.SITE_URL + reverse("data_export_download", kwargs={"token": token})
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "link": link,
            "export": export,
            "hours": valid_hours(),
            "account": settings.SITE_URL + reverse("account"),
        }
        subject = _("Your data is ready to download")
        body = render_to_string("emails/data_export.txt", context)
        message = EmailMultiAlternatives(subject, body, None, [user.email])
        message.attach_alternative(render_to_string("emails/plain.html", {"subject": subject, "body": body}), "text/html")
    message.send()


def export_for_token(user, token):
    """The download of ``token`` if it is ``user``'s, else None (whoever else holds the
    link learns nothing of it)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return DataExport.objects.filter(user=user, token_hash=token_hash(token), ready_at__isnull=False).first()


def exports_purge(now=None):
    """Delete the files of expired downloads, and the rows of those expired long ago.
    Returns (files deleted, rows deleted)."""
    now = now or timezone.now()
    storage = storages["attachments"]
    files = 0
    for export in DataExport.objects.filter(expires_at__lte=now).exclude(file=""):
        try:
            storage.delete(export.file)
        except OSError as error:  # tried again next run
            logger.warning("data download %s not deleted: %s", export.pk, error)
            continue
        export.file = ""
        export.save(update_fields=["file"])
        files += 1
    # Never built (a lost task) or expired long ago: nothing left to answer for.
    rows, _by_model = DataExport.objects.filter(
        Q(expires_at__lte=now - KEEP_ROWS) | Q(ready_at__isnull=True, requested_at__lte=now - KEEP_ROWS), file=""
    ).delete()
    return files, rows
