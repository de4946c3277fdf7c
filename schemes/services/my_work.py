"""What is waiting for a person (the "My work" list on the home page): the documents of
their city to fill and submit, the scope to agree, an action plan to approve, visits to
prepare, mentees to pair. Read from every scheme they act in, in a fixed number of
queries, so the list costs the same for one scheme or thirty."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..focus import in_scope
from ..models import (
    ActionPlan,
    ActionPlanStatus,
    OrganisationKind,
    ProgrammeRole,
    Response,
    ResponseStatus,
    Scheme,
    SchemeParty,
    SchemeRole,
    SelfAssessment,
    Side,
    Visit,
    VisitStatus,
)
from .meetings import next_meeting_annotations

VISIT_HORIZON = datetime.timedelta(days=60)
# The approval of the action plan is due by the scheme's end date, or this long after the
# last visit (as on the scheme page: schemes/services/progress.py).
APPROVAL_AFTER_LAST_VISIT = datetime.timedelta(days=61)
# The step of the process each kind of task belongs to: nobody is asked to do a step
# outside the scheme's focus (schemes/focus.py).
STEP_OF_TASK = {
    "context": "needs_analysis",
    "needs_analysis": "needs_analysis",
    "strengths": "strengths",
    "assess": "scope",
    "focus": "scope",
    "approve": "approval",
}


@dataclass
class Task:
    scheme: Scheme
    text: str
    url: str
    when: datetime.date | None = None
    key: str = ""  # what the task is about, stable from day to day (for reminders)
    kind: str = ""  # the first part of the key; "visit" and "meeting" for the next visit and meeting
    nearness: str = ""  # "due tomorrow", "3 days late": set by tasks_for from ``when``
    late: bool = False

    def __post_init__(self):
        self.kind = self.kind or self.key.split(":")[0]


def due_nearness(when, today):
    """How near a due date is, in words: "due today", "due tomorrow", "due in 5 days",
    "3 days late"."""
    days = (when - today).days
    if days < 0:
        return ngettext("%(count)s day late", "%(count)s days late", -days) % {"count": -days}
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due tomorrow")
    return ngettext("due in %(count)s day", "due in %(count)s days", days) % {"count": days}


def day_nearness(when, today):
    """When something happens, in words: "Today", "Tomorrow", "In 5 days"."""
    days = (when - today).days
    if days <= 0:
        return _("Today")
    if days == 1:
        return _("Tomorrow")
    return ngettext("In %(count)s day", "In %(count)s days", days) % {"count": days}


def _url(name, scheme, **kwargs):
    return reverse(f"schemes:{name}", kwargs={"programme": scheme.programme.slug, "number": scheme.number, **kwargs})


def _my_roles(user, **filters):
    """The user's roles in active schemes (a subquery in the queries below)."""
    return SchemeRole.objects.filter(user=user, scheme__archived=False, scheme__programme__archived=False, **filters)


def _my_schemes(user):
    return _my_roles(user).values("scheme_id")


@dataclass
class Scope:
    """What the home page's two lists (``tasks_for`` and ``waiting_for_others``) both
    read, once: everyone's roles in the person's active schemes (with the person, the
    party and the scheme), those schemes' parties and their action plans' statuses.
    ``scope_for_programme``: the same for every active scheme of a programme (the page of
    who has not answered), with no person of its own."""

    user: object
    roles: list
    parties: list
    plans: dict
    responses: list
    schemes: object = None  # the schemes read (a subquery of their ids)
    # A community of practice's city plans (issue 23): {(scheme id, city id): status}.
    city_plans: dict = field(default_factory=dict)

    @property
    def mine(self):
        return [role for role in self.roles if role.user_id == self.user.pk]


def _plan_statuses(schemes):
    """The shared plans' statuses by scheme, and a community's cities' plans' by (scheme,
    city): one query."""
    shared, cities = {}, {}
    for scheme_id, city_id, status in (
        ActionPlan.objects.filter(scheme_id__in=schemes).order_by().values_list("scheme_id", "organisation_id", "status")
    ):
        if city_id is None:
            shared[scheme_id] = status
        else:
            cities[(scheme_id, city_id)] = status
    return shared, cities


