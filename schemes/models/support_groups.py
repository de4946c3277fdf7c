"""Local support groups (Annex 5): at most ten stakeholders of the mentee city,
optionally mirrored on the mentor side."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_MEMBERS = 10


class LocalSupportGroup(models.Model):
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="support_groups"
    )
    city = models.ForeignKey(
        "schemes.Organisation", verbose_name=_("city"), on_delete=models.PROTECT, related_name="support_groups"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local support group")
        verbose_name_plural = _("local support groups")
        ordering = ["scheme_id", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "city"], name="unique_support_group_per_city"),
        ]

    def __str__(self):
        return self.name or _("Local support group of %(city)s") % {"city": self.city.label}


class StakeholderType(models.TextChoices):
    MIGRANT_ASSOCIATION = "migrant_association", _("Migrant or community association")
    NGO = "ngo", _("NGO or civil society body")
    BUSINESS = "business", _("Business")
    TRADE_UNION = "trade_union", _("Trade union")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    COUNCIL_OFFICER = "council_officer", _("Council officer")
    ACADEMIC = "academic", _("Academic")
    OTHER = "other", _("Other")


class LocalSupportGroupMember(models.Model):
    group = models.ForeignKey(LocalSupportGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    stakeholder_type = models.CharField(_("type of stakeholder"), max_length=30, choices=StakeholderType.choices)
    role = models.TextField(_("role in the group"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member of a local support group")
        verbose_name_plural = _("members of local support groups")
        ordering = ["group_id", "order", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    def clean(self):
        others = LocalSupportGroupMember.objects.filter(group_id=self.group_id).exclude(pk=self.pk)
        if self.group_id and others.count() >= MAX_MEMBERS:
            raise ValidationError(
                _("A local support group has at most %(max)s members; remove one before adding another.") % {"max": MAX_MEMBERS}
            )
