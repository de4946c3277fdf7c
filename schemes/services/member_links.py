"""Personal links of local support group members: sending, revoking, finding the link
of a token, and what a member writes with it.

A link carries a random token; only its SHA-256 is stored (``token_hash``, as for
invitations). A member has at most one valid link per scheme: sending a new one revokes
the earlier. A link that is unknown, revoked or expired finds nothing (the views answer
404): nothing is written through it. Everything a member writes is recorded in the
history and the activity log under their name and organisation (``log_action(member=)``),
with no actor, and told to the scheme's people (``mentoring.notifications.RULES``).
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action
from mentoring.tasks import email_enqueue

from ..models import Action, ActionComment, ActionPlanStatus, ImplementationUpdate, MemberLink, VisitReply, VisitStatus
from ..models.invitations import token_hash

# A member's comment sent again with the same words within this time is the same comment.
RESENT_WITHIN = timedelta(minutes=10)


def _group_data(member):
    city = member.group.city
    return {"city": city.label, "organisation": city.pk}


def link_url(token):
    return settings.SITE_URL + reverse("member_link", kwargs={"token": token})


def link_expiry():
    return timezone.now() + timedelta(days=settings.MEMBER_LINK_VALID_DAYS)


@transaction.atomic
def link_send(*, member, scheme, actor):
    """Make ``member`` a new personal link for ``scheme`` (revoking any earlier one) and
    e-mail it to them, in the sender's language (the member has no account to say
    theirs; the sender knows the member). Returns (link, address)."""
    now = timezone.now()
    for earlier in MemberLink.objects.select_for_update().filter(member=member, revoked_at__isnull=True):
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
    token = secrets.token_urlsafe(32)
    link = MemberLink.objects.create(
        member=member, scheme=scheme, token_hash=token_hash(token), created_by=actor, expires_at=link_expiry()
    )
    address = link_url(token)
    log_action(actor=actor, action="member_link.sent", obj=member, scheme=scheme, data=_group_data(member))
    with translation.override(actor.language or translation.get_language()):
        context = {"link": link, "member": member, "scheme": scheme, "sender": actor, "address": address}
        subject = _("Your personal link to the mentoring scheme %(scheme)s") % {"scheme": scheme.title}
        body = render_to_string("emails/member_link.txt", context)
    email_enqueue(subject=subject, body=body, to=[member.email])
    return link, address


@transaction.atomic
def link_revoke(*, member, scheme, actor):
    """Revoke ``member``'s valid links in ``scheme``; the number revoked."""
    links = list(MemberLink.objects.select_for_update().filter(member=member, scheme=scheme).live())
    now = timezone.now()
    for link in links:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
    if links:
        log_action(actor=actor, action="member_link.revoked", obj=member, scheme=scheme, data=_group_data(member))
    return len(links)


def link_for_token(token, *, lock=False):
    """The valid link of ``token``, with its member and scheme; 404 for a token that is
    unknown (altered), revoked or expired, whose member's group left the scheme, or of an
    archived scheme or programme (read-only for everyone: nothing to answer)."""
    links = MemberLink.objects.live().select_related("member__group__city", "scheme__programme")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=token_hash(token)).first()
    if link is None or link.member.group.scheme_id != link.scheme_id or link.scheme.archived or link.scheme.programme.archived:
        raise Http404(_("This link is not valid. It may have expired or been revoked."))
    return link


def upcoming_visits(scheme):
    """The visits a member may still answer for: not held or cancelled, not over."""
    today = timezone.localdate()
    return (
        scheme.visits.exclude(status__in=[VisitStatus.HELD, VisitStatus.CANCELLED])
        .exclude(end_date__lt=today)
        .select_related("host")
        .order_by("order")
    )


def _plan_actions(scheme):
    return Action.objects.filter(plan__scheme=scheme).select_related("plan").order_by("order", "id")


def draft_actions(scheme):
    """The actions a member may comment on: those of the plan while it is not approved."""
    return _plan_actions(scheme).exclude(plan__status=ActionPlanStatus.APPROVED)


