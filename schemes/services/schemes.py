"""Creating a scheme with its parties and its default series of visits; what an edit of
its focus says in the history and to the person (schemes/focus.py)."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.activity import log_action

from .. import method
from ..focus import in_scope
from ..models import Action, Scheme, SchemeKind, SchemeParty, Side, Visit, VisitKind

MIN_VISITS = 2
MAX_VISITS = 10


def default_visit_plan(count, focus=None):
    """The visit series of seed 000 §5 as (title, host side, position): mentee city
    "setting the scene", mentor city "inspiration", mentee city "consolidation" (of the
    scheme's ``focus``: the action plan, the needs analysis...). Two visits keep the first
    two; more than three add follow-up visits between, alternating hosts. The position
    (schemes.method) gives each visit its aim and expected outcome."""
    scene = (_("Setting the scene"), Side.MENTEE, method.SCENE)
    inspiration = (_("Inspiration"), Side.MENTOR, method.INSPIRATION)
    title = method.consolidation_title(focus)
    consolidation = (str(title), Side.MENTEE, method.CONSOLIDATION)
    if count <= 2:
        return [scene, inspiration]
    follow_ups = [
        (_("Follow-up visit %(number)s") % {"number": n}, Side.MENTEE if n % 2 else Side.MENTOR, method.FOLLOW_UP)
        for n in range(1, count - 2)
    ]
    return [scene, inspiration, *follow_ups, consolidation]


def kind_for_host_side(side):
    """A visit hosted by the mentee side is a visit to the mentee city; one hosted by the
    mentor side a study visit (seed 004: "study visits and site visits")."""
    return VisitKind.STUDY_VISIT if side == Side.MENTOR else VisitKind.MENTEE_CITY


@transaction.atomic
def scheme_create(
    *, programme, title, theme, parties, benchmark=None, kind=SchemeKind.MENTORING, visit_count=None, actor=None, **fields
):
    """Create a scheme in ``programme`` with ``parties`` (a list of (organisation, side))
    and its default visits, hosted by the first city of the right side. ``actor``: who
    creates it (None: the application, loading data)."""
    number = (programme.schemes.aggregate(n=Max("number"))["n"] or 0) + 1
    scheme = Scheme.objects.create(
        programme=programme, number=number, title=title, theme=theme, benchmark=benchmark, kind=kind, **fields
    )
    for order, (organisation, side) in enumerate(parties):
        SchemeParty.objects.create(scheme=scheme, organisation=organisation, side=side, order=order)
    # A scheme's cities and associations take part in its programme.
    programme.cities.add(*[organisation for organisation, _side in parties])
    count = visit_count or programme.default_visit_count
    count = max(MIN_VISITS, min(MAX_VISITS, count))
    cities = {side: [org for org, s in parties if s == side and org.kind == "city"] for side in Side.values}
    for order, (visit_title, side, position) in enumerate(default_visit_plan(count, scheme.focus), start=1):
        hosts = cities[side] or cities[Side.PEER] or [org for org, _side in parties if org.kind == "city"]
        purpose = method.visit_purpose(position, scheme.focus)
        Visit.objects.create(
            scheme=scheme,
            order=order,
            title=visit_title,
            host=hosts[0] if hosts else None,
            kind=kind_for_host_side(side if cities[side] else None),
            aim=str(purpose.aim),
            expected_outcome=str(purpose.expected_outcome),
        )
    log_action(
        actor=actor,
        action="scheme.created",
        obj=scheme,
        scheme=scheme,
        data={"parties": [organisation.name for organisation, _side in parties], "visits": count},
    )
    return scheme


def scope_change_reason(form):
    """The history reason of a scheme edit that changes what the scheme takes in (its
    focus, or whether the mentoring ends with the final plan: schemes/focus.py), so the
    history says it in words; "" otherwise."""
    changed = [name for name in ("focus", "ends_with_final_plan") if name in form.changed_data]
    if not changed:
        return ""
    scheme = form.instance
    parts = []
    if "focus" in changed:
        parts.append(_("Focus: %(focus)s") % {"focus": scheme.get_focus_display()})
    if "ends_with_final_plan" in changed:
        parts.append(
            _("Ends with the final action plan")
            if scheme.ends_with_final_plan
            else _("Goes on to the implementation of the plan")
        )
    return "; ".join(parts)[:100]


def scope_change_kept(form, scheme):
    """After an edit that takes the plan or its implementation out of ``scheme``: what
    was written stays (nothing is removed; only the steps' counting changes), in words
    for the person who made the change; "" when nothing is concerned."""
    if not {"focus", "ends_with_final_plan"} & set(form.changed_data):
        return ""
    count = Action.objects.filter(plan__scheme=scheme).count()
    if not count:
        return ""
    if not in_scope(scheme, "action_plan"):
        return ngettext(
            "The action plan and its %(count)s action are kept: they are no longer shown on the timeline or counted, "
            "and come back if the focus changes back.",
            "The action plan and its %(count)s actions are kept: they are no longer shown on the timeline or counted, "
            "and come back if the focus changes back.",
            count,
        ) % {"count": count}
    if not in_scope(scheme, "implementation"):
        return ngettext(
            "The %(count)s action of the plan is kept, with its progress: implementation is no longer counted.",
            "The %(count)s actions of the plan are kept, with their progress: implementation is no longer counted.",
            count,
        ) % {"count": count}
    return ""
