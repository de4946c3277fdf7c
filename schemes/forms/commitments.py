"""The political commitment of a scheme."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import (
    PoliticalCommitment,
)


class PoliticalCommitmentForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """Who committed (name, office, party or cross-party), when, to what, and the evidence."""

    class Meta:
        model = PoliticalCommitment
        fields = ["name", "office", "party", "cross_party", "date", "scope", "evidence"]
        widgets = {"date": DateInput(), "evidence": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"party": _("The political party, unless the commitment is cross-party.")}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("party") and not cleaned.get("cross_party"):
            self.add_error("party", _("Give the party, or tick cross-party."))
        return cleaned
