"""A city of a scheme, found through the scheme (another scheme's city is a 404), and
whether the user edits for its side: a city's own documents (local support group,
self-assessment) are edited by the officers of its side and by facilitators."""

from django.http import Http404
from django.utils.translation import gettext as _

from mentoring.access import FACILITATOR, MENTEE, MENTOR

from ..models import Side

SIDE_ROLES = {Side.MENTEE: MENTEE, Side.MENTOR: MENTOR, Side.PEER: MENTEE}


def city_party(scheme, organisation_pk, *, sides=None, missing=None):
    """The party of ``scheme`` that is the city ``organisation_pk`` (on one of ``sides``
    when given), organisation fetched with it; 404 otherwise."""
    parties = scheme.parties.select_related("organisation").filter(organisation_id=organisation_pk, organisation__kind="city")
    if sides is not None:
        parties = parties.filter(side__in=sides)
    party = parties.first()
    if party is None:
        raise Http404(missing or _("No such city in this scheme."))
    return party


def edits_for_side(access, document, side):
    """True when the rules let the user edit ``document`` and they act for ``side`` (or
    facilitate)."""
    return access.can("edit", document) and bool(access.roles & {FACILITATOR, SIDE_ROLES[side]})
