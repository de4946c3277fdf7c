"""Who may do what, and the one access path every view goes through.

``RULES`` is the table: for each document type, each action lists the roles allowed.
Roles come from two places: programme roles (coordinator, facilitator, observer) and
scheme roles (mentee, mentor, association, facilitator, observer). A programme
facilitator helps every scheme of the programme; a scheme facilitator only theirs.

Views never look objects up by id alone: ``programme_for`` and ``scheme_for`` resolve the
programme or scheme with the user's roles once, and children are fetched through them.
An object outside the user's schemes is a 404 (its existence is confidential); a known
object without the right is a 403 (``require``).
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

logger = logging.getLogger("mentoring.access")

COORDINATOR = "coordinator"
FACILITATOR = "facilitator"
MENTEE = "mentee"
MENTOR = "mentor"
ASSOCIATION = "association"
OBSERVER = "observer"

ALL_ROLES = frozenset({COORDINATOR, FACILITATOR, MENTEE, MENTOR, ASSOCIATION, OBSERVER})
ORGANISERS = frozenset({COORDINATOR, FACILITATOR})
PARTIES = frozenset({MENTEE, MENTOR, ASSOCIATION})

# document -> action -> roles allowed. Read it as a sentence: "a needs analysis may be
# edited by the mentee, the association (its own section only: see the questionnaire
# engine) and facilitators".
RULES = {
    "programme": {
        "view": ALL_ROLES,
        "edit": {COORDINATOR},
        "archive": {COORDINATOR},
        "invite": {COORDINATOR},
        "export": ORGANISERS | {OBSERVER},
    },
    "scheme": {
        "view": ALL_ROLES,
        "edit": {COORDINATOR},
        "archive": {COORDINATOR},
        "invite": ORGANISERS,
        "export": ALL_ROLES,
    },
    "benchmark": {
        "view": ALL_ROLES,
        "edit": {COORDINATOR},
        "publish": {COORDINATOR},
        "export": ALL_ROLES,
    },
    "needs_analysis": {
        "view": ALL_ROLES,
        "edit": {MENTEE, ASSOCIATION, FACILITATOR},
        "comment": {MENTOR, FACILITATOR, COORDINATOR},
        "submit": {MENTEE},
        "reopen": {MENTEE, FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    "strengths": {
        "view": ALL_ROLES,
        "edit": {MENTOR, ASSOCIATION, FACILITATOR},
        "comment": {MENTEE, FACILITATOR, COORDINATOR},
        "submit": {MENTOR},
        "reopen": {MENTOR, FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    "good_practice": {
        "view": ALL_ROLES,
        "edit": {MENTOR, MENTEE, FACILITATOR},
        "comment": ALL_ROLES - {OBSERVER},
        "export": ALL_ROLES,
    },
    "self_assessment": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "submit": {MENTEE, MENTOR},
        "reopen": ORGANISERS,
        "export": ALL_ROLES,
    },
    "local_support_group": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "export": ALL_ROLES,
    },
    "visit": {
        "view": ALL_ROLES,
        "edit": {FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    "action_plan": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},
        "comment": {MENTOR, FACILITATOR, COORDINATOR, ASSOCIATION},
        "freeze_version": {MENTEE, FACILITATOR},
        "submit": {MENTEE},
        "approve": {MENTEE},
        "reopen": {FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    "implementation_update": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},
        "comment": {MENTOR, FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
}


def allowed(roles, action, document):
    """True when any of ``roles`` may do ``action`` on ``document``."""
    try:
        permitted = RULES[document][action]
    except KeyError as exc:
        raise ValueError(f"No rule for {action!r} on {document!r}.") from exc
    return bool(set(roles) & set(permitted))


@dataclass
class Access:
    """What the current user is, inside one programme or scheme."""

    roles: frozenset = field(default_factory=frozenset)

    def can(self, action, document):
        return allowed(self.roles, action, document)


def programme_for(user, slug):
    """The programme ``slug`` if the user may see it, with their roles there; else 404."""
    from schemes.models import Programme

    programme = Programme.objects.for_user(user).select_related("coordinating_body").filter(slug=slug).first()
    if programme is None:
        logger.warning("denied: %s asked for programme %r outside their scope", user, slug)
        raise Http404(_("No such programme."))
    roles = set(programme.roles.filter(user=user).values_list("role", flat=True))
    if user.is_superuser:
        roles.add(COORDINATOR)
    return programme, Access(frozenset(roles))


def scheme_for(user, programme_slug, number):
    """The scheme if the user may see it, with their roles there; else 404.

    Programme coordinators and observers see every scheme of the programme; programme
    facilitators and the scheme's own people see it through their scheme role.
    """
    from schemes.models import Scheme

    scheme = (
        Scheme.objects.for_user(user)
        .select_related("programme", "benchmark__benchmark")
        .filter(programme__slug=programme_slug, number=number)
        .first()
    )
    if scheme is None:
        logger.warning("denied: %s asked for scheme %s/%s outside their scope", user, programme_slug, number)
        raise Http404(_("No such scheme."))
    roles = set(scheme.roles.filter(user=user).values_list("role", flat=True))
    roles |= set(
        scheme.programme.roles.filter(user=user, role__in=[COORDINATOR, OBSERVER]).values_list("role", flat=True)
    )
    if user.is_superuser:
        roles.add(COORDINATOR)
    return scheme, Access(frozenset(roles))


def require(access, action, document, *, user=None):
    """403 when the user, who may see the object, may not do ``action`` on it."""
    if not access.can(action, document):
        logger.warning("denied: %s may not %s %s (roles: %s)", user, action, document, sorted(access.roles))
        raise PermissionDenied(_("You may not do this."))
