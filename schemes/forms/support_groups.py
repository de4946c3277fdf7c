"""A member of a local support group (Annex 5)."""

from django import forms

from mentoring.forms import ConcurrentEditMixin, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import (
    LocalSupportGroupMember,
    TemplateKind,
)
from ..services.annex_wording import AnnexWording, word_form


class SupportGroupMemberForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A member of the local support network: the columns of Annex 5's table, labelled
    as the programme's template words them. ``annex`` keeps that wording (its
    introduction is the annex's guidance)."""

    class Meta:
        model = LocalSupportGroupMember
        fields = ["name", "organisation", "stakeholder_type", "role", "email", "phone"]
        widgets = {"role": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.annex = AnnexWording() if programme is None else word_form(self, programme, TemplateKind.LOCAL_SUPPORT_GROUP)
