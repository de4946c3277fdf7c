"""The forms of calls for mentors and mentees (issue 23): the coordinator's call, the
city's application on the call's public page, and the decision on an application."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin, TextLimitMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import Call, CallSide
from ..models.calls import MAX_QUESTIONS, QUESTION_LENGTH

ANSWER_LENGTH = 5000


class CallForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = Call
        fields = ["title", "text", "side", "opens", "closes", "questions"]
        widgets = {
            "opens": DateInput(),
            "closes": DateInput(),
            "text": forms.Textarea(attrs={"rows": 8}),
            "questions": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if terms is not None:  # the cities sought, in the programme's words
            self.fields["side"].choices = [(value, terms.sought_label(value)) for value, _label in CallSide.choices]

    def clean_questions(self):
        questions = self.cleaned_data["questions"]
        lines = [line.strip() for line in questions.splitlines() if line.strip()]
        if len(lines) > MAX_QUESTIONS:
            raise forms.ValidationError(
                _("Ask at most %(max)s questions (one a line): there are %(count)s.")
                % {"max": MAX_QUESTIONS, "count": len(lines)}
            )
        if any(len(line) > QUESTION_LENGTH for line in lines):
            raise forms.ValidationError(
                _("Each question fits on one line of at most %(max)s characters.") % {"max": QUESTION_LENGTH}
            )
        return "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes < opens:
            self.add_error("closes", _("The call closes on or after the day it opens."))
        return cleaned


class ApplicationForm(TextLimitMixin, forms.Form):
    """A city's application. What the applicant writes is kept as typed (markup too) and
    always shown as text: nobody outside the network is told to rewrite their answer."""

    city_name = forms.CharField(label=_("City"), max_length=200)
    country = CountryField().formfield(label=_("Country"))
    contact_name = forms.CharField(label=_("Contact person's name"), max_length=200)
    contact_email = forms.EmailField(
        label=_("Contact person's e-mail address"),
        help_text=_("The coordinators answer to this address; if the city is accepted, the invitation goes there."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        sides = call.sides_offered()
        if len(sides) > 1:
            self.fields["side"] = forms.ChoiceField(
                label=_("Your city applies"),
                choices=[(side.value, call.programme.terms.applies_label(side.value)) for side in sides],
                widget=forms.RadioSelect,
            )
        for number, question in enumerate(call.question_list, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question, max_length=ANSWER_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
            )
        self.limit_text_fields()

    def answer_fields(self):
        return [self[name] for name in self.fields if name.startswith("answer_")]


class DecisionForm(PlainTextMixin, forms.Form):
    """The coordinator's message to the city with the decision. A refusal says why."""

    message = forms.CharField(
        label=_("Message to the city"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent by e-mail to the contact person with the decision."),
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        if decision == "decline":
            self.fields["message"].required = True
            self.fields["message"].help_text = _("Sent by e-mail to the contact person: say why the city is not chosen.")
