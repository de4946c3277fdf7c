"""Who may do what, and the one access path every view goes through.

``RULES`` is the table: for each document type, each action lists the roles allowed.
Roles come from two places: programme roles (coordinator, facilitator, observer) and
scheme roles (mentee, mentor, association, partner, facilitator, observer). A programme
coordinator or observer sees every scheme of the programme; a facilitator helps the
schemes they are assigned to (a scheme role), and sees the programme they work in.

Views never look objects up by id alone: ``programme_view`` and ``scheme_view`` resolve
the programme or scheme with the user's roles once, check the one-word permission the
view declares, and hand the view the object; children are fetched through it. An object
outside the user's programmes or schemes is a 404 (its existence is confidential); a
known object without the right is a 403; anonymous is a redirect to the login page.
Every denial is logged on the ``mentoring.access`` logger.

An archived programme or scheme is read-only: only view, export and un-archiving remain.

The programmes, schemes and roles are the ``schemes`` app's models, reached through the
app registry (``apps.get_model``) when a request asks, so that this module imports
nothing of ``schemes`` and ``schemes`` may import it (role names, labels) at import time.
"""

import logging
from dataclasses import dataclass, field
from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Value
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger("mentoring.access")

COORDINATOR = "coordinator"
FACILITATOR = "facilitator"
MENTEE = "mentee"
MENTOR = "mentor"
ASSOCIATION = "association"
OBSERVER = "observer"
# An officer of a service provider or civil-society organisation that is a party of the
# scheme (issue 23): reads, comments where the association officer of its side comments,
# never writes a city's documents.
PARTNER = "partner"

ALL_ROLES = frozenset({COORDINATOR, FACILITATOR, MENTEE, MENTOR, ASSOCIATION, PARTNER, OBSERVER})
ORGANISERS = frozenset({COORDINATOR, FACILITATOR})
PARTIES = frozenset({MENTEE, MENTOR, ASSOCIATION, PARTNER})

# Actions that leave a document as it is; everything else is refused on archived work.
READ_ACTIONS = frozenset({"view", "dashboard", "export", "reminders"})

