"""Creating a scheme with its parties and its default series of visits."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mentoring.activity import log_action

from .. import method
from ..models import Scheme, SchemeKind, SchemeParty, Side, Visit, VisitKind

MIN_VISITS = 2
MAX_VISITS = 10


def default_visit_plan(count):
    """The visit series of seed 000 §5 as (title, host side, position): mentee city
    "setting the scene", mentor city "inspiration", mentee city "consolidation". Two
    visits keep the first two; more than three add follow-up visits between, alternating
    hosts. The position (schemes.method) gives each visit its aim and expected outcome."""
    scene = (_("Setting the scene"), Side.MENTEE, method.SCENE)
    inspiration = (_("Inspiration"), Side.MENTOR, method.INSPIRATION)
    consolidation = (_("Consolidation of the action plan"), Side.MENTEE, method.CONSOLIDATION)
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
    for order, (visit_title, side, position) in enumerate(default_visit_plan(count), start=1):
        hosts = cities[side] or cities[Side.PEER] or [org for org, _side in parties if org.kind == "city"]
        purpose = method.VISIT_PURPOSES[position]
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
