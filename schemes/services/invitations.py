"""Inviting people, accepting an invitation, giving and removing roles.

An invitation link carries a random token; only its SHA-256 is stored. The link works
once, until it expires (INVITATION_VALID_DAYS), and not after it is withdrawn. An address
has at most one live link per programme or scheme: inviting it again replaces the
earlier invitation (a database constraint holds it when two people invite at once).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.access import ASSOCIATION, COORDINATOR, FACILITATOR, MENTEE, MENTOR, OBSERVER, PARTNER
from mentoring.activity import log_action
from mentoring.tasks import email_enqueue

from ..models import Invitation, ProgrammeRole, SchemeRole
from ..models.invitations import token_hash


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the invitee."""


class AlreadyInvited(Exception):
    """Someone else invited the same address to the same place at the same instant; their
    invitation is the live one."""

    def __init__(self, email):
        super().__init__(email)
        self.message = _(
            "%(email)s was just invited by someone else: their invitation is the one waiting. Reload the page to see it."
        ) % {"email": email}


@dataclass
class InvitationSent:
    invitation: object
    link: str  # shown once to the inviter as well, for when e-mail is slow
    replaced: bool  # an earlier invitation's link was live and no longer works


# What a person does first in each role (seed 000 §3: the needs analysis by the mentee
# city, the association's national/regional part of it, the mentor's strengths and
# good practices; the facilitator's visits), told in the invitation and role e-mails.
FIRST_STEPS = {
    "scheme": {
        MENTEE: gettext_lazy("fill in your city's needs analysis with your colleagues (Annex 2)."),
        MENTOR: gettext_lazy("record your city's strengths and experience (Annex 3) and its good practices (Annex 4)."),
        ASSOCIATION: gettext_lazy("fill in the national and regional context part of the needs analysis."),
        PARTNER: gettext_lazy("read the scheme's documents, and comment on the needs analysis and the visits."),
        FACILITATOR: gettext_lazy("plan the mentoring visits with the cities and build their agendas."),
        OBSERVER: gettext_lazy("follow the scheme's progress and read its documents."),
    },
    "programme": {
        COORDINATOR: gettext_lazy("set up the programme's schemes and invite their people."),
        FACILITATOR: gettext_lazy("help the schemes you are assigned to: plan their visits and build the agendas."),
        OBSERVER: gettext_lazy("follow the progress of every scheme of the programme on its dashboard."),
    },
}


def first_step(role, scheme):
    """What a person in ``role`` does first, in a scheme or (``scheme`` None) a programme."""
    return FIRST_STEPS["programme" if scheme is None else "scheme"].get(role, "")


def _role_create(*, user, programme, scheme, role, party):
    """The role, and whether it is new."""
    if scheme is None:
        return ProgrammeRole.objects.get_or_create(programme=programme, user=user, role=role)
    return SchemeRole.objects.get_or_create(scheme=scheme, user=user, role=role, defaults={"party": party})


def _invitation_label(invitation):
    """The invitee as the activity log names them: the name the inviter gave, if any (the
    address is shown only to those who invite)."""
    return f"{invitation.first_name} {invitation.last_name}".strip()


@transaction.atomic
def invitation_create(
    *,
    programme,
    scheme=None,
    email,
    role,
    invited_by,
    build_url,
    organisation=None,
    party=None,
    first_name="",
    last_name="",
    message="",
    drawn_at=None,
):
    """Record the invitation and e-mail its one-time link, withdrawing any earlier one of
    the address to the same programme or scheme. ``build_url`` turns a path into an
    absolute address (``request.build_absolute_uri``). Returns ``InvitationSent``;
    ``AlreadyInvited`` when someone else invites the address at the same instant, or did
    after ``drawn_at`` (when the inviter's form was drawn: they could not know of it)."""
    email = email.lower()
    earlier = list(
        Invitation.objects.select_for_update().filter(
            programme=programme, scheme=scheme, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        )
    )
    if drawn_at is not None and any(
        invitation.created_at > drawn_at and invitation.invited_by_id != invited_by.pk for invitation in earlier
    ):
        raise AlreadyInvited(email)
    # Expired ones too: the constraint counts every invitation neither used nor withdrawn.
    replaced = any(invitation.state == "pending" for invitation in earlier)
    for invitation in earlier:
        _withdraw(invitation)  # said by the new invitation's entry ("replaced")
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                programme=programme,
                scheme=scheme,
                email=email,
                first_name=first_name,
                last_name=last_name,
                role=role,
                organisation=organisation,
                party=party,
                message=message,
                invited_by=invited_by,
                token_hash=token_hash(token),
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
    except IntegrityError as error:
        raise AlreadyInvited(email) from error
    log_action(
        actor=invited_by,
        action="invitation.sent",
        obj=invitation,
        scheme=scheme,
        programme=programme,
        label=_invitation_label(invitation),
        data={"role": role, "replaced": replaced},
    )
    link = build_url(reverse("invitation_accept", kwargs={"token": token}))
    with translation.override(invited_by.language or translation.get_language()):
        context = {
            "invitation": invitation,
            "link": link,
            "days": settings.INVITATION_VALID_DAYS,
            "first_step": first_step(role, scheme),
        }
        subject = _("You are invited to %(where)s") % {"where": invitation.where.title if scheme else programme.name}
        body = render_to_string("emails/invitation.txt", context)
    email_enqueue(subject=subject, body=body, to=[invitation.email])
    return InvitationSent(invitation, link, replaced)