# document -> action -> roles allowed. Read it as a sentence: "a needs analysis may be
# edited by the mentee, the association (its own section only: see the sections below)
# and facilitators". Observers only view and export; mentors comment on the mentee's
# documents and never edit them, except the draft action plan, which mentor and mentee
# write together; the mentee city alone submits and approves its action plan.
RULES = {
    "programme": {
        "view": ALL_ROLES,
        "edit": {COORDINATOR},
        "archive": {COORDINATOR},
        "invite": {COORDINATOR},
        # Matching mentors with mentees reads every city's self-assessment across the
        # programme's schemes: only those who see every scheme do it.
        "match": {COORDINATOR},
        # The dashboard: every scheme the person sees, step by step (observers of the
        # programme too: they see every scheme).
        "dashboard": ORGANISERS | {OBSERVER},
        "export": ORGANISERS | {OBSERVER},
        # Who has not answered: every person's open tasks in every scheme, and the
        # reminders e-mailed to them.
        "reminders": {COORDINATOR},
    },
    # Calls for mentors and mentees (issue 23): opened, reviewed and decided by the
    # coordinators; the applications hold the contact people's names and addresses.
    "call": {
        "view": ALL_ROLES,
        "review": {COORDINATOR},
        "edit": {COORDINATOR},
    },
    # Cities, associations and other organisations registered in a programme.
    "organisation": {
        "view": ALL_ROLES,
        "edit": {COORDINATOR},
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
    # The templates the cities fill (Annex 2-6), and a programme's adaptations of them.
    "questionnaire_template": {
        "view": ALL_ROLES,
        "edit": {COORDINATOR},
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
    # The sections of the needs analysis (Annex 2), by who fills them.
    "needs_analysis.mentee_section": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},
        "comment": {MENTOR, FACILITATOR, COORDINATOR, ASSOCIATION, PARTNER},
        "export": ALL_ROLES,
    },
    "needs_analysis.association_section": {
        "view": ALL_ROLES,
        "edit": {ASSOCIATION, FACILITATOR},
        "comment": {MENTOR, MENTEE, FACILITATOR, COORDINATOR, PARTNER},
        "export": ALL_ROLES,
    },
    "strengths": {
        "view": ALL_ROLES,
        "edit": {MENTOR, FACILITATOR},
        "comment": {MENTEE, FACILITATOR, COORDINATOR},
        "submit": {MENTOR},
        "reopen": {MENTOR, FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    # Mentor cities record their strengths "with the support of a city association" (seed
    # 000 §4): the association of the city's side (mentor or peer; never the mentee side's,
    # ``schemes.views.questionnaires.Filling.supporting``) comments on its sections, and
    # edits their answers where the programme allows it
    # (``Programme.associations_edit_strengths``). Submitting stays the city's.
    "strengths.association_support": {
        "view": ALL_ROLES,
        "comment": {ASSOCIATION},
        "edit": {ASSOCIATION},
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
    # The scope: the focus key factors, which mentor and mentee agree.
    "scope": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "approve": {MENTEE, MENTOR},
        "export": ALL_ROLES,
    },
    "local_support_group": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        # Sending (and revoking) a member's personal link, with which a member who is no
        # user confirms attendance, comments and notes progress: the mentee city (for its
        # own group: ``Access.can_for``) and facilitators.
        "link": {MENTEE, FACILITATOR},
        "export": ALL_ROLES,
    },
    "political_commitment": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},
        "export": ALL_ROLES,
    },
    # A benchmark per stage of the scheme (the general one first, a thematic one later):
    # set up by who organises the visits.
    "benchmark_stage": {
        "view": ALL_ROLES,
        "edit": {FACILITATOR, COORDINATOR},
    },
    "visit": {
        "view": ALL_ROLES,
        "edit": {FACILITATOR, COORDINATOR},
        "comment": PARTIES,
        "export": ALL_ROLES,
    },
    # Meetings between the visits: planned by those who plan the visits.
    "meeting": {
        "view": ALL_ROLES,
        "edit": {FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    # The report after a visit (seed 002): challenges, risks and recommendations written by
    # the mentor side and the facilitators; the mentee city responds to each item.
    "visit_report": {
        "view": ALL_ROLES,
        "edit": {MENTOR, FACILITATOR},
        "respond": {MENTEE},
        "export": ALL_ROLES,
    },
    "action_plan": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},
        "comment": {MENTOR, FACILITATOR, COORDINATOR, ASSOCIATION, PARTNER},
        "submit": {MENTEE},
        "approve": {MENTEE},
        "reopen": {FACILITATOR, COORDINATOR},
        # Starting a revision of the approved plan (issue 23): the mentee city (for its own
        # party: ``Access.can_for``) and the facilitators who draft the plan with it.
        "revise": {MENTEE, FACILITATOR},
        "export": ALL_ROLES,
    },
    # The draft action plan's content: its actions, needs and the consultations of
    # departments and partners (seed 000, chapter 5: "the mentee city focuses its work on
    # refining its action plan, together with the mentor and the local support network";
    # seed 002: "the mentor and mentee jointly drafting an initial action plan"). The
    # mentor city's officers write it with the mentee city's while it is a draft; the
    # mentee city alone submits it and records its approval (``action_plan`` above).
    "action_plan_draft": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "export": ALL_ROLES,
    },
    # A community of practice's plans (issue 23: "each city has its own needs analysis,
    # self-assessment and action plan, and peers comment on each other's"): a peer city's
    # officers (mentee or mentor role, for that city: ``Access.can_for``) write, freeze,
    # submit, approve and revise their own city's plan and record its implementation; the
    # other peers, the associations and the organisers comment on it.
    "community_plan": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "comment": {MENTEE, MENTOR, ASSOCIATION, FACILITATOR, COORDINATOR},
        "submit": {MENTEE, MENTOR},
        "approve": {MENTEE, MENTOR},
        "reopen": {FACILITATOR, COORDINATOR},
        "revise": {MENTEE, MENTOR, FACILITATOR},
        "export": ALL_ROLES,
    },
    # A community of practice's peers comment on each other's needs analysis, strengths and
    # self-assessment (issue 23), as the mentor side comments on a mentee's: a city's
    # officers (mentee or mentor role, acting for a peer city) on another peer city's
    # document, and the organisers; editing stays the city's own.
    "community_peer_review": {
        "view": ALL_ROLES,
        "comment": {MENTEE, MENTOR, FACILITATOR, COORDINATOR},
    },
    "action_plan_version": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},  # freezing a version
        "export": ALL_ROLES,
    },
    "implementation_update": {
        "view": ALL_ROLES,
        "edit": {MENTEE, FACILITATOR},
        "comment": {MENTOR, FACILITATOR, COORDINATOR},
        "export": ALL_ROLES,
    },
    "training": {
        "view": ALL_ROLES,
        "edit": ORGANISERS,
        "export": ALL_ROLES,
    },
    # The mentoring-styles survey: the cities' people answer and see their own profile and
    # how their scheme's two sides match; organisers read every person's result (export).
    "style_survey": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, ASSOCIATION},
        "export": ORGANISERS,
    },
    # The closing review (the impact ledger) and the scheme's closing report: everyone of
    # the scheme reads them; nobody writes them (they are computed).
    "closing_review": {
        "view": ALL_ROLES,
        "export": ALL_ROLES,
    },
    # The programme report: every scheme's closing review side by side, for the people who
    # fund and govern the programme. It is only ever exported (PDF, XLSX), by those who see
    # every scheme; "view" is every document's (everyone may know it exists).
    "programme_report": {
        "view": ALL_ROLES,
        "export": {COORDINATOR, OBSERVER},
    },
    # The closing stage (seed 002, "Concluding the ImpleMentoring process"). The evaluation
    # of the mentoring: each side writes its own (the mentee city's officers, the mentor
    # city's, the facilitators for the facilitation: ``closing_records.SIDE_ROLES``).
    "mentoring_evaluation": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "submit": {MENTEE, MENTOR, FACILITATOR},
        "reopen": {MENTEE, MENTOR, FACILITATOR},
        "export": ALL_ROLES,
    },
    # The closing event and the communication outputs.
    "dissemination": {
        "view": ALL_ROLES,
        "edit": {MENTEE, MENTOR, FACILITATOR},
        "export": ALL_ROLES,
    },
    # Support gaps and multi-level issues: the associations link the scheme to multi-level
    # governance (seed 000).
    "support_gap": {
        "view": ALL_ROLES,
        "edit": {ASSOCIATION},
        "export": ALL_ROLES,
    },
}

