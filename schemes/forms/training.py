"""A programme's training sessions and the mentoring-styles survey answered there."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import TrainingSession


class StyleSurveyForm(forms.Form):
    """The mentoring-styles survey: how far each statement describes the respondent."""

    def __init__(self, *args, side, answers=None, **kwargs):
        from ..services.styles import AGREEMENT, STATEMENTS

        super().__init__(*args, **kwargs)
        self.side = side
        for key, _style, text in STATEMENTS:
            self.fields[f"s_{key}"] = forms.TypedChoiceField(
                label=text,
                choices=AGREEMENT,
                coerce=int,
                widget=forms.RadioSelect,
                initial=(answers or {}).get(key),
                error_messages={"required": _("Choose how far this describes you.")},
            )

    def agreements(self):
        return {name[2:]: value for name, value in self.cleaned_data.items()}


class TrainingSessionForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "date", "mode", "agenda", "attendees"]
        widgets = {
            "date": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "attendees": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }
        help_texts = {"agenda": _("Roles, method, timeline; the mentoring-styles survey.")}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = lambda user: user.display_name
