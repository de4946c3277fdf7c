"""Forms of the action plan (Annex 6). The cells are the mentee's own text, kept as typed
(capped at 20,000 characters, about 3,000 words); key factors and needs are chosen
among the scheme's own."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.forms import inlineformset_factory
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from benchmarks.models import KeyFactor
from mentoring.forms import ConcurrentEditMixin, DateInput, MentionsMixin, PlainTextMixin, RowsFormSet, TextLimitMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import Action, ActionComment, ActionPlan, GoodPractice, ImplementationUpdate, Need, PlanConsultation
from ..services.action_plans import VersionLabelTaken, analysis_answers, label_taken, needs_of


class ActionForm(TextLimitMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "action",
            "outcomes",
            "timeframe",
            "due_date",
            "lead",
            "resources",
            "evaluation",
            "key_factors",
            "needs",
            "transfers_practice",
        ]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "evaluation": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
            "key_factors": forms.CheckboxSelectMultiple,
            "needs": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "due_date": _("The end of the timeframe: an action not done by then is flagged as overdue."),
            "transfers_practice": _(
                "The good practice this action transfers to the mentee city, as Capaci transferred the "
                "“Buddy Project” from its mentor, Mechelen."
            ),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = plan.scheme
        # Annex 6's column prompts and help, as the programme's template words them (issue 23).
        from ..services.annex_wording import word_form

        word_form(self, scheme.programme, "action_plan")
        focus = scheme.focus_key_factors.order_by("order")
        self.fields["key_factors"].queryset = (
            focus if focus.exists() else KeyFactor.objects.filter(version_id=scheme.benchmark_id).order_by("order")
        )
        self.fields["key_factors"].label_from_instance = lambda kf: f"{kf.number} · {kf.title}"
        self.fields["needs"].queryset = needs_of(plan)
        # The programme's good practices only: another programme's is not a valid choice.
        practices = self.fields["transfers_practice"]
        practices.queryset = GoodPractice.objects.filter(programme_id=scheme.programme_id).select_related("city")
        practices.queryset = practices.queryset.order_by("city__name", "title")
        practices.label_from_instance = lambda practice: f"{practice.title} ({practice.city.name})"
        practices.empty_label = _("None")
        # The recommendation of a visit report this action was made from: shown, not edited.
        recommendation = self.instance.from_recommendation if self.instance.from_recommendation_id else None
        if recommendation is not None:
            self.from_recommendation = recommendation
            self.fields["action"].help_text = _("Made from the recommendation of %(visit)s: “%(text)s”.") % {
                "visit": recommendation.visit,
                "text": Truncator(recommendation.text).chars(200),
            }


class NeedForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["text"]


NeedFormSet = inlineformset_factory(
    ActionPlan,
    Need,
    form=NeedForm,
    formset=RowsFormSet,
    extra=3,
    can_order=True,
    can_delete=True,
    max_num=40,
    validate_max=True,
)


class NeedTakeForm(SubmitOnceMixin, forms.Form):
    """Take a need from the needs analysis: one of the scheme's mentee city's answers."""

    answer = forms.ModelChoiceField(
        label=_("Take a need from the needs analysis"),
        queryset=None,
        widget=forms.RadioSelect,
        help_text=_("The need keeps a link to its answer: the plan says when the needs analysis changes."),
    )

    def __init__(self, *args, scheme, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = analysis_answers(scheme, city)
        self.fields["answer"].label_from_instance = lambda answer: f"{answer.question.text}: {Truncator(answer.text).chars(300)}"


class PlanConsultationForm(TextLimitMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """Who was consulted on the draft plan (a city department, an outside partner), when,
    and what they said: their words kept as typed, like the plan's cells (escaped where
    they are shown)."""

    class Meta:
        model = PlanConsultation
        fields = ["consulted", "date", "said"]
        widgets = {"date": DateInput(), "said": forms.Textarea(attrs={"rows": 4})}


class FreezeForm(PlainTextMixin, SubmitOnceMixin, forms.Form):
    label = forms.CharField(label=_("Label of this version"), max_length=200, help_text=_("For example: draft after visit 1."))
    visit = forms.ModelChoiceField(label=_("After visit"), queryset=None, required=False, empty_label=_("Not after a visit"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["visit"].queryset = plan.scheme.visits.order_by("order")

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if label_taken(self.plan, label):
            raise ValidationError(VersionLabelTaken(label).message)
        return label


class ApprovalForm(PlainTextMixin, forms.Form):
    decision_reference = forms.CharField(
        label=_("Formal decision reference"),
        max_length=300,
        help_text=_("The reference of the decision that approved the plan inside the administration (council, board)."),
    )


class UpdateForm(TextLimitMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = ImplementationUpdate
        fields = ["date", "status", "progress", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].validators.append(MaxValueValidator(100))
        self.fields["progress"].widget.attrs.update(min=0, max=100)


class ActionCommentForm(MentionsMixin, TextLimitMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = ActionComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
