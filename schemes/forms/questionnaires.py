"""The form of one questionnaire section, built from the template's questions (the
questionnaire engine's form half; saving is in services/questionnaires.py).

Every question is optional while drafting; "required" is checked on submit. Numbers are
read as their writer meant them, or the form asks (mentoring/numbers.py), and shown back
formatted in the reader's language, with their unit.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from mentoring.forms import ConcurrentEditMixin, DateInput, MentionsMixin, PlainTextMixin, TextLimitMixin
from mentoring.numbers import NumberField, format_number  # noqa: F401 (format_number: the views' import)
from mentoring.submissions import SubmitOnceMixin

from ..models import Question, QuestionKind, QuestionnaireTemplate, TemplateSection

MAX_LONG_TEXT = 20_000
MAX_SHORT_TEXT = 500
FIELD_NAME = re.compile(r"^[qv](\d+)$")


def answer_value(answer, question):
    """What an Answer holds, as the form field's Python value."""
    if answer is None:
        return None if question.is_numeric else ""
    if question.is_numeric:
        return answer.number
    return answer.text


def question_field(question):
    label = question.text
    common = {"label": label, "required": False, "help_text": question.help_text}
    kind = question.kind
    if question.is_numeric:
        if question.unit:
            common["help_text"] = " ".join(filter(None, [question.help_text, str(_("Unit: %(unit)s") % {"unit": question.unit})]))
        return NumberField(kind=kind, unit=question.unit, **common)
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=MAX_SHORT_TEXT, **common)
    if kind == QuestionKind.EMAIL:
        return forms.EmailField(max_length=254, **common)
    if kind == QuestionKind.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=[("", "---------")] + [(c, c) for c in question.choices], **common)
    rows = 8 if kind == QuestionKind.LONG_TEXT else 5
    return forms.CharField(max_length=MAX_LONG_TEXT, widget=forms.Textarea(attrs={"rows": rows}), strip=False, **common)


class SectionForm(forms.Form):
    """One field per question (``q<id>``) and, hidden, the version of each answer the
    writer saw (``v<id>``), from which a concurrent save is detected and merged."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            answer = answers.get(question.pk)
            field = question_field(question)
            field.initial = answer_value(answer, question)
            # A draft may leave it empty; the label says it must be answered to submit.
            field.required_to_submit = question.required
            self.fields[f"q{question.pk}"] = field
            self.fields[f"v{question.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0, initial=answer.version if answer else 0
            )

    def clean(self):
        cleaned = super().clean()
        foreign = sorted(key for key in self.data if FIELD_NAME.match(key) and key not in self.fields) if self.is_bound else []
        if foreign:
            raise ValidationError(
                _("This form holds answers to questions that are not in this section. Reload the page and try again."),
                code="foreign_question",
            )
        return cleaned

    def values(self):
        """{question id: value} of what was typed (cleaned)."""
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}

    def seen_versions(self):
        return {question.pk: self.cleaned_data.get(f"v{question.pk}") or 0 for question in self.questions}

    def field_pairs(self):
        """(question, bound field) for the template, in order."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def hidden_versions(self):
        return [self[f"v{question.pk}"] for question in self.questions]


class StrengthsPracticesForm(forms.Form):
    """Which of the mentor city's good practices go with its strengths. ``shown`` is the
    set the writer saw attached, so only their own changes are applied."""

    practices = forms.ModelMultipleChoiceField(
        label=_("Good practices attached to these strengths"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    shown = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, practices, attached, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practices"].queryset = practices
        self.fields["shown"].queryset = practices
        self.fields["practices"].initial = [p.pk for p in attached]
        self.fields["shown"].initial = [p.pk for p in attached]


MAX_COMMENT = 5_000


class CommentForm(MentionsMixin, TextLimitMixin, SubmitOnceMixin, forms.Form):
    """A comment on a section or one of its answers (``questions`` given), or a reply."""

    question = forms.TypedChoiceField(label=_("About"), required=False, coerce=int, empty_value=None)
    text = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if questions is None:
            del self.fields["question"]
            self.fields["text"].label = _("Your answer")
        else:
            self.questions = {question.pk: question for question in questions}
            self.fields["question"].choices = [("", _("The whole section"))] + [
                (question.pk, Truncator(question.text).chars(90)) for question in questions
            ]

    def chosen_question(self):
        return self.questions.get(self.cleaned_data.get("question")) if "question" in self.fields else None


class QuestionForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A question of a programme's template: wording, help, kind of answer, unit, choices."""

    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “one choice from a list”: one choice per line."),
    )

    class Meta:
        model = Question
        fields = ["text", "help_text", "group", "kind", "required", "unit"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "help_text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "group": _("A heading shown above this question and the ones after it that share it."),
            "required": _("Required to submit the document."),
            "unit": _("For numbers, e.g. EUR or inhabitants."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = 2_000
        self.fields["text"].validators.append(MaxLengthValidator(2_000))
        self.fields["text"].widget.attrs["maxlength"] = "2000"
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def clean(self):
        cleaned = super().clean()
        choices = [line.strip() for line in (cleaned.get("choices_text") or "").splitlines() if line.strip()]
        if cleaned.get("kind") == QuestionKind.CHOICE and len(choices) < 2:
            self.add_error("choices_text", _("Give at least two choices, one per line."))
        if len(choices) != len(set(choices)):
            self.add_error("choices_text", _("Each choice once."))
        self.instance.choices = choices if cleaned.get("kind") == QuestionKind.CHOICE else []
        return cleaned


class QuestionWordingForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """The wording of a question of an annex whose questions are a form's fields (Annexes
    4, 5, 6): the question and its help; its key, kind of answer and place are the form's."""

    class Meta:
        model = Question
        fields = ["text", "help_text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "help_text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": _("Question (the field's label)"), "help_text": _("Help (shown under the field)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = 2_000
        self.fields["text"].validators.append(MaxLengthValidator(2_000))
        self.fields["text"].widget.attrs["maxlength"] = "2000"


class SectionWordingForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A section's title and its guidance."""

    class Meta:
        model = TemplateSection
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 6})}
        labels = {"introduction": _("Guidance")}
        help_texts = {"introduction": _("Shown at the top of the section, before its questions.")}


class TemplateWordingForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A template's title and its guidance (the annex's introduction)."""

    class Meta:
        model = QuestionnaireTemplate
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 12})}
        labels = {"introduction": _("Guidance")}
        help_texts = {"introduction": _("The annex's introduction, shown with its form and printed on the blank form.")}
