"""A member of a local support group (Annex 5)."""

from django import forms

from mentoring.forms import ConcurrentEditMixin, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import (
    LocalSupportGroupMember,
)


class SupportGroupMemberForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = LocalSupportGroupMember
        fields = ["name", "organisation", "stakeholder_type", "role", "email", "phone"]
        widgets = {"role": forms.Textarea(attrs={"rows": 2})}
