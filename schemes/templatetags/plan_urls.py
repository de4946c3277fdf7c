"""The address of a page of the action plan shown: the scheme's shared plan
(``action-plan/...``), or in a community of practice a peer city's own plan
(``action-plan/<city>/...``, the same pages named ``city_<name>``)."""

from django import template
from django.urls import reverse

register = template.Library()


def plan_reverse(scheme, name, peer=None, *args):
    """``schemes:<name>`` of the plan of ``peer`` (a ``SchemeParty``, or None for the
    shared plan), with the page's own arguments ``args``."""
    if peer is None:
        return reverse(f"schemes:{name}", args=[scheme.programme.slug, scheme.number, *args])
    return reverse(f"schemes:city_{name}", args=[scheme.programme.slug, scheme.number, peer.organisation_id, *args])


@register.simple_tag(takes_context=True)
def plan_url(context, name, *args):
    """``{% plan_url "action" action.pk %}``: the page of the plan the template shows
    (``scheme`` and ``peer`` from the context)."""
    return plan_reverse(context["scheme"], name, context.get("peer"), *args)
