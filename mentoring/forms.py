"""What every form of the application shares.

- ``PlainTextMixin``: text is plain text. Markup (``<script>``, ``<b>``) is refused with a
  clear message rather than silently stored: everything is escaped on output anyway,
  but a city officer pasting HTML from a web page should know it will not render.
- ``TextLimitMixin`` (PlainTextMixin includes it): text without a length limit of its own
  is capped at ``MAX_TEXT`` characters. Documents that quote what people wrote (a good
  practice, like a questionnaire answer) use it alone: any text is kept and shown as text.
- ``ConcurrentEditMixin``: a hidden ``seen_version`` carries the last history record the
  editor saw; if someone saved in between, the form refuses with a message and keeps
  what the user typed, so no write is silently lost.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
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


class ConcurrentEditMixin(forms.Form):
    """For model forms of objects with ``history`` (django-simple-history)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    conflict_message = _(
        "Someone else saved changes to this while you were editing. Your text is kept below; "
        "open the page again in another tab to see their version, then save again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = latest_history_id(getattr(self, "instance", None))

    def clean(self):
        cleaned = super().clean()
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and "seen_version" in cleaned:
            if cleaned.get("seen_version") != latest_history_id(instance):
                raise ValidationError(self.conflict_message, code="conflict")
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
