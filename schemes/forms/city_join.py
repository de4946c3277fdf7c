"""The search among the organisations known to the site, on a programme's organisations
page (issue 26: a known city joins another programme)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

#: Longer than any organisation's name is useless, and a longer search is refused in words.
SEARCH_MAX_LENGTH = 200


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text=_("The name (or part of it) of a city, association or organisation already known to the site."),
        error_messages={"max_length": _("A name has at most %(limit_value)d characters: shorten the search.")},
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["q"].widget.attrs.update(autocomplete="off")
