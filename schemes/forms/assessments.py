"""The self-assessment form: for every key factor of the benchmark a level on the
labelled scale, the evidence and whether to focus on it; a note on every context factor.
It is filled a page at a time (``form_pages``): a few key factors a page, then the
context factors, so that no page holds more than ``FIELDS_PER_PAGE`` fields. Field
names carry the key factor's or context factor's id, so a field naming one that is not
on the page is refused."""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mentoring.forms import TextLimitMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import Level, SelfAssessmentComment

# Pages at a glance (issue 26): what each level of the scale means, shown beside each
# level of every key factor's scale (``level_choices``).
LEVEL_MEANINGS = [
    (Level.NOT_IN_PLACE, _("Nothing of it exists in the city yet.")),
    (Level.FIRST_STEPS, _("It is on the agenda: first ideas or pilots, nothing lasting yet.")),
    (Level.PARTLY, _("Some of it works, but not city-wide or not for good.")),
    (Level.LARGELY, _("Most of it works and lasts; a few gaps remain.")),
    (Level.FULLY, _("It works city-wide, lasts and is reviewed.")),
]


def level_choices():
    """The scale's choices, each level's label with its meaning under it (in the label, so
    a screen reader reads both when the level is chosen); the texts are the site's own,
    escaped by ``format_html``."""
    return [("", _("Not assessed yet"))] + [
        (level.value, format_html('{} <span class="level-meaning">{}</span>', level.label, meaning))
        for level, meaning in LEVEL_MEANINGS
    ]


FIELD_NAME = re.compile(r"^(level|evidence|focus|note)_(\d+)$")
# A key factor has three fields (level, evidence, focus), a context factor one (its note).
FIELDS_PER_PAGE = 18


@dataclass
class FormPage:
    """One page of the self-assessment form: some key factors, or some context factors."""

    number: int
    key_factors: list
    context_factors: list

    @property
    def title(self):
        if not self.key_factors:
            return _("Context factors")
        first, last = self.key_factors[0].number, self.key_factors[-1].number
        if first == last:
            return _("Key factor %(number)s") % {"number": first}
        return _("Key factors %(first)s to %(last)s") % {"first": first, "last": last}

    def progress(self, rows, notes):
        """(done, total): the page's key factors with a level, or context factors with a
        note, in a round's ``rows`` and ``notes`` (by key factor and context factor id)."""
        if self.key_factors:
            done = sum(1 for kf in self.key_factors if kf.pk in rows and rows[kf.pk].level is not None)
            return done, len(self.key_factors)
        return sum(1 for cf in self.context_factors if cf.pk in notes and notes[cf.pk].notes), len(self.context_factors)


def form_pages(key_factors, context_factors):
    """The pages of the form, in order: key factors by ``FIELDS_PER_PAGE // 3``, then
    the context factors by ``FIELDS_PER_PAGE``."""
    per_page = FIELDS_PER_PAGE // 3
    groups = [(key_factors[i : i + per_page], []) for i in range(0, len(key_factors), per_page)]
    groups += [([], context_factors[i : i + FIELDS_PER_PAGE]) for i in range(0, len(context_factors), FIELDS_PER_PAGE)]
    return [FormPage(number, kfs, cfs) for number, (kfs, cfs) in enumerate(groups or [([], [])], start=1)]


class SelfAssessmentForm(TextLimitMixin, forms.Form):
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, key_factors, context_factors, rows, notes, seen, **kwargs):
        self.key_factors = list(key_factors)
        self.context_factors = list(context_factors)
        fields = {}
        for key_factor in self.key_factors:
            row = rows.get(key_factor.pk)
            fields[f"level_{key_factor.pk}"] = forms.TypedChoiceField(
                label=_("Level"),
                choices=level_choices(),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=row.level if row else None,
            )
            fields[f"evidence_{key_factor.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("What shows this level: policies, figures, examples."),
                initial=row.evidence if row else "",
            )
            fields[f"focus_{key_factor.pk}"] = forms.BooleanField(
                label=_("Focus on this key factor"), required=False, initial=row.focus if row else False
            )
        for context_factor in self.context_factors:
            note = notes.get(context_factor.pk)
            fields[f"note_{context_factor.pk}"] = forms.CharField(
                label=context_factor.title,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=note.notes if note else "",
            )
        super().__init__(*args, **kwargs)
        self.fields.update(fields)
        self.fields["seen"].initial = seen
        self.limit_text_fields()

    def clean(self):
        cleaned = super().clean()
        if self.is_bound:
            foreign = sorted(key for key in self.data if FIELD_NAME.match(key) and key not in self.fields)
            if foreign:
                raise ValidationError(
                    _("This form holds answers about key factors that are not in this benchmark. Reload the page and try again."),
                    code="foreign_key_factor",
                )
        return cleaned

    def rows(self):
        """[(key factor, level field, evidence field, focus field)] for the template."""
        return [(kf, self[f"level_{kf.pk}"], self[f"evidence_{kf.pk}"], self[f"focus_{kf.pk}"]) for kf in self.key_factors]

    def note_fields(self):
        return [self[f"note_{cf.pk}"] for cf in self.context_factors]

    def values(self):
        data = self.cleaned_data
        return {
            kf.pk: (data.get(f"level_{kf.pk}"), data.get(f"evidence_{kf.pk}") or "", bool(data.get(f"focus_{kf.pk}")))
            for kf in self.key_factors
        }

    def notes(self):
        return {cf.pk: self.cleaned_data.get(f"note_{cf.pk}") or "" for cf in self.context_factors}


class SelfAssessmentCommentForm(TextLimitMixin, SubmitOnceMixin, forms.ModelForm):
    """A peer's comment on a city's self-assessment round (a community of practice)."""

    class Meta:
        model = SelfAssessmentComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
