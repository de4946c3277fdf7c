"""The account page's form for a new API key."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import PlainTextMixin
from ..submissions import SubmitOnceMixin

# A person's active keys at most: each is a door into everything they read.
MAX_ACTIVE_KEYS = 10


class ApiTokenForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=100,
        help_text=_("What it is for, so that you know which one to revoke later: “Network website”, “CRM”."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if self.user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_KEYS:
            raise forms.ValidationError(
                _("You have %(count)s active API keys, the most one person may hold: revoke one you no longer use first.")
                % {"count": MAX_ACTIVE_KEYS}
            )
        return cleaned