def invitation_for_token(token):
    """The invitation of a link, or InvitationError saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("programme", "scheme", "invited_by", "organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid. Check that you copied the whole link."))
    if invitation.state == "accepted":
        raise InvitationError(_("This invitation has already been used. Log in with your e-mail address and password."))
    if invitation.state == "withdrawn":
        raise InvitationError(_("This invitation has been withdrawn. Ask the person who invited you for a new one."))
    if invitation.state == "expired":
        raise InvitationError(
            _("This invitation expired on %(date)s. Ask %(name)s for a new one.")
            % {
                "date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
                "name": invitation.invited_by.display_name if invitation.invited_by else _("the coordinator"),
            }
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token, password, first_name, last_name):
    """Create the invitee's account with ``password`` and give them the role.

    The invitation row is locked, so two clicks on the same link cannot both succeed.
    """
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":
        raise InvitationError(_("This invitation has already been used. Log in with your e-mail address and password."))
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(
            _("An account with this address already exists. Log in, and ask the person who invited you to add the role to it.")
        )
    user = _invitee_account(invitation, password=password, first_name=first_name, last_name=last_name)
    _accepted(invitation, user)
    return invitation, user


@transaction.atomic
def invitations_accept_at_sign_in(*, email, first_name, last_name):
    """Single sign-on (mentoring.sso, docs/sso.md): a person without an account signs in
    with their organisation's account, which verified ``email``. Every open invitation of
    that address is accepted, as the invitation's page accepts one: the account is
    created (without a password: they sign in through their organisation) with the
    invitations' roles. None when no invitation is open: there is no open sign-up."""
    invitations = list(Invitation.objects.pending().select_for_update().filter(email__iexact=email).order_by("created_at"))
    if not invitations or get_user_model().objects.filter(email__iexact=email).exists():
        return None
    first = invitations[0]
    user = _invitee_account(
        first, password=None, first_name=first_name or first.first_name, last_name=last_name or first.last_name
    )
    for invitation in invitations:
        _accepted(invitation, user)
    return user


def _invitee_account(invitation, *, password, first_name, last_name):
    """The invitee's new account (``password`` None: an unusable one)."""
    return get_user_model().objects.create_user(
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        organisation=invitation.organisation,
        language=translation.get_language() or "",
    )


def _accepted(invitation, user):
    """Give ``user`` the invitation's role and record the invitation as accepted."""
    _role_create(
        user=user, programme=invitation.programme, scheme=invitation.scheme, role=invitation.role, party=invitation.party
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        actor=user,
        action="invitation.accepted",
        obj=invitation,
        scheme=invitation.scheme,
        programme=invitation.programme,
        label=user.display_name,
        data={"role": invitation.role, "invited_by": invitation.invited_by_id},
    )


def _withdraw(invitation):
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_withdraw(*, invitation, actor):
    _withdraw(invitation)
    log_action(
        actor=actor,
        action="invitation.withdrawn",
        obj=invitation,
        scheme=invitation.scheme,
        programme=invitation.programme,
        label=_invitation_label(invitation),
        data={"role": invitation.role},
    )


@transaction.atomic
def role_grant(*, user, programme, scheme=None, role, party=None, actor):
    """Give an existing account a role (no invitation needed), and tell the person by
    e-mail, in their language, what it is and what they do first."""
    given, created = _role_create(user=user, programme=programme, scheme=scheme, role=role, party=party)
    if created:
        log_action(
            actor=actor,
            action="role.given",
            obj=given,
            scheme=scheme,
            programme=programme,
            label=user.display_name,
            data={"role": role, "user": user.pk},
        )
        _role_given_email(user=user, programme=programme, scheme=scheme, role=role, party=party, actor=actor)
    return given


def _role_given_email(*, user, programme, scheme, role, party, actor):
    where = scheme or programme
    with translation.override(user.language or translation.get_language()):
        context = {
            "actor": actor,
            "programme": programme,
            "scheme": scheme,
            "where": where if scheme else programme.name,
            "role_label": programme.terms.role_label(role),
            "organisation": party.organisation if party else None,
            "first_step": first_step(role, scheme),
            "link": settings.SITE_URL + where.get_absolute_url(),
        }
        subject = _("You have a new role in %(where)s") % {"where": scheme.title if scheme else programme.name}
        body = render_to_string("emails/role_given.txt", context)
    email_enqueue(subject=subject, body=body, to=[user.email])


@transaction.atomic
def role_remove(*, role, actor):
    scheme = getattr(role, "scheme", None)
    log_action(
        actor=actor,
        action="role.removed",
        obj=role,
        scheme=scheme,
        programme=role.programme if scheme is None else None,
        label=role.user.display_name,
        data={"role": role.role, "user": role.user_id},
    )
    role.delete()
