"""Notifications by e-mail, as each person chooses (``EmailPreference``).

For each kind of event (``notifications.KINDS``) a person hears by e-mail at once, in a
daily summary, in a weekly summary, or never; a kind they never chose has its default
(comments and mentions at once, the rest daily). Every e-mail is written in the
recipient's language, as plain text and HTML, with addresses built from ``SITE_URL``,
and ends with a link to the preferences page and a one-click unsubscribe link (signed,
no login needed; also in the ``List-Unsubscribe`` headers, RFC 8058).

Sending (background tasks, ``mentoring.tasks``):
- **at once**: ``notify`` asks, after the commit, for the entry's notifications to be
  e-mailed (``send_immediate``); a sweep every few minutes sends what that missed (a
  refused e-mail, a lost task);
- **summaries**: ``send_digests`` runs every hour; a person's daily summary leaves once a
  day after ``DIGEST_HOUR`` (the site's time zone), the weekly one once a week from
  Monday ``DIGEST_HOUR`` on.

Nothing twice, nothing lost: a sender first claims the notifications it e-mails (an
``UPDATE ... WHERE emailed_at IS NULL`` marking them with its own batch id, so two
senders at once never claim the same one), and a summary first writes its ``Digest``
row (one per person, frequency and period). When the mail server refuses, the claim is
released and the row deleted: the next run sends them. A notification read before its
e-mail leaves is not e-mailed. Each e-mail is about the schemes the person still belongs
to, and only about them (``notifications.visible``).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .models import Digest, EmailFrequency, EmailPreference, Notification, User
from .notifications import KINDS, grouped, items, visible

logger = logging.getLogger("mentoring.emails")

UNSUBSCRIBE_SALT = "mentoring.emails.unsubscribe"
# A notification left un-e-mailed longer than this (the e-mails were off, the server
# down for days) is no longer news: the sweep leaves it to the notifications page.
IMMEDIATE_WITHIN = timedelta(days=2)
# The sweep leaves the newest ones to the task their commit enqueued.
SWEEP_AFTER = timedelta(minutes=1)
SUBJECT_LENGTH = 150


# -- Preferences -----------------------------------------------------------------------


def preferences(user):
    """{kind: frequency} for every kind of ``KINDS``: the person's choice, else the default."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, spec.default) for kind, spec in KINDS.items()}


def preferences_set(user, choices):
    """Save ``choices`` ({kind: frequency}) as ``user``'s; returns the kinds changed.
    Recorded in the activity log (the person's own change, no scheme)."""
    from .activity import log_action

    current = preferences(user)
    changed = sorted(kind for kind, frequency in choices.items() if kind in KINDS and current[kind] != frequency)
    if not changed:
        return []
    with transaction.atomic():
        for kind in changed:
            EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"frequency": choices[kind]})
        log_action(
            actor=user,
            action="email_preferences.changed",
            obj=user,
            label=user.display_name,
            data={"kinds": changed, "frequencies": [choices[kind] for kind in changed]},
        )
    return changed


