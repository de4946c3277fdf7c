"""Personal links of local support group members, who are usually not users (Annex 5).

A facilitator or the mentee city sends a member a link for one scheme; with it the
member says whether they will attend a visit, comments on the draft action plan's
actions and posts short progress notes on the actions they lead. The link is signed by
its randomness: only a hash of its token is stored (as for invitations), so a copy of
the database holds no usable link. It expires, and can be revoked; a removed member's
links go with them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MemberLinkQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class MemberLink(models.Model):
    member = models.ForeignKey(
        "schemes.LocalSupportGroupMember", verbose_name=_("member"), on_delete=models.CASCADE, related_name="links"
    )
    # The member's group's scheme, kept on the link so that every lookup through it is
    # scoped to the scheme without a join.
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = MemberLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("member's personal link")
        verbose_name_plural = _("members' personal links")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(self.member)

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "live"

    def get_state_display(self):
        return {"revoked": _("Revoked"), "expired": _("Expired"), "live": _("Valid")}[self.state]


class VisitReply(models.Model):
    """A support group member's answer before a visit: will they attend? (What they did
    is recorded with the visit afterwards: ``Visit.support_group_attendance``.)"""

    visit = models.ForeignKey("schemes.Visit", verbose_name=_("visit"), on_delete=models.CASCADE, related_name="member_replies")
    member = models.ForeignKey(
        "schemes.LocalSupportGroupMember", verbose_name=_("member"), on_delete=models.CASCADE, related_name="visit_replies"
    )
    attending = models.BooleanField(_("will attend"))
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member's reply to a visit")
        verbose_name_plural = _("members' replies to visits")
        ordering = ["visit_id", "member__name", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "member"], name="one_reply_per_member_and_visit")]

    def __str__(self):
        return f"{self.member}: {self.visit}"
