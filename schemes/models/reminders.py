"""Reminders sent by e-mail, one row per person and subject, so sending them again sends
nothing twice (``manage.py send_reminders``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="reminders"
    )
    key = models.CharField(_("about"), max_length=300)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_reminder_per_person")]

    def __str__(self):
        return f"{self.user}: {self.key}"
