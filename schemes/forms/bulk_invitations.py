"""The form that invites several people at once (the list's reading and checks are in
``schemes.services.bulk_invitations``)."""

import hashlib
import json

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mentoring.access import ROLE_LABELS
from mentoring.forms import validate_plain_text
from mentoring.submissions import SubmitOnceMixin

from ..models import Organisation
from ..services.bulk_invitations import lines_read, upload_read
from .people import organisation_choices


class BulkInvitationForm(SubmitOnceMixin, forms.Form):
    """Invite several people at once: a list typed or pasted, or a CSV file, with the
    role and organisation for lines that name none (``schemes.services.bulk_invitations``
    reads the list). The file's text replaces the list's, so the preview and the apply
    read the same text."""

    people = forms.CharField(
        label=_("People, one a line"),
        help_text=_(
            "An e-mail address, “Name <e-mail>”, or name, e-mail, organisation, role separated by commas, "
            "semicolons or tabs (as pasted from a spreadsheet). A first line naming the columns is allowed. An "
            "organisation on both sides of the scheme needs a fifth column, side."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=200_000,
        required=False,
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        help_text=_(
            "Columns: name, e-mail, organisation, role, and side for an organisation on both sides of the scheme; "
            "a first line naming them is allowed. UTF-8 is best."
        ),
        required=False,
    )
    role = forms.ChoiceField(label=_("Role, for lines that name none"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("On behalf of, for lines that name no organisation"), queryset=Organisation.objects.none(), required=False
    )
    message = forms.CharField(
        label=_("Personal message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        validators=[validate_plain_text],
    )
    previewed = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)

    def __init__(self, *args, roles, organisations, scheme=None, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        # No role chosen in advance: a list that names no role would otherwise give
        # everyone on it the first one offered (a programme's: coordinator).
        self.fields["role"].choices = [
            ("", _("Choose a role")),
            *((role, terms.role_label(role) if terms else label) for role, label in ROLE_LABELS.items() if role in roles),
        ]
        organisation_choices(self.fields["organisation"], organisations)
        self.lines, self.warning = [], ""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            try:
                text, self.warning = upload_read(upload)
                cleaned["people"] = text.strip()  # as the box will send it back
            except ValidationError as error:
                self.add_error("file", error)
                return cleaned
        if "people" in cleaned:
            try:
                self.lines = lines_read(cleaned["people"])
            except ValidationError as error:
                self.add_error("file" if upload else "people", error)
        return cleaned

    def digest(self):
        """What the preview was made of: the people as read (not the text, which a browser
        sends back with other line ends and spaces) and the choices."""
        data = self.cleaned_data
        organisation = data.get("organisation")
        read = [
            [line.first_name, line.last_name, line.email, line.organisation, line.role, bool(line.problem)] for line in self.lines
        ]
        text = json.dumps([read, data["role"], organisation.pk if organisation else None, data["message"]])
        return hashlib.sha256(text.encode()).hexdigest()

    def sign(self, batch):
        return signing.dumps({"digest": self.digest(), "outcomes": batch.outcomes}, salt=PREVIEW_SALT, compress=True)

    def previewed_outcomes(self):
        """The outcomes the preview of this very list showed, or None (no preview, or the
        list or the choices changed since)."""
        try:
            previewed = signing.loads(self.cleaned_data.get("previewed", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
        except signing.BadSignature:
            return None
        if not isinstance(previewed, dict) or previewed.get("digest") != self.digest():
            return None
        return previewed.get("outcomes")


PREVIEW_SALT = "schemes.bulk_invitations.preview"
PREVIEW_MAX_AGE = 60 * 60 * 24  # a preview left open overnight is made again
