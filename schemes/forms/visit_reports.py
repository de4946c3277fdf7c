"""Forms of the visit report: the writers' item form (kind, text, key factor, need) and
the mentee city's response form, each its own, so neither side writes the other's words.

Texts are the writers' own, kept as typed and always shown as text (never refused for
looking like markup), at most ``MAX_REPORT_TEXT`` characters. The key factors offered are
the scheme's benchmark's, the needs its action plan's: anything else is "not one of the
available choices"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benchmarks.models import KeyFactor
from mentoring.forms import ConcurrentEditMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import ReportItemKind, VisitReportItem
from ..services.action_plans import needs_of, plan_for
from ..services.benchmark_stages import stages_of


class ReportItemForm(ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = VisitReportItem
        fields = ["kind", "text", "key_factor", "need"]
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "kind": _(
                "ImpleMentoring method: the mentor and facilitator look at all the evidence, identify key challenges and risks, "
                "and make recommendations to the partner authority about the way forward."
            ),
        }

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReportItemKind.choices  # one of the three, no blank radio button
        key_factors = self.fields["key_factor"]
        # The key factors of every stage's benchmark, named with their stage when there are several.
        stages = {stage.benchmark_id: stage.name for stage in stages_of(scheme)}
        key_factors.queryset = KeyFactor.objects.filter(version_id__in=list(stages)).order_by("version_id", "order")
        if len(stages) > 1:
            key_factors.label_from_instance = lambda kf: f"{stages[kf.version_id]}: {kf.number} · {kf.title}"
        else:
            key_factors.label_from_instance = lambda kf: f"{kf.number} · {kf.title}"
        key_factors.empty_label = _("No key factor in particular")
        self.fields["need"].queryset = needs_of(plan_for(scheme))
        self.fields["need"].empty_label = _("No need in particular")
        self.fields["text"].widget.attrs["maxlength"] = str(self.fields["text"].max_length)


class ReportResponseForm(ConcurrentEditMixin, forms.ModelForm):
    class Meta:
        model = VisitReportItem
        fields = ["response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"response": _("The mentee city's answer: what it will do about this, or why not.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        response = self.fields["response"]
        response.required = True
        response.widget.attrs["maxlength"] = str(response.max_length)