def unsubscribe_token(user, kinds):
    """The signed token of an unsubscribe link: ``user`` stops e-mails of ``kinds``."""
    return signing.dumps({"u": user.pk, "k": sorted(kinds)}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token):
    """(user, kinds) of a token, or None when it was altered or names no one now."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kinds = [kind for kind in data["k"] if kind in KINDS]
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        return None
    return (user, kinds) if kinds else None


# -- Writing an e-mail -----------------------------------------------------------------


def _links(user, kinds):
    unsubscribe = settings.SITE_URL + reverse("unsubscribe", kwargs={"token": unsubscribe_token(user, kinds)})
    return {"preferences": settings.SITE_URL + reverse("email_preferences"), "unsubscribe": unsubscribe}


def _message(user, subject, template, context, kinds):
    """The e-mail (text and HTML, in ``user``'s language) of ``template``."""
    links = _links(user, kinds)
    context = {**context, "user": user, "links": links, "site": settings.SITE_URL}
    subject = " ".join(str(subject).split())
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"emails/{template}.txt", context),
        None,
        [user.email],
        headers={"List-Unsubscribe": f"<{links['unsubscribe']}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


def _absolute(notifications):
    for notification in notifications:
        notification.link = settings.SITE_URL + notification.url if notification.url else ""
    return notifications


# -- Claiming --------------------------------------------------------------------------


def _claim(queryset):
    """Mark the not-yet-e-mailed notifications of ``queryset`` as this sender's; returns
    the batch id (the ones claimed are ``Notification.objects.filter(email_batch=...)``)."""
    batch = uuid.uuid4().hex
    queryset.filter(emailed_at__isnull=True).update(emailed_at=timezone.now(), email_batch=batch)
    return batch


def _release(batch):
    Notification.objects.filter(email_batch=batch).update(emailed_at=None, email_batch="")


def _readable(user, batch):
    """The claimed notifications ``user`` may still read, as the page shows them."""
    return items(
        list(
            visible(user)
            .filter(email_batch=batch)
            .select_related("entry__actor", "entry__content_type", "entry__programme", "scheme__programme")
            .order_by("-id")
        )
    )


@dataclass
class Outcome:
    emails: int = 0
    notifications: int = 0
    failed: list = field(default_factory=list)


# -- At once ---------------------------------------------------------------------------


def send_soon(entry_id):
    """After the commit, e-mail the entry's notifications that go at once."""
    from .tasks import notifications_email

    transaction.on_commit(lambda: notifications_email.enqueue(entry_id))


def send_immediate(entry_id=None, now=None):
    """E-mail, one by one, the unread notifications of the kinds their recipients hear of
    at once: the entry's, or (the sweep) every one not e-mailed yet from the last
    ``IMMEDIATE_WITHIN``. A refused e-mail is released for the next sweep."""
    now = now or timezone.now()
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    if entry_id is not None:
        pending = pending.filter(entry_id=entry_id)
    else:
        pending = pending.filter(created_at__gte=now - IMMEDIATE_WITHIN, created_at__lte=now - SWEEP_AFTER)
    outcome = Outcome()
    people = User.objects.filter(pk__in=pending.values("recipient_id"), is_active=True).order_by("pk")
    for user in people:
        kinds = [kind for kind, frequency in preferences(user).items() if frequency == EmailFrequency.IMMEDIATELY]
        batch = _claim(pending.filter(recipient=user, kind__in=kinds))
        with translation.override(user.language or settings.LANGUAGE_CODE):
            for notification in _absolute(_readable(user, batch)):
                scheme = notification.scheme
                subject = f"[{scheme.title}] {notification.text}" if scheme is not None else notification.text
                message = _message(user, subject, "notification", {"notification": notification}, [notification.kind])
                try:
                    message.send()
                except Exception as error:  # the mail server refused: the next sweep sends it
                    Notification.objects.filter(pk=notification.pk).update(emailed_at=None, email_batch="")
                    outcome.failed.append((user.email, str(error)))
                    logger.warning("notification e-mail to %s failed: %s", user.email, error)
                    continue
                outcome.emails += 1
                outcome.notifications += 1
    return outcome


# -- Summaries -------------------------------------------------------------------------


def _period(frequency, now):
    """The start of the current period of ``frequency`` (a date), or None when this
    period's summary is not due yet (before ``DIGEST_HOUR``, or before Monday's)."""
    local = timezone.localtime(now)
    day = local.date() if frequency == EmailFrequency.DAILY else local.date() - timedelta(days=local.weekday())
    due = timezone.make_aware(datetime.combine(day, time(settings.DIGEST_HOUR)))
    return day if now >= due else None


SUBJECTS = {
    EmailFrequency.DAILY: lambda count: ngettext(
        "Your daily summary: %(count)s notification", "Your daily summary: %(count)s notifications", count
    ),
    EmailFrequency.WEEKLY: lambda count: ngettext(
        "Your weekly summary: %(count)s notification", "Your weekly summary: %(count)s notifications", count
    ),
}


def send_digests(now=None):
    """Send each person the daily and weekly summaries that are due and not sent yet."""
    now = now or timezone.now()
    outcome = Outcome()
    for frequency in (EmailFrequency.DAILY, EmailFrequency.WEEKLY):
        period = _period(frequency, now)
        if period is None:
            continue
        pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, created_at__lte=now)
        already = Digest.objects.filter(frequency=frequency, period=period).values("user_id")
        people = User.objects.filter(pk__in=pending.values("recipient_id"), is_active=True).exclude(pk__in=already).order_by("pk")
        for user in people:
            _digest(user, frequency, period, pending.filter(recipient=user), outcome)
    return outcome


def _digest(user, frequency, period, pending, outcome):
    kinds = [kind for kind, chosen in preferences(user).items() if chosen == frequency]
    pending = pending.filter(kind__in=kinds)
    if not kinds or not visible(user).filter(pk__in=pending.values("pk")).exists():
        return
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, frequency=frequency, period=period)
    except IntegrityError:
        return  # another run sends this one
    batch = _claim(pending)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        notifications = _absolute(_readable(user, batch))
        if not notifications:  # another sender took them meanwhile
            digest.delete()
            return
        context = {"frequency": frequency, "groups": grouped(notifications), "count": len(notifications)}
        message = _message(
            user, SUBJECTS[frequency](len(notifications)) % {"count": len(notifications)}, "digest", context, kinds
        )
        try:
            message.send()
        except Exception as error:  # refused: released, and the next run sends the summary
            _release(batch)
            digest.delete()
            outcome.failed.append((user.email, str(error)))
            logger.warning("summary e-mail to %s failed: %s", user.email, error)
            return
    Digest.objects.filter(pk=digest.pk).update(notifications=len(notifications))
    outcome.emails += 1
    outcome.notifications += len(notifications)


def notifications_mark_sent(notifications):
    """Mark ``notifications`` (a queryset of Notification, which has no history) as
    e-mailed already, so the worker sends none of them: the demo's, which tell of its
    past to example.org accounts."""
    return notifications.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