def _scope(user, schemes, today=None):
    plans, city_plans = _plan_statuses(schemes)
    return Scope(
        user=user,
        roles=list(
            SchemeRole.objects.filter(scheme_id__in=schemes)
            .select_related("user", "scheme__programme", "party__organisation")
            .annotate(scheme_has_focus=Exists(Scheme.focus_key_factors.through.objects.filter(scheme_id=OuterRef("scheme_id"))))
            # The scheme's next meeting, for "Waiting for you": no query of its own.
            .annotate(**next_meeting_annotations(today or timezone.localdate(), "scheme_id"))
        ),
        parties=list(SchemeParty.objects.filter(scheme_id__in=schemes).select_related("organisation").order_by("pk")),
        plans=plans,
        city_plans=city_plans,
        responses=list(Response.objects.filter(scheme_id__in=schemes).select_related("organisation", "template").order_by("pk")),
        schemes=schemes,
    )


def scope_for(user, today=None):
    return _scope(user, _my_schemes(user), today)


def scope_for_programme(programme, schemes=None):
    """The scope of ``programme``'s active schemes (or of those of ``schemes``, ids)."""
    active = Scheme.objects.filter(programme=programme).active()
    if schemes is not None:
        active = active.filter(pk__in=schemes)
    return _scope(None, active.values("pk"))


def tasks_for(user, today=None, scope=None, coordinator=True):
    """The person's tasks, soonest and most pressing first. ``scope``: what the home page
    reads once for both of its lists; ``coordinator`` False skips the mentee cities to
    pair (only a programme's coordinators pair them)."""
    today = today or timezone.localdate()
    scope = scope or scope_for(user, today)
    roles = scope.mine
    visits = _visits(scope)
    tasks = [task for _role, task in _role_tasks(scope, roles, visits)]
    facilitated = {role.scheme_id for role in roles if role.role == "facilitator"}
    tasks += _visit_items(visits, facilitated, {role.scheme_id for role in roles}, today)
    tasks += _meeting_items(roles, today)
    if coordinator:
        tasks += _mentees_to_pair(user)
    return _in_order(tasks, today)


def tasks_of_everyone(scope, today):
    """{user: [Task]}: the tasks of every person of ``scope``'s schemes (active accounts),
    as ``tasks_for`` gives each their own, without the mentee cities to pair (the
    coordinators' own work) or the visits coming up (news, not tasks): the page of who
    has not answered, in the same number of queries for one scheme or a thousand."""
    visits = _visits(scope)
    roles = [role for role in scope.roles if role.user.is_active]
    by_user = {}
    for role, task in _role_tasks(scope, roles, visits):
        by_user.setdefault(role.user, []).append(task)
    visits_of = {}
    for visit in visits:
        visits_of.setdefault(visit.scheme_id, []).append(visit)
    for role in roles:
        if role.role == "facilitator":
            by_user.setdefault(role.user, []).extend(
                _visit_items(visits_of.get(role.scheme_id, []), {role.scheme_id}, set(), today)
            )
    return {user: _in_order(tasks, today) for user, tasks in by_user.items() if tasks}


def _visits(scope):
    """The visits of the scope's schemes (cancelled ones aside), with their sessions counted."""
    return list(
        Visit.objects.filter(scheme_id__in=scope.schemes)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("scheme__programme", "host")
        .annotate(session_count=Count("agenda_items"))
        .order_by("scheme_id", "order")
    )


def _in_order(tasks, today):
    """Each task's nearness, then de-duplicated (two roles in one scheme), dated tasks first."""
    for task in tasks:
        if task.when and task.kind not in ("visit", "meeting"):
            task.nearness = due_nearness(task.when, today)
            task.late = task.when <= today
    seen, result = set(), []
    for task in sorted(tasks, key=lambda t: (t.when or datetime.date.max, t.scheme.programme.name, t.scheme.number)):
        if (task.url, task.text) not in seen:
            seen.add((task.url, task.text))
            result.append(task)
    return result


