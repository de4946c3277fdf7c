"""What every form of the application shares.

- ``PlainTextMixin``: text is plain text. Markup (``<script>``, ``<b>``) is refused with a
  clear message rather than silently stored: everything is escaped on output anyway,
  but a city officer pasting HTML from a web page should know it will not render.
- ``TextLimitMixin`` (PlainTextMixin includes it): text without a length limit of its own
  is capped at ``MAX_TEXT`` characters. Documents that quote what people wrote (a good
  practice, like a questionnaire answer) use it alone: any text is kept and shown as text.
- ``RowsFormSet`` and ``save_ordered_rows``: rows of a page (guide questions, needs)
  reordered by position numbers, refusing rows that are not the parent's own.
- ``ConcurrentEditMixin``: a hidden ``seen_version`` carries the last history record the
  editor saw; if someone saved in between (checked again under a row lock when saving),
  the form refuses with a message and keeps what the user typed, so no write is
  silently lost.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.forms import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
# The longest text any one field takes (about 3,000 words): a pasted 100 kB is refused.
MAX_TEXT = 20_000


def validate_plain_text(value):
    if isinstance(value, str) and MARKUP_RE.search(value):
        raise ValidationError(
            _("Write plain text: HTML or other markup (such as <script> or <b>) is not accepted."),
            code="markup",
        )


class TextLimitMixin:
    """Text without a length limit of its own is capped at ``MAX_TEXT`` characters."""

    def text_fields(self):
        return [
            form_field
            for form_field in self.fields.values()
            if isinstance(form_field, forms.CharField)
            and not isinstance(form_field, (forms.EmailField, forms.URLField, forms.SlugField))
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_text_fields()

    def limit_text_fields(self):
        """Cap the text fields (a form adding fields in ``__init__`` calls it again)."""
        for form_field in self.text_fields():
            if form_field.max_length is None:
                form_field.max_length = MAX_TEXT
                form_field.validators.append(MaxLengthValidator(MAX_TEXT))
                form_field.widget.attrs.setdefault("maxlength", str(MAX_TEXT))


class PlainTextMixin(TextLimitMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.text_fields():
            form_field.validators.append(validate_plain_text)


def latest_history_id(instance):
    if instance is None or instance.pk is None:
        return 0
    record = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return record or 0


class EditConflict(Exception):
    """Someone saved the object between the moment the form was shown and the save: the
    form now carries the conflict message (see ``ConcurrentEditMixin``)."""


class ConcurrentEditMixin(forms.Form):
    """For model forms of objects with ``history`` (django-simple-history).

    The version seen is checked twice: in ``clean`` (a quick answer for an old page), and
    again when saving, inside the saving transaction with the object's row locked
    (``check_unchanged``), so two people posting at the same instant cannot both pass the
    first check and both be told "saved" while one change is lost. A refused form keeps
    what the writer typed and now carries the newest version: saving it again, once
    they have looked at the other person's change, is the writer's word.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    conflict_message = _(
        "Someone else saved changes to this while you were editing. Your text is kept below; "
        "open the page again in another tab to see their version, then save again."
    )

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        seen = latest_history_id(instance)
        if kwargs.get("data", args[0] if args else None) is None and instance is not None and instance.pk is not None:
            # The values shown are read after the version (the view read the object
            # before it): they are never older than the version the form carries, or a
            # save between the two reads would be posted back over, unseen.
            instance.refresh_from_db()
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = seen

    def _edited(self):
        instance = getattr(self, "instance", None)
        return instance is not None and instance.pk is not None

    def clean(self):
        cleaned = super().clean()
        if self._edited() and cleaned.get("seen_version") != latest_history_id(self.instance):
            self._carry_latest()
            raise ValidationError(self.conflict_message, code="conflict")
        return cleaned

    def _carry_latest(self):
        """Put the newest version in the form's hidden field, for the page shown again."""
        data = self.data.copy()
        data[self.add_prefix("seen_version")] = str(latest_history_id(self.instance))
        self.data = data

    def check_unchanged(self):
        """Lock the object's row and check that nobody saved it since the form was shown;
        raise ``EditConflict`` (the form carrying the message) if someone did. Runs inside
        the transaction that saves, so the lock holds until the save is committed."""
        if not self._edited():
            return
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("check_unchanged() must run inside the transaction that saves the form.")
        model = type(self.instance)
        list(model._base_manager.select_for_update().filter(pk=self.instance.pk).values_list("pk", flat=True))
        if self.cleaned_data.get("seen_version") != latest_history_id(self.instance):
            self._carry_latest()
            self.add_error(None, ValidationError(self.conflict_message, code="conflict"))
            raise EditConflict

    def save(self, commit=True):
        if not commit:
            # The caller saves the instance itself, in its own transaction: checked here.
            self.check_unchanged()
            return super().save(commit=False)
        with transaction.atomic():
            self.check_unchanged()
            return super().save()


def has_conflict(form):
    """True when ``form`` was refused because someone else saved first."""
    return any(error.code == "conflict" for error in form.non_field_errors().as_data())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RowsFormSet(BaseInlineFormSet):
    """Rows reordered by giving their positions (no JavaScript needed), saved with
    ``save_ordered_rows``.

    A posted row id that is not one of this parent's rows (someone else's, or one removed
    meanwhile) is refused: Django would otherwise quietly save it as a new row."""

    foreign_row = False

    def _existing_object(self, pk):
        existing = super()._existing_object(pk)
        if existing is None:
            self.foreign_row = True
        return existing

    def clean(self):
        super().clean()
        if self.foreign_row:
            raise ValidationError(
                _("A row of this page is not one of its rows (it may have been removed meanwhile). Reload the page."),
                code="foreign_row",
            )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["ORDER"].widget.attrs.update(min=1)
        form.fields["DELETE"].label = _("Remove")


def save_ordered_rows(formset, **parent):
    """Save the kept rows of a ``RowsFormSet`` in the order of their Position field (rows
    without one go last, as Django orders them), setting ``parent`` fields on each, and
    delete the removed ones."""
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    for order, form in enumerate(formset.ordered_forms):
        item = form.save(commit=False)
        for name, value in parent.items():
            setattr(item, name, value)
        item.order = order
        item.save()


class EmailPreferencesForm(forms.Form):
    """How a person hears of each kind of event by e-mail: one choice per kind."""

    def __init__(self, *args, current, **kwargs):
        from .models import EmailFrequency
        from .notifications import KINDS

        super().__init__(*args, **kwargs)
        for kind, spec in KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=spec.label,
                help_text=spec.help,
                choices=EmailFrequency.choices,
                initial=current[kind],
            )


class MentionsMixin:
    """A comment form that may mention the scheme's people (``people``): a ``mentions``
    field to tick them (anyone else's id is refused), and ``mentioned_ids()``: the ticked
    and the "@Name"-typed ones (``schemes.services.mentions``). Without ``people`` the
    form has no such field and mentions nobody."""

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people or ())
        self.fields["text"].widget.attrs["data-mentions"] = ""  # the "@" picker (enhance.js)
        if self.people:
            from django.contrib.auth import get_user_model

            self.fields["mentions"] = forms.ModelMultipleChoiceField(
                label=_("Tell these people (mention them)"),
                help_text=_("They get a notification. You can also type @ and a name in the comment."),
                queryset=get_user_model().objects.filter(pk__in=[person.pk for person in self.people]),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["mentions"].label_from_instance = lambda person: person.display_name

    def mentioned_ids(self):
        from schemes.services.mentions import mentioned

        return mentioned(self.cleaned_data.get("text", ""), self.people, self.cleaned_data.get("mentions") or ())
