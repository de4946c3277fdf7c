"""Forms of the benchmark editor. Benchmarks are plain text (like the JSON format, which
refuses markup); every form of a page that others may edit at the same time carries
the editing check (``seen_version``)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from mentoring.forms import ConcurrentEditMixin, PlainTextMixin, RowsFormSet
from mentoring.submissions import SubmitOnceMixin

from .models import (
    Benchmark,
    BenchmarkSection,
    BenchmarkVersion,
    ContextFactor,
    GoodPracticeExample,
    GuideQuestion,
    KeyFactor,
)
from .services import MAX_ITEMS, MAX_KEY_FACTORS

UNSAFE_LINK_RE = re.compile(r"^\s*(javascript|data|vbscript|file):", re.I)


class BenchmarkCreateForm(PlainTextMixin, SubmitOnceMixin, forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=300, help_text=_("For example: Reception and orientation of newcomers."))
    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, unique among all benchmarks: e.g. reception-2027."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Benchmark.objects.filter(slug=slug).exists():
            raise ValidationError(_("A benchmark with this short name exists already: start a new draft from it instead."))
        return slug


class BenchmarkImportForm(SubmitOnceMixin, forms.Form):
    # An empty file is read like any other (benchmark_load_json says "file: is empty"),
    # so that every unreadable file gets its problem in the same list.
    file = forms.FileField(
        allow_empty_file=True,
        label=_("Benchmark file (JSON)"),
        help_text=_("A file in the mentoring-benchmark/1 format, as exported by this application; it becomes a draft."),
    )


class NewDraftForm(SubmitOnceMixin, forms.Form):
    """The button that starts a new draft from a version: only its one-time token."""


class BenchmarkVersionForm(PlainTextMixin, ConcurrentEditMixin, forms.ModelForm):
    class Meta:
        model = BenchmarkVersion
        fields = ["title", "version_label", "source", "standard", "rationale", "notes_on_terms", "coverage"]
        widgets = {
            "standard": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 5}),
            "notes_on_terms": forms.Textarea(attrs={"rows": 3}),
            "coverage": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"version_label": _("As people cite it, e.g. “second draft February 2013”.")}


class KeyFactorForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = KeyFactor
        fields = ["number", "section", "title", "statement", "rationale", "practical_tips"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "practical_tips": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["section"].queryset = version.sections.order_by("order")
        self.fields["section"].empty_label = _("No section")
        if not version.sections.exists():
            del self.fields["section"]

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        others = self.version.key_factors.exclude(pk=self.instance.pk)
        if others.filter(number=number).exists():
            raise ValidationError(_("Another key factor of this version has the number %(number)s.") % {"number": number})
        if self.instance.pk is None and self.version.key_factors.count() >= MAX_KEY_FACTORS:
            raise ValidationError(_("A benchmark has at most %(max)s key factors.") % {"max": MAX_KEY_FACTORS})
        return number


class GuideQuestionForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = GuideQuestion
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class ExampleForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = GoodPracticeExample
        fields = ["text", "city", "link"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"link": _("Link (web address)")}

    def clean_link(self):
        link = self.cleaned_data["link"].strip()
        if UNSAFE_LINK_RE.match(link):
            raise ValidationError(_("Give a web address (https://…)."))
        return link


class SectionForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = BenchmarkSection
        fields = ["key", "title"]
        help_texts = {"key": _("A short name used in files, e.g. core or neighbourhood.")}


class ContextFactorForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = ContextFactor
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class SectionFormSet(RowsFormSet):
    def clean(self):
        super().clean()
        keys = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and form.instance.key_factors.exists():
                    raise ValidationError(
                        _("The section “%(title)s” still has key factors: move them to another section first.")
                        % {"title": form.instance.title}
                    )
                continue
            key = form.cleaned_data.get("key")
            if key in keys:
                raise ValidationError(_("Two sections have the key “%(key)s”.") % {"key": key})
            keys.add(key)


def _rows(parent, model, form, formset=RowsFormSet):
    return inlineformset_factory(
        parent,
        model,
        form=form,
        formset=formset,
        extra=2,
        can_order=True,
        can_delete=True,
        max_num=MAX_ITEMS,
        validate_max=True,
    )


GuideQuestionFormSet = _rows(KeyFactor, GuideQuestion, GuideQuestionForm)
ExampleFormSet = _rows(KeyFactor, GoodPracticeExample, ExampleForm)
SectionsFormSet = _rows(BenchmarkVersion, BenchmarkSection, SectionForm, SectionFormSet)
ContextFactorFormSet = _rows(BenchmarkVersion, ContextFactor, ContextFactorForm)