def _role_tasks(scope, roles, visits):
    """[(role, Task)]: the documents, scopes and approvals ``roles`` wait on."""
    responses = {
        (response.scheme_id, response.organisation_id, response.template.kind): response.status for response in scope.responses
    }
    latest_rounds = {}  # (scheme, city): when its latest round was submitted
    for scheme_id, city_id, submitted_at in (
        SelfAssessment.objects.filter(scheme_id__in=scope.schemes)
        .order_by("round")
        .values_list("scheme_id", "city_id", "submitted_at")
    ):
        latest_rounds[(scheme_id, city_id)] = submitted_at
    plans = scope.plans
    with_focus = {role.scheme_id for role in scope.roles if role.scheme_has_focus}
    # What is due by the first visit (the preparation steps) and after the last (the
    # approval of the plan).
    first_day, last_day = {}, {}
    for visit in visits:
        if visit.start_date:
            first_day[visit.scheme_id] = min(first_day.get(visit.scheme_id, visit.start_date), visit.start_date)
            last = visit.end_date or visit.start_date
            last_day[visit.scheme_id] = max(last_day.get(visit.scheme_id, last), last)
    mentee_cities = {}
    for party in scope.parties:
        if party.side == Side.MENTEE and party.organisation.kind == OrganisationKind.CITY:
            mentee_cities.setdefault(party.scheme_id, []).append(party.organisation)

    tasks = []
    for role in roles:
        scheme = role.scheme
        city = role.party.organisation if role.party and role.party.organisation.kind == OrganisationKind.CITY else None
        # The national and regional context is written by the association of the mentee
        # side; one that also sits on the mentor side (brokering a pairing of two of its
        # members) has no such task for its mentor-side officers.
        if role.role == "association" and (role.party is None or role.party.side != Side.MENTOR):
            for mentee in mentee_cities.get(scheme.pk, []):
                if responses.get((scheme.pk, mentee.pk, "needs_analysis")) != ResponseStatus.SUBMITTED:
                    tasks.append(
                        (
                            role,
                            Task(
                                scheme,
                                _("Fill the national and regional context in the needs analysis of %(city)s")
                                % {"city": mentee.name},
                                _url("needs_analysis", scheme, organisation=mentee.pk),
                                first_day.get(scheme.pk),
                                key=f"context:{scheme.pk}:{mentee.pk}",
                            ),
                        )
                    )
        if city is None or role.role not in ("mentee", "mentor"):
            continue
        kind, page = ("needs_analysis", "needs_analysis") if role.role == "mentee" else ("strengths", "strengths")
        if responses.get((scheme.pk, city.pk, kind)) != ResponseStatus.SUBMITTED:
            text = (
                _("Fill and submit the needs analysis of %(city)s")
                if role.role == "mentee"
                else _("Fill and submit the strengths and experience of %(city)s")
            ) % {"city": city.name}
            tasks.append(
                (
                    role,
                    Task(
                        scheme,
                        text,
                        _url(page, scheme, organisation=city.pk),
                        first_day.get(scheme.pk),
                        key=f"{kind}:{scheme.pk}:{city.pk}",
                    ),
                )
            )
        if scheme.benchmark_id:
            if latest_rounds.get((scheme.pk, city.pk)) is None:  # no round yet, or not submitted
                tasks.append(
                    (
                        role,
                        Task(
                            scheme,
                            _("Assess %(city)s against the benchmark and submit") % {"city": city.name},
                            _url("self_assessment", scheme, organisation=city.pk),
                            first_day.get(scheme.pk),
                            key=f"assess:{scheme.pk}:{city.pk}",
                        ),
                    )
                )
            agreed = scheme.focus_agreed_by_mentee if role.role == "mentee" else scheme.focus_agreed_by_mentor
            if scheme.pk in with_focus and agreed is None:
                tasks.append(
                    (
                        role,
                        Task(
                            scheme,
                            _("Agree the focus key factors for your side"),
                            _url("scheme_focus", scheme),
                            first_day.get(scheme.pk),
                            key=f"focus:{scheme.pk}:{role.role}",
                        ),
                    )
                )
        if role.role == "mentee" and plans.get(scheme.pk) == ActionPlanStatus.SUBMITTED:
            last = last_day.get(scheme.pk)
            tasks.append(
                (
                    role,
                    Task(
                        scheme,
                        _("Record the approval of the action plan"),
                        _url("action_plan", scheme),
                        scheme.end_date or (last + APPROVAL_AFTER_LAST_VISIT if last else None),
                        key=f"approve:{scheme.pk}",
                    ),
                )
            )
        # A community city's own plan, submitted: its officers record the approval.
        party = role.party
        if (
            party is not None
            and party.side == Side.PEER
            and role.role in ("mentee", "mentor")
            and scope.city_plans.get((scheme.pk, party.organisation_id)) == ActionPlanStatus.SUBMITTED
        ):
            last = last_day.get(scheme.pk)
            tasks.append(
                (
                    role,
                    Task(
                        scheme,
                        _("Record the approval of %(city)s's action plan") % {"city": party.organisation.label},
                        _url("city_action_plan", scheme, city=party.organisation_id),
                        scheme.end_date or (last + APPROVAL_AFTER_LAST_VISIT if last else None),
                        key=f"approve:{scheme.pk}:{party.organisation_id}",
                    ),
                )
            )
    return [
        (role, task) for role, task in tasks if task.kind not in STEP_OF_TASK or in_scope(task.scheme, STEP_OF_TASK[task.kind])
    ]


