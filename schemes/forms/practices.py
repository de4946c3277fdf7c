"""A good practice (Annex 4) and the key factors it is tagged with."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benchmarks.models import KeyFactor
from mentoring.forms import ConcurrentEditMixin, TextLimitMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import (
    GoodPractice,
    TemplateKind,
)
from ..services.annex_wording import word_form


def programme_key_factors(programme):
    """The key factors of the benchmarks a programme offers or its schemes use. Subqueries,
    not joins: a benchmark version used by thousands of schemes adds no rows to sort out."""
    from ..models import Programme, Scheme

    programme = getattr(programme, "pk", programme)  # a programme or its id
    offered = Programme.benchmarks.through.objects.filter(programme_id=programme).values("benchmarkversion_id")
    used = Scheme.objects.filter(programme_id=programme, benchmark__isnull=False).values("benchmark_id")
    return (
        KeyFactor.objects.filter(Q(version__in=offered) | Q(version__in=used))
        .select_related("version")
        .order_by("version__title", "order")
    )


def key_factor_label(key_factor):
    return f"{key_factor.version.title}: {key_factor.number}. {key_factor.title}"


class KeyFactorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return key_factor_label(obj)


class GoodPracticeForm(TextLimitMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """Annex 4: a good practice of a city the writer acts for, linked to key factors of
    the programme's benchmarks. Like a questionnaire answer, any text is kept as written
    and shown as text. The labels and help texts are the template's prompts
    (services/annex_wording.py)."""

    key_factors = KeyFactorChoiceField(
        label=_("Key factors"),
        queryset=KeyFactor.objects.none(),
        required=False,
        # Pages at a glance (issue 26): checkboxes with the full names, wrapping, not a
        # Ctrl-click list that cuts them off.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The benchmark key factors this practice shows how to meet."),
    )

    class Meta:
        model = GoodPractice
        fields = ["city", "title", "theme", *GoodPractice.ANNEX_FIELDS, "key_factors"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "context",
                "description",
                "resources",
                "results",
                "success_factors",
                "risks",
                "transferability",
                "further_information",
            )
        }
        # The Annex 4 fields are worded by the programme's template (word_form below).
        help_texts = {"theme": _("In a few words, e.g. housing, language learning, participation.")}

    def __init__(self, *args, programme, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
        self.fields["city"].empty_label = None
        self.fields["city"].help_text = _("A city you act for in this programme.")
        self.fields["key_factors"].queryset = programme_key_factors(programme)
        # Annex 4's prompts and help, as the programme's template words them.
        self.annex = word_form(self, programme, TemplateKind.GOOD_PRACTICE)


class StrengthsGoodPracticeForm(GoodPracticeForm):
    """A new good practice of the city whose strengths are being written, recorded from
    its strengths page and attached to them in the same step (issue 26): the city is that
    of the strengths, not chosen."""

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["city"]
        self.instance.city = city
