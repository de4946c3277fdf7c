"""The form of a meeting between the visits. Its choices (the visit prepared, the
participants) come from the scheme the view resolved: a visit or a person of another
scheme is not a valid choice. The rules every meeting keeps (within the scheme's dates,
ending after it starts) are the model's (``Meeting.clean``), so a restore keeps them too."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import Meeting
from .visits import TIME_ZONES, PersonChoiceField, TimeInput, surface_empty_choice_errors

# A preparation meeting is "1-2 months before" its visit: outside this, a warning.
PREPARATION_DAYS = (28, 62)


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, visit):
        return str(visit)


class MeetingForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(zone, zone) for zone in TIME_ZONES])

    class Meta:
        model = Meeting
        fields = [
            "purpose",
            "visit",
            "title",
            "mode",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "place",
            "link",
            "participants",
            "other_participants",
            "agenda",
            "notes",
            "decisions",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "other_participants": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "purpose": _(
                "Between the visits, online collaboration prepares the technical side of the visits and works on "
                "drafts of the action plan; each visit is prepared by a working group meeting of all participants "
                "one to two months before; a final meeting reflects on what all parties have learned."
            ),
        }

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        if self.instance.pk is None:
            self.instance.scheme = scheme
        self.fields["visit"] = VisitChoiceField(
            label=_("Visit prepared"),
            queryset=scheme.visits.order_by("order"),
            required=False,
            help_text=_("For a preparation meeting: the visit it prepares."),
        )
        self.fields["participants"] = PersonChoiceField(
            label=_("Participants: people of the scheme"),
            queryset=get_user_model()
            .objects.filter(scheme_roles__scheme=scheme)
            .select_related("organisation")
            .distinct()
            .order_by("last_name", "first_name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.limit_text_fields()

    def clean(self):
        cleaned = super().clean()
        surface_empty_choice_errors(self)
        return cleaned

    def warnings(self):
        """Unusual but allowed: shown after saving."""
        visit, day = self.cleaned_data.get("visit"), self.cleaned_data.get("date")
        if visit and visit.start_date and day and not PREPARATION_DAYS[0] <= (visit.start_date - day).days <= PREPARATION_DAYS[1]:
            return [_("The preparation meeting is usually one to two months before the visit.")]
        return []