# The roles a person may give others by invitation, by where they hold their own role:
# coordinators staff the programme and any scheme; a facilitator invites the city and
# association officers and observers of the schemes they facilitate. A role never goes
# to its giver, and who runs or helps a scheme never also acts for one of its cities
# (``schemes.forms.people.role_conflict``): a city's own acts stay with the city.
GRANTS = {
    "programme": {COORDINATOR: {COORDINATOR, FACILITATOR, OBSERVER}},
    "scheme": {
        COORDINATOR: {MENTEE, MENTOR, ASSOCIATION, PARTNER, FACILITATOR, OBSERVER},
        FACILITATOR: {MENTEE, MENTOR, ASSOCIATION, PARTNER, OBSERVER},
    },
}

# Labels for the rules page (the table as users read it).
DOCUMENT_LABELS = {
    "programme": gettext_lazy("Programme"),
    "organisation": gettext_lazy("City, association or other organisation"),
    "call": gettext_lazy("Calls for mentors and mentees, and the applications"),
    "scheme": gettext_lazy("Scheme"),
    "benchmark": gettext_lazy("Benchmark"),
    "questionnaire_template": gettext_lazy("Templates (annexes) and their adaptations"),
    "needs_analysis": gettext_lazy("Needs analysis"),
    "needs_analysis.mentee_section": gettext_lazy("Needs analysis: mentee city's sections"),
    "needs_analysis.association_section": gettext_lazy("Needs analysis: national/regional context (association)"),
    "strengths": gettext_lazy("Strengths and experience"),
    "strengths.association_support": gettext_lazy(
        "Strengths: the support of the mentor side's association (editing where the programme allows it)"
    ),
    "good_practice": gettext_lazy("Good practice"),
    "self_assessment": gettext_lazy("Self-assessment"),
    "scope": gettext_lazy("Scope: the focus key factors"),
    "local_support_group": gettext_lazy("Local support group"),
    "political_commitment": gettext_lazy("Political commitment"),
    "benchmark_stage": gettext_lazy("Benchmark of each stage"),
    "visit": gettext_lazy("Visit and agenda"),
    "meeting": gettext_lazy("Meetings between the visits"),
    "visit_report": gettext_lazy("Visit report"),
    "action_plan": gettext_lazy("Action plan"),
    "action_plan_draft": gettext_lazy("Draft action plan: actions, needs, consultations"),
    "community_plan": gettext_lazy("A city's action plan in a community of practice (its own officers write it, peers comment)"),
    "community_peer_review": gettext_lazy(
        "Community of practice: a peer city's needs analysis, strengths and self-assessment (other peers comment)"
    ),
    "action_plan_version": gettext_lazy("Action plan versions"),
    "implementation_update": gettext_lazy("Implementation updates"),
    "training": gettext_lazy("Training"),
    "style_survey": gettext_lazy("Mentoring-styles survey"),
    "closing_review": gettext_lazy("Closing review and closing report"),
    "programme_report": gettext_lazy("Programme report (every scheme side by side, PDF and XLSX)"),
    "mentoring_evaluation": gettext_lazy("Evaluation of the mentoring (each side its own)"),
    "dissemination": gettext_lazy("Closing event and communication outputs"),
    "support_gap": gettext_lazy("Support gaps and multi-level issues"),
}
ACTION_LABELS = {
    "view": gettext_lazy("view"),
    "edit": gettext_lazy("edit"),
    "comment": gettext_lazy("comment"),
    "submit": gettext_lazy("submit"),
    "reopen": gettext_lazy("reopen"),
    "respond": gettext_lazy("respond"),
    "approve": gettext_lazy("approve"),
    "revise": gettext_lazy("start a revision"),
    "publish": gettext_lazy("publish"),
    "archive": gettext_lazy("archive"),
    "invite": gettext_lazy("invite"),
    "link": gettext_lazy("send members their personal links"),
    "match": gettext_lazy("match mentors with mentees"),
    "review": gettext_lazy("read the applications to a call"),
    "dashboard": gettext_lazy("follow every scheme on the dashboard"),
    "reminders": gettext_lazy("see who has not answered and the reminders sent"),
    "export": gettext_lazy("export"),
}
ROLE_LABELS = {
    COORDINATOR: gettext_lazy("Coordinator"),
    FACILITATOR: gettext_lazy("Facilitator"),
    MENTEE: gettext_lazy("Mentee city"),
    MENTOR: gettext_lazy("Mentor city"),
    ASSOCIATION: gettext_lazy("Municipal association"),
    PARTNER: gettext_lazy("Service provider or civil-society organisation"),
    OBSERVER: gettext_lazy("Observer"),
}


