"""A city of a scheme, found through the scheme (another scheme's city is a 404), and
whether the user edits for its side: a city's own documents (local support group,
self-assessment) are edited by the officers of its side and by facilitators."""

from django.http import Http404
from django.utils.translation import gettext as _

from mentoring.access import FACILITATOR, MENTEE, MENTOR
from mentoring.precompiled import Precompiled

from ..models import SchemeParty, Side

SIDE_ROLES = {Side.MENTEE: MENTEE, Side.MENTOR: MENTOR, Side.PEER: MENTEE}


def _city_parties(scheme, organisation):
    return SchemeParty.objects.filter(scheme_id=scheme, organisation_id=organisation, organisation__kind="city").select_related("organisation")


# Every page of a city's documents runs one: compiled once (mentoring.precompiled).
CITY_PARTY_QUERY = Precompiled(lambda scheme, organisation: _city_parties(scheme, organisation)[:1], scheme=int, organisation=int)
CITY_PARTY_ON_QUERY = Precompiled(
    lambda scheme, organisation, sides: _city_parties(scheme, organisation).filter(side__in=sides)[:1],
    scheme=int, organisation=int, sides=[str],
)


def city_party(scheme, organisation_pk, *, sides=None, missing=None):
    """The party of ``scheme`` that is the city ``organisation_pk`` (on one of ``sides``
    when given), organisation fetched with it; 404 otherwise."""
    if sides is None:
        parties = CITY_PARTY_QUERY(scheme=scheme.pk, organisation=organisation_pk)
    else:
        parties = CITY_PARTY_ON_QUERY(scheme=scheme.pk, organisation=organisation_pk, sides=[str(side) for side in sides])
    if not parties:
        raise Http404(missing or _("No such city in this scheme."))
    party = parties[0]
    party.scheme = scheme  # the scheme it was found through, not read again
    return party


def edits_for_side(access, document, side):
    """True when the rules let the user edit ``document`` and they act for ``side`` (or
    facilitate)."""
    return access.can("edit", document) and bool(access.roles & {FACILITATOR, SIDE_ROLES[side]})
