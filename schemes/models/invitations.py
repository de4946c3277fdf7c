"""Invitations: a coordinator or facilitator invites a person by e-mail to a role in a
programme or scheme, on behalf of an organisation. The invitee sets a password from a
one-time link that expires.

Only a hash of the link's token is stored, so a copy of the database does not hold
usable links.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "schemes.Organisation", verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True
    )
    programme = models.ForeignKey(
        "schemes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="invitations"
    )
    scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("scheme"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
        help_text=_("Empty for a role across the whole programme."),
    )
    party = models.ForeignKey(
        "schemes.SchemeParty", verbose_name=_("on behalf of"), on_delete=models.CASCADE, null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=20)
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        # One live link per address and programme or scheme (a live invitation is one
        # neither used nor withdrawn; inviting again withdraws the earlier one first).
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "email"],
                condition=models.Q(scheme__isnull=True, accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_live_programme_invitation_per_address",
            ),
            models.UniqueConstraint(
                fields=["scheme", "email"],
                condition=models.Q(scheme__isnull=False, accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_live_scheme_invitation_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.role})"

    @property
    def where(self):
        return self.scheme or self.programme

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_role_display(self):
        # In the programme's words ("Implementing city"): the e-mail and the page of the link.
        return self.programme.terms.role_label(self.role)

    def get_state_display(self):
        return {
            "accepted": _("Accepted"),
            "withdrawn": _("Withdrawn"),
            "expired": _("Expired"),
            "pending": _("Waiting"),
        }[self.state]
