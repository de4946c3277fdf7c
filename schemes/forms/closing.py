"""The closing stage's records: each side's evaluation of the mentoring, a dissemination
output, a support gap or multi-level issue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import DisseminationOutput, MentoringEvaluation, SupportGap


class EvaluationForm(PlainTextMixin, ConcurrentEditMixin, forms.ModelForm):
    """The short template of seed 002's closing questions: what all parties have learned,
    what worked in the method, what they would change, and whether they would take part
    again. A first save creates the side's evaluation (its view draws it unsaved)."""

    class Meta:
        model = MentoringEvaluation
        fields = ["learned", "worked", "change", "again"]
        widgets = {
            "learned": forms.Textarea(attrs={"rows": 5}),
            "worked": forms.Textarea(attrs={"rows": 5}),
            "change": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A choice of three, checked as one (a NullBooleanField reads any other value as
        # "not said", silently).
        self.fields["again"] = forms.TypedChoiceField(
            label=MentoringEvaluation._meta.get_field("again").verbose_name,
            required=False,
            choices=[("unknown", _("Not said")), ("true", _("Yes")), ("false", _("No"))],
            coerce={"unknown": None, "true": True, "false": False}.get,
            empty_value=None,
            widget=forms.RadioSelect,
        )
        self.initial["again"] = {None: "unknown", True: "true", False: "false"}[self.initial.get("again")]


class DisseminationOutputForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A closing event or communication output: what, when, audience, link, notes."""

    class Meta:
        model = DisseminationOutput
        fields = ["kind", "title", "date", "audience", "link", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A web address as typed: "example.org" is read as https://example.org.
        self.fields["link"].assume_scheme = "https"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "closing_event" and not cleaned.get("date"):
            self.add_error("date", _("Give the date of the closing event."))
        return cleaned


class SupportGapForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A support gap or multi-level governance issue: the level, the issue, what would help."""

    class Meta:
        model = SupportGap
        fields = ["level", "issue", "would_help"]
        widgets = {"issue": forms.Textarea(attrs={"rows": 3}), "would_help": forms.Textarea(attrs={"rows": 3})}