def who_may(action, document):
    """The roles that may do ``action`` on ``document``, as people read them ("Mentee
    city, Facilitator, Coordinator"), in the order of ``ROLE_LABELS``."""
    permitted = RULES[document][action]
    return ", ".join(str(label) for role, label in ROLE_LABELS.items() if role in permitted)


def allowed(roles, action, document):
    """True when any of ``roles`` may do ``action`` on ``document``."""
    try:
        permitted = RULES[document][action]
    except KeyError as exc:
        raise ValueError(f"No rule for {action!r} on {document!r}.") from exc
    return bool(set(roles) & set(permitted))


def grantable(roles, where):
    """The roles someone holding ``roles`` may give by invitation in a programme or scheme."""
    result = set()
    for role in roles:
        result |= GRANTS[where].get(role, set())
    return result


@dataclass
class Access:
    """What the current user is, inside one programme or scheme.

    ``parties``: in a scheme, the (role, party id) pairs of the person's city and
    association roles: the organisation each role acts for. A document that belongs to
    one city (its needs analysis, strengths, self-assessment, support group) is written
    only by the officers acting for that city: ``can_for`` checks it."""

    roles: frozenset = field(default_factory=frozenset)
    archived: bool = False
    parties: frozenset = field(default_factory=frozenset)

    def can(self, action, document):
        if self.archived and action not in READ_ACTIONS and action != "archive":
            return False
        return allowed(self.roles, action, document)

    def can_for(self, action, document, owners):
        """``can``, for a document owned by the scheme parties ``owners`` (ids): the
        organisers the rules allow (facilitators, coordinators) act for every party; a
        city or association officer only for the party their role is on behalf of."""
        if not self.can(action, document):
            return False
        permitted = set(RULES[document][action]) & self.roles
        if permitted - PARTIES:
            return True
        return any(role in permitted and party in owners for role, party in self.parties)

    def acts_for_any(self, roles):
        """True when the person holds one of ``roles`` on behalf of a party."""
        return any(role in roles for role, _party in self.parties)

    def grantable(self, where):
        return set() if self.archived else grantable(self.roles, where)

    def __getattr__(self, name):
        # In templates: {% if access.can_edit_scheme %}.
        if name.startswith("can_"):
            action, _sep, document = name[4:].partition("_")
            if document in RULES and action in RULES[document]:
                return self.can(action, document)
        raise AttributeError(name)


def programme_for(user, slug):
    """The programme ``slug`` if the user may see it, with their roles there; else 404."""
    Programme = apps.get_model("schemes", "Programme")
    # The slug is unique: no ordering to build or to run.
    programme = Programme.objects.for_user(user).select_related("coordinating_body").filter(slug=slug).order_by().first()
    if programme is None:
        logger.warning("denied: %s asked for programme %r outside their scope", user, slug)
        raise Http404(_("No such programme."))
    roles = set(programme.roles.filter(user=user).order_by().values_list("role", flat=True))
    if user.is_superuser:
        roles.add(COORDINATOR)
    if not roles & {COORDINATOR, OBSERVER}:
        # People of a scheme see its programme; their scheme roles say what they may do.
        roles |= set(user.scheme_roles.filter(scheme__programme=programme).values_list("role", flat=True))
    return programme, Access(frozenset(roles), archived=programme.archived)


