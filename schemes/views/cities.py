"""A city of a scheme, found through the scheme (another scheme's city is a 404), and
who writes its documents: a city's own documents (needs analysis, strengths,
self-assessment, local support group) are written by the officers acting for that city
(their role's party), not by every officer of its side, and by facilitators."""

from django.http import Http404
from django.utils.translation import gettext as _

from mentoring.access import ASSOCIATION

from ..models import OrganisationKind, SchemeParty


def city_party(scheme, organisation_pk, *, sides=None, missing=None):
    """The party of ``scheme`` that is the city ``organisation_pk`` (on one of ``sides``
    when given), organisation fetched with it; 404 otherwise."""
    parties = SchemeParty.objects.filter(scheme=scheme, organisation_id=organisation_pk, organisation__kind=OrganisationKind.CITY)
    if sides is not None:
        parties = parties.filter(side__in=sides)
    party = parties.select_related("organisation").order_by().first()
    if party is None:
        raise Http404(missing or _("No such city in this scheme."))
    party.scheme = scheme  # the scheme it was found through, not read again
    return party


def edits_for_city(access, document, party, action="edit"):
    """True when the rules let the user do ``action`` on ``document`` of the city
    ``party`` and they act for that city (or facilitate)."""
    return access.can_for(action, document, {party.pk})


def association_parties(party):
    """The association parties that speak for the city ``party`` (the national or
    regional part of its needs analysis): the associations on its side that the city is
    a member of or, when it is a member of none of them, every association on its side.
    Two mentee cities of two countries each have their own association's part."""
    associations = list(
        SchemeParty.objects.filter(
            scheme_id=party.scheme_id, side=party.side, organisation__kind=OrganisationKind.ASSOCIATION
        ).values_list("pk", "organisation_id")
    )
    member_of = set(party.organisation.member_of.values_list("pk", flat=True)) if associations else set()
    own = {pk for pk, organisation in associations if organisation in member_of}
    return own or {pk for pk, _organisation in associations}


def section_owners(access, party, *, association):
    """The parties that own a part of ``party``'s document: the city's own, or the
    ``association``'s part. Those are looked up only for a person with an association
    role: nobody else can act for one of them."""
    if association:
        return association_parties(party) if access.acts_for_any({ASSOCIATION}) else set()
    return {party.pk}