def _folded(text):
    return " ".join(text.casefold().split())


def led_by(action, member):
    """True when the action's "who leads" names the member. It is free text (Annex 6):
    the member leads an action when whoever drafts the plan writes the member's name
    there ("Maria Lopez (Red Cross)", "City and Maria Lopez"), as whole words (Ana does
    not lead what "Banana Growers" leads)."""
    name = _folded(member.name)
    return bool(name) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", _folded(action.lead)) is not None


def led_actions(scheme, member):
    """The actions a member may write progress notes on: the approved plan's actions
    they lead (implementation, as for the city's own updates)."""
    return [action for action in _plan_actions(scheme).filter(plan__status=ActionPlanStatus.APPROVED) if led_by(action, member)]


def _used(link):
    link.last_used_at = timezone.now()
    link.save(update_fields=["last_used_at"])


@transaction.atomic
def member_visit_reply(*, token, visit_pk, attending):
    """The member of ``token`` says whether they will attend the upcoming visit
    ``visit_pk`` of their scheme (404 for any other); a second answer replaces the first."""
    link = link_for_token(token, lock=True)
    visit = upcoming_visits(link.scheme).filter(pk=visit_pk).select_for_update(of=("self",)).first()
    if visit is None:
        raise Http404(_("No such visit."))
    member = link.member
    reply = VisitReply.objects.filter(visit=visit, member=member).first()
    if reply is None:
        reply = VisitReply(visit=visit, member=member, attending=attending)
    reply.attending, reply.answered_at = attending, timezone.now()
    reply._change_reason = gettext_lazy("Answered through the member's personal link")
    reply.save()
    _used(link)
    log_action(
        actor=None,
        member=member,
        action="visit.member_replied",
        obj=visit,
        scheme=link.scheme,
        data={"attending": attending},
    )
    return reply


@transaction.atomic
def member_comment_add(*, token, action_pk, text):
    """The member of ``token`` comments on the draft action ``action_pk`` of their scheme
    (404 for any other)."""
    link = link_for_token(token, lock=True)
    action = draft_actions(link.scheme).filter(pk=action_pk).first()
    if action is None:
        raise Http404(_("No such action."))
    # The same words sent again at once (a double click, a resent form): saved once. The
    # link's row is locked above, so two sends of one member wait for each other here.
    again = ActionComment.objects.filter(
        action=action, member=link.member, text=text, created_at__gte=timezone.now() - RESENT_WITHIN
    ).first()
    if again is not None:
        return again
    comment = ActionComment(action=action, member=link.member, text=text)
    comment._change_reason = gettext_lazy("Written through the member's personal link")
    comment.save()
    _used(link)
    log_action(
        actor=None,
        member=link.member,
        action="action.member_commented",
        obj=comment,
        scheme=link.scheme,
        label=action.action,
        data={"action": action.pk},
    )
    return comment


@transaction.atomic
def member_progress_note(*, token, action_pk, text):
    """The member of ``token`` writes a progress note on an action they lead (404 for any
    other). The note is an implementation update carrying the action's current status and
    progress: the member tells, the city's officers decide the status."""
    link = link_for_token(token, lock=True)
    action = next((action for action in led_actions(link.scheme, link.member) if action.pk == action_pk), None)
    if action is None:
        raise Http404(_("No such action."))
    again = ImplementationUpdate.objects.filter(action=action, member=link.member, text=text, date=timezone.localdate()).first()
    if again is not None:  # the same note sent again the same day: saved once
        return again
    update = ImplementationUpdate(
        action=action,
        member=link.member,
        date=timezone.localdate(),
        text=text,
        status=action.status,
        progress=action.progress,
    )
    update._change_reason = gettext_lazy("Written through the member's personal link")
    update.save()
    _used(link)
    log_action(
        actor=None,
        member=link.member,
        action="action.member_noted_progress",
        obj=action,
        scheme=link.scheme,
        label=action.action,
        data={"update": update.pk},
    )
    return update
