"""What a local support group member writes through their personal link: short texts,
as typed (always shown as text), and their answer before a visit."""

from django import forms
from django.utils.translation import gettext_lazy as _

# A member's comment or progress note is a few sentences, not a document.
MEMBER_TEXT = 2000


class VisitReplyForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Will you attend?"),
        choices=[("yes", _("I will attend")), ("no", _("I will not attend"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Choose whether you will attend.")},
    )


class MemberCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=MEMBER_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment before sending it.")},
    )


class ProgressNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your progress note"),
        max_length=MEMBER_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your progress note before sending it.")},
    )