def scheme_for(user, programme_slug, number):
    """The scheme if the user may see it, with their roles there; else 404.

    Programme coordinators and observers see every scheme of the programme; facilitators
    and the scheme's own people see it through their scheme role.
    """
    Scheme = apps.get_model("schemes", "Scheme")
    ProgrammeRole, SchemeRole = apps.get_model("schemes", "ProgrammeRole"), apps.get_model("schemes", "SchemeRole")

    scheme = (
        Scheme.objects.for_user(user)
        .select_related("programme", "benchmark__benchmark")
        .filter(programme__slug=programme_slug, number=number)
        .order_by()  # unique: no ordering to build or to run
        .first()
    )
    if scheme is None:
        logger.warning("denied: %s asked for scheme %s/%s outside their scope", user, programme_slug, number)
        raise Http404(_("No such scheme."))
    # The user's roles in the scheme, each with the party it acts for, and, programme-wide,
    # as coordinator or observer (no party): one query.
    scheme_roles = SchemeRole.objects.filter(scheme=scheme, user=user).order_by().values_list("role", "party_id")
    programme_roles = (
        ProgrammeRole.objects.filter(programme_id=scheme.programme_id, user=user, role__in=[COORDINATOR, OBSERVER])
        .order_by()
        .annotate(no_party=Value(None, output_field=IntegerField()))
        .values_list("role", "no_party")
    )
    rows = list(scheme_roles.union(programme_roles))
    roles = {role for role, _party in rows}
    parties = frozenset((role, party) for role, party in rows if party is not None and role in PARTIES)
    if user.is_superuser:
        roles.add(COORDINATOR)
    archived = scheme.archived or scheme.programme.archived
    return scheme, Access(frozenset(roles), archived=archived, parties=parties)


def require(access, action, document, *, user=None):
    """403 when the user, who may see the object, may not do ``action`` on it."""
    if not access.can(action, document):
        logger.warning(
            "denied: %s may not %s %s (roles: %s%s)",
            user,
            action,
            document,
            sorted(access.roles),
            ", archived" if access.archived else "",
        )
        if access.archived and allowed(access.roles, action, document):
            raise PermissionDenied(_("This is archived and can no longer be changed."))
        raise PermissionDenied(_("You may not do this."))


def refuse(user, reason, message):
    """403 for a refusal the rules table cannot express (not the user's city, not their
    side): logged like every other denial, with ``message`` for the user."""
    logger.warning("denied: %s %s", user, reason)
    raise PermissionDenied(message)


def programme_view(action, document="programme"):
    """Decorate a view taking ``(request, programme, ...)``: resolves the programme slug
    for the user, requires ``action`` on ``document``, and calls the view with the
    programme and the user's access."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, programme, *args, **kwargs):
            programme, access = programme_for(request.user, programme)
            require(access, action, document, user=request.user)
            return view(request, programme, access, *args, **kwargs)

        wrapped.access_rule = (action, document)
        return wrapped

    return decorator


def scheme_view(action, document="scheme"):
    """As ``programme_view``, for a view taking ``(request, programme, number, ...)``:
    the view is called with the scheme and the user's access in it."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, programme, number, *args, **kwargs):
            scheme, access = scheme_for(request.user, programme, number)
            require(access, action, document, user=request.user)
            return view(request, scheme, access, *args, **kwargs)

        wrapped.access_rule = (action, document)
        return wrapped

    return decorator


def may_create_programme(user):
    """Coordinators (of any programme, or with the add-programme permission the admin
    can give) create programmes; the creator becomes the new programme's coordinator."""
    from django.contrib.auth.models import Permission
    from django.db.models import Exists, Q

    ProgrammeRole = apps.get_model("schemes", "ProgrammeRole")

    from .models import User

    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # One query for what ``user.has_perm("schemes.add_programme")`` and a look at the
    # user's roles would take three: a coordinator role, or the permission given to the
    # user or to one of their groups (as Django's ModelBackend reads it: active users only).
    coordinator = ProgrammeRole.objects.filter(user=user, role=COORDINATOR)
    granted = Permission.objects.filter(content_type__app_label="schemes", codename="add_programme").filter(
        Q(user=user) | Q(group__user=user)
    )
    return User.objects.filter(pk=user.pk).filter(Exists(coordinator) | Q(is_active=True) & Exists(granted)).exists()
