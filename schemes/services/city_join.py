"""A city (or association, or other organisation) already known to the site joins
another programme (issue 26).

Organisations are site-wide records: Capaci is one row whichever programmes it takes
part in. A coordinator finds an existing organisation by name and country and adds it
to their programme, instead of registering a duplicate (which the unique name per kind
and country refuses anyway). What they see of it is its name, kind and country, never
the other programmes it belongs to (``organisations_findable``)."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mentoring.activity import log_action

from ..models import Organisation

#: At most this many organisations are listed for one search: a search names a city.
SEARCH_LIMIT = 20


def organisations_findable(*, programme, text, country=""):
    """The organisations known to the site, not yet in ``programme``, whose name or short
    name contains ``text`` (in ``country`` if given). Empty text finds nothing: the
    search names a city, it never lists the whole network. Only the fields a result
    shows are read (name, kind, country)."""
    text = (text or "").strip()
    if not text:
        return Organisation.objects.none()
    found = Organisation.objects.filter(Q(name__icontains=text) | Q(short_name__icontains=text)).exclude(
        pk__in=programme.cities.values("pk")
    )
    if country:
        found = found.filter(country=country)
    return found.only("pk", "name", "kind", "country").order_by("name", "country", "kind")


@transaction.atomic
def organisation_join(*, organisation, programme, actor):
    """Add the known ``organisation`` to ``programme``. The programme's history gets a row
    naming the addition (the organisation's own history would tell its other programmes
    which programme it joined); the activity log of the programme says who added it.
    Returns False when it was in the programme already (nothing written)."""
    if programme.cities.filter(pk=organisation.pk).exists():
        return False
    programme.cities.add(organisation)
    programme._change_reason = (_("Participating cities and associations: + %(name)s") % {"name": organisation})[:100]
    programme.save()
    log_action(actor=actor, action="organisation.joined", obj=organisation, programme=programme, label=organisation.name)
    return True
