"""The form markup drawn in Python (mentoring/templatetags/form_markup.py) is the markup
crispy-bootstrap5's and Django's templates draw: every kind of widget, bound and unbound,
valid and not, with help text, initial values, a disabled field and hostile values."""

import datetime
import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.loader import get_template

from mentoring.templatetags.form_markup import crispy_template

HOSTILE = '<script>alert("x")</script> & "quotes"'
CHOICES = [("a", "Apple & <pear>"), ("b", "Banana"), ("c", 'Cherry "red"')]


class EveryWidget(forms.Form):
    required_css_class = "needed"  # drawn on the field's wrapper, as crispy does
    error_css_class = "has-error"
    text = forms.CharField(max_length=20, help_text="At most <em>twenty</em> letters.")
    optional_text = forms.CharField(required=False, initial=HOSTILE)
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    email = forms.EmailField()
    number = forms.IntegerField(min_value=0, help_text="Whole number.")
    decimal = forms.DecimalField(required=False, localize=True)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    url = forms.URLField(required=False)
    password = forms.CharField(widget=forms.PasswordInput)
    select = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=[("Fruit", CHOICES), ("z", "Other")], required=False)
    multiple = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="Pick one.")
    radio_optional = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int, widget=forms.RadioSelect, required=False)
    checks = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField(help_text="Tick to agree.")
    optional_box = forms.BooleanField(required=False)
    locked = forms.CharField(disabled=True, initial="fixed", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace", "placeholder": HOSTILE}), required=False)


def normalised(html):
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r"\s*>\s*", ">", html)
    html = re.sub(r"\s*<\s*", "<", html)
    return html.strip()


INVALID = {"text": "x" * 30, "email": "not an e-mail", "number": "-3", "select": "zzz", "radio": HOSTILE,
           "checks": ["a", "zzz"], "multiple": ["q"], "optional_text": HOSTILE, "area": HOSTILE, "decimal": "1,5x"}
VALID = {"text": "Hello", "email": "a@example.org", "number": "3", "password": "secret", "select": "b", "radio": "c",
         "checks": ["a", "c"], "agree": "on", "radio_optional": "2", "multiple": ["a", "b"], "date": "2027-03-10",
         "area": "Line one\nLine two <b>", "optional_box": "on", "grouped": "a"}


@pytest.mark.parametrize("data", [None, INVALID, VALID], ids=["unbound", "invalid", "valid"])
@pytest.mark.parametrize("field_name", list(EveryWidget.base_fields))
def test_each_field_is_drawn_as_crispy_draws_it(field_name, data):
    ours = EveryWidget(data)
    theirs = EveryWidget(data, renderer=DjangoTemplates())  # Django's own widget templates
    if data is not None:
        assert not ours.is_valid() if data is INVALID else ours.is_valid(), ours.errors
        theirs.is_valid()
    mine = as_crispy_field(ours[field_name])
    original = crispy_template().render(Context({
        "field": theirs[field_name], "form_show_errors": True, "form_show_labels": True, "label_class": "", "field_class": "",
    }))
    assert normalised(mine) == normalised(original)
    if field_name in ours.errors:
        assert "invalid-feedback" in mine and 'aria-invalid="true"' in mine
    assert "<script>" not in mine  # values and labels escaped


def test_the_invalid_data_makes_errors_of_every_kind():
    form = EveryWidget(INVALID)
    assert not form.is_valid()
    assert {"text", "email", "number", "select", "radio", "checks", "multiple", "agree", "password", "decimal"} <= set(form.errors)


def test_a_form_without_labels():
    ours, theirs = EveryWidget(INVALID), EveryWidget(INVALID, renderer=DjangoTemplates())
    for name in ("text", "agree", "radio", "select"):
        context = {"field_class": "", "label_class": "", "form_show_errors": True, "form_show_labels": False}
        mine = get_template("bootstrap5/field.html").render({**context, "field": ours[name]})
        original = crispy_template().render(Context({**context, "field": theirs[name]}))
        assert normalised(mine) == normalised(original)


def test_a_layout_it_does_not_draw_goes_to_crispys_own_template():
    form = EveryWidget()
    context = {"field": form["text"], "form_show_errors": True, "form_show_labels": True, "label_class": "col-2",
               "field_class": "col-10", "form_class": "form-horizontal"}
    drawn = get_template("bootstrap5/field.html").render(context)
    assert 'class="col-10"' in drawn and "col-form-label" in drawn


@pytest.mark.parametrize("kind", ["initial", "invalid", "valid"])
def test_widgets_are_drawn_as_djangos_templates_draw_them(kind):
    """The form renderer writes inputs, text areas and selects itself
    (mentoring/form_renderer.py): the same HTML as Django's own templates."""
    values = {"text": "x", "area": f"a\nb {HOSTILE}", "select": "b", "multiple": ["a", "c"], "date": datetime.date(2027, 3, 10),
              "styled": HOSTILE, "grouped": "z", "decimal": "1.5"}
    arguments = {"initial": ({}, {"initial": values}), "invalid": ((INVALID,), {}), "valid": ((VALID,), {})}[kind]
    ours = EveryWidget(*arguments[0], **arguments[1])
    theirs = EveryWidget(*arguments[0], **arguments[1], renderer=DjangoTemplates())
    assert type(ours.renderer).__name__ == "WidgetRenderer"
    for name in EveryWidget.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
    assert "<script>" not in "".join(str(ours[name]) for name in EveryWidget.base_fields)
