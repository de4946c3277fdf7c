"""A community of practice's plans (issue 23: "in a community of practice each city has
its own needs analysis, self-assessment and action plan, and peers comment on each
other's"; seed 000 §6 and seed 002: a multilateral community "where every city both
learns and contributes").

Each peer city's plan has the pages of the shared plan of a mentoring scheme, under
``action-plan/<city>/`` (named ``city_<name>``). ``plan_view`` is the one access path of
every page of a plan: it resolves the scheme for the user, then the peer city (a city
that is not a peer of this scheme is a 404, as another scheme's object is), and checks
the rule: for the shared plan the rule the view declares, for a city's plan the
``community_plan`` rule of the same act (``mentoring.access.RULES``). A city's own officers
write, submit and approve its plan; the other peers' officers and the facilitators
comment on it, as the mentor side comments on a mentoring plan.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mentoring.access import refuse, require, scheme_for

from ..models import OrganisationKind, SchemeKind, Side

# The act on a city's plan (``community_plan``) for the rule a view declares for the
# shared plan.
COMMUNITY_ACTS = {
    ("view", "action_plan"): "view",
    ("export", "action_plan"): "export",
    ("submit", "action_plan"): "submit",
    ("approve", "action_plan"): "approve",
    ("reopen", "action_plan"): "reopen",
    ("revise", "action_plan"): "revise",
    ("view", "action_plan_draft"): "view",
    ("edit", "action_plan_draft"): "edit",
    ("view", "action_plan_version"): "view",
    ("export", "action_plan_version"): "export",
    ("edit", "action_plan_version"): "edit",
    ("edit", "implementation_update"): "edit",
    ("comment", "implementation_update"): "comment",
}
# The acts only the city's own officers (and, where the rules say so, facilitators) do.
OWN_CITY_ACTS = frozenset({"edit", "submit", "approve", "revise"})


def peer_party(scheme, city):
    """The peer party of the city ``city`` (an organisation id) in a community of
    practice, with its organisation; else 404 (a mentoring scheme has no city plans)."""
    if scheme.kind != SchemeKind.COMMUNITY:
        raise Http404(_("This scheme has one action plan, not one per city."))
    party = (
        scheme.parties.filter(side=Side.PEER, organisation_id=city, organisation__kind=OrganisationKind.CITY)
        .select_related("organisation")
        .first()
    )
    if party is None:
        raise Http404(_("No such city in this community of practice."))
    return party


def may_on_city_plan(access, act, peer):
    """Whether the person may do ``act`` on the plan of the peer party ``peer``: the
    ``community_plan`` rule, for the city's own officers where the act is the city's own."""
    if act in OWN_CITY_ACTS:
        return access.can_for(act, "community_plan", {peer.pk})
    return access.can(act, "community_plan")


def plan_view(action, document="action_plan"):
    """``scheme_view(action, document)`` for a page of an action plan: with a ``city`` in
    the address, the page of that peer city's plan (the view gets ``peer``, its party),
    checked by ``community_plan``'s rule. A community's shared address has only its list
    page (the view with ``view`` on ``action_plan``): its other pages lead there (a GET,
    as from a link of the activity log) or are a 404 (a POST)."""
    act = COMMUNITY_ACTS[(action, document)]

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, programme, number, *args, city=None, **kwargs):
            scheme, access = scheme_for(request.user, programme, number)
            if city is None:
                if scheme.kind == SchemeKind.COMMUNITY and (action, document) != ("view", "action_plan"):
                    # A link of the shared plan (the activity log's, an old bookmark) leads
                    # to the list of the cities' plans; nothing is written there.
                    if request.method in ("GET", "HEAD"):
                        return redirect(reverse("schemes:action_plan", kwargs={"programme": programme, "number": scheme.number}))
                    raise Http404(_("In a community of practice, each city has its own action plan."))
                require(access, action, document, user=request.user)
                return view(request, scheme, access, *args, **kwargs)
            peer = peer_party(scheme, city)
            require(access, act, "community_plan", user=request.user)
            if not may_on_city_plan(access, act, peer):
                refuse(
                    request.user,
                    f"may not {act} the action plan of {peer.organisation} (not acting for that city)",
                    _("Only the officers of %(city)s, and facilitators, write its action plan; the other cities comment on it.")
                    % {"city": peer.organisation.name},
                )
            return view(request, scheme, access, *args, peer=peer, **kwargs)

        wrapped.access_rule = (action, document)
        return wrapped

    return decorator