def _visit_items(visits, facilitated, schemes, today):
    """For the facilitators, the visits of the next two months to prepare (an agenda to
    build, a visit to confirm); for everyone of a scheme, its next visit ("Tomorrow in
    Mechelen: Visit 2 — agenda")."""
    horizon = today + VISIT_HORIZON
    tasks = []
    next_visit = {}
    for visit in sorted(visits, key=lambda v: (v.start_date or datetime.date.max, v.order)):
        scheme = visit.scheme
        url = _url("visit", scheme, visit=visit.order)
        to_prepare = None
        if visit.scheme_id in facilitated and visit.start_date and today <= visit.start_date <= horizon:
            if not visit.session_count:
                to_prepare = Task(
                    scheme, _("Build the agenda of %(visit)s") % {"visit": visit}, url, visit.start_date, key=f"agenda:{visit.pk}"
                )
            elif visit.status == VisitStatus.PLANNED:
                to_prepare = Task(
                    scheme, _("Confirm %(visit)s") % {"visit": visit}, url, visit.start_date, key=f"confirm:{visit.pk}"
                )
        if to_prepare is not None:
            tasks.append(to_prepare)
            next_visit.setdefault(visit.scheme_id, visit)  # the task stands for the visit
        if visit.scheme_id not in schemes or visit.status == VisitStatus.HELD:
            continue
        last = visit.end_date or visit.start_date
        if visit.start_date and visit.start_date <= horizon and last >= today and visit.scheme_id not in next_visit:
            next_visit[visit.scheme_id] = visit
            place = visit.host.label if visit.host else visit.location
            values = {"when": day_nearness(visit.start_date, today), "place": place, "visit": visit}
            text = _("%(when)s in %(place)s: %(visit)s — agenda") if place else _("%(when)s: %(visit)s — agenda")
            tasks.append(Task(scheme, text % values, f"{url}#agenda", visit.start_date, kind="visit"))
    return tasks


def _meeting_items(roles, today):
    """For everyone of a scheme, its next meeting between the visits in the next two
    months ("In 3 days: Preparation of the second visit"), read with ``roles``."""
    horizon = today + VISIT_HORIZON
    tasks, seen = [], set()
    for role in roles:
        if role.scheme_id in seen or role.next_meeting_date is None or role.next_meeting_date > horizon:
            continue
        seen.add(role.scheme_id)
        scheme = role.scheme
        url = reverse(
            "schemes:meeting", kwargs={"programme": scheme.programme.slug, "number": scheme.number, "pk": role.next_meeting_pk}
        )
        when = day_nearness(role.next_meeting_date, today)
        text = _("%(when)s: %(meeting)s") % {"when": when, "meeting": role.next_meeting_title}
        tasks.append(Task(scheme, text, url, role.next_meeting_date, kind="meeting"))
    return tasks


def _mentees_to_pair(user):
    """Schemes waiting for a mentor city in the programmes the user coordinates."""
    programmes = ProgrammeRole.objects.filter(user=user, role="coordinator", programme__archived=False).values("programme")
    waiting = Scheme.objects.filter(programme__in=programmes).waiting_for_mentor().select_related("programme").with_parties()
    tasks = []
    for scheme in waiting:
        for party in scheme.mentee_parties:
            if party.organisation.kind == OrganisationKind.CITY:
                tasks.append(
                    Task(
                        scheme,
                        _("Pair %(city)s with its %(mentor)s")
                        % {"city": party.organisation.name, "mentor": scheme.programme.terms.mentor},
                        reverse(
                            "schemes:matching_detail",
                            kwargs={"programme": scheme.programme.slug, "organisation": party.organisation_id},
                        ),
                        key=f"pair:{scheme.pk}:{party.organisation_id}",
                    )
                )
    return tasks
