"""What is waiting for a person (the "My work" list on the home page): the documents of
their city to fill and submit, the scope to agree, an action plan to approve, visits to
prepare, mentees to pair. Read from every scheme they act in, in a fixed number of
queries, so the list costs the same for one scheme or thirty."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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
)

VISIT_HORIZON = datetime.timedelta(days=60)


@dataclass
class Task:
    scheme: Scheme
    text: str
    url: str
    when: datetime.date | None = None
    key: str = ""  # what the task is about, stable from day to day (for reminders)


def _url(name, scheme, **kwargs):
    return reverse(f"schemes:{name}", kwargs={"programme": scheme.programme.slug, "number": scheme.number, **kwargs})


def tasks_for(user, today=None):
    """The person's tasks, soonest and most pressing first."""
    today = today or timezone.localdate()
    roles = list(
        SchemeRole.objects.filter(user=user, scheme__archived=False, scheme__programme__archived=False)
        .select_related("scheme__programme", "party__organisation")
    )
    scheme_ids = {role.scheme_id for role in roles}
    responses = {
        (r.scheme_id, r.organisation_id, r.template.kind): r
        for r in Response.objects.filter(scheme_id__in=scheme_ids).select_related("template")
    }
    latest_rounds = {}
    for assessment in SelfAssessment.objects.filter(scheme_id__in=scheme_ids).order_by("round"):
        latest_rounds[(assessment.scheme_id, assessment.city_id)] = assessment
    plans = {plan.scheme_id: plan for plan in ActionPlan.objects.filter(scheme_id__in=scheme_ids)}
    with_focus = set(
        Scheme.focus_key_factors.through.objects.filter(scheme_id__in=scheme_ids).values_list("scheme_id", flat=True)
    )
    mentee_cities = {}
    for party in SchemeParty.objects.filter(
        scheme_id__in=scheme_ids, side=Side.MENTEE, organisation__kind=OrganisationKind.CITY
    ).select_related("organisation"):
        mentee_cities.setdefault(party.scheme_id, []).append(party.organisation)

    tasks = []
    facilitated = []
    for role in roles:
        scheme = role.scheme
        city = role.party.organisation if role.party and role.party.organisation.kind == OrganisationKind.CITY else None
        if role.role == "facilitator":
            facilitated.append(scheme.pk)
        if role.role == "association":
            for mentee in mentee_cities.get(scheme.pk, []):
                response = responses.get((scheme.pk, mentee.pk, "needs_analysis"))
                if response is None or response.status != ResponseStatus.SUBMITTED:
                    tasks.append(Task(scheme, _("Fill the national and regional context in the needs analysis of %(city)s")
                                      % {"city": mentee.name}, _url("needs_analysis", scheme, organisation=mentee.pk),
                                      key=f"context:{scheme.pk}:{mentee.pk}"))
        if city is None or role.role not in ("mentee", "mentor"):
            continue
        kind, page = ("needs_analysis", "needs_analysis") if role.role == "mentee" else ("strengths", "strengths")
        response = responses.get((scheme.pk, city.pk, kind))
        if response is None or response.status != ResponseStatus.SUBMITTED:
            text = (_("Fill and submit the needs analysis of %(city)s") if role.role == "mentee"
                    else _("Fill and submit the strengths and experience of %(city)s")) % {"city": city.name}
            tasks.append(Task(scheme, text, _url(page, scheme, organisation=city.pk), key=f"{kind}:{scheme.pk}:{city.pk}"))
        if scheme.benchmark_id:
            latest = latest_rounds.get((scheme.pk, city.pk))
            if latest is None or latest.submitted_at is None:
                tasks.append(Task(scheme, _("Assess %(city)s against the benchmark and submit") % {"city": city.name},
                                  _url("self_assessment", scheme, organisation=city.pk), key=f"assess:{scheme.pk}:{city.pk}"))
            agreed = scheme.focus_agreed_by_mentee if role.role == "mentee" else scheme.focus_agreed_by_mentor
            if scheme.pk in with_focus and agreed is None:
                tasks.append(Task(scheme, _("Agree the focus key factors for your side"), _url("scheme_focus", scheme),
                                  key=f"focus:{scheme.pk}:{role.role}"))
        plan = plans.get(scheme.pk)
        if role.role == "mentee" and plan and plan.status == ActionPlanStatus.SUBMITTED:
            tasks.append(Task(scheme, _("Record the approval of the action plan"), _url("action_plan", scheme),
                              key=f"approve:{scheme.pk}"))

    tasks += _visits_to_prepare(facilitated, today)
    tasks += _mentees_to_pair(user)
    # De-duplicate (two roles in one scheme), dated tasks first.
    seen, result = set(), []
    for task in sorted(tasks, key=lambda t: (t.when or datetime.date.max, t.scheme.programme.name, t.scheme.number)):
        if (task.url, task.text) not in seen:
            seen.add((task.url, task.text))
            result.append(task)
    return result


def _visits_to_prepare(scheme_ids, today):
    tasks = []
    visits = (
        Visit.objects.filter(scheme_id__in=scheme_ids, start_date__gte=today, start_date__lte=today + VISIT_HORIZON)
        .exclude(status="cancelled")
        .select_related("scheme__programme")
        .annotate(session_count=Count("agenda_items"))
        .order_by("start_date")
    )
    for visit in visits:
        url = _url("visit", visit.scheme, visit=visit.order)
        days = (visit.start_date - today).days
        if not visit.session_count:
            tasks.append(Task(visit.scheme, _("Build the agenda of %(visit)s (in %(days)s days)") % {"visit": visit, "days": days},
                              url, visit.start_date, key=f"agenda:{visit.pk}"))
        elif visit.status == "planned":
            tasks.append(Task(visit.scheme, _("Confirm %(visit)s (in %(days)s days)") % {"visit": visit, "days": days},
                              url, visit.start_date, key=f"confirm:{visit.pk}"))
    return tasks


def _mentees_to_pair(user):
    programmes = ProgrammeRole.objects.filter(user=user, role="coordinator", programme__archived=False).values("programme")
    waiting = (
        Scheme.objects.filter(programme__in=programmes).waiting_for_mentor()
        .select_related("programme")
        .prefetch_related(Prefetch("parties", queryset=SchemeParty.objects.select_related("organisation")))
    )
    tasks = []
    for scheme in waiting:
        for party in scheme.mentee_parties:
            if party.organisation.kind == OrganisationKind.CITY:
                tasks.append(Task(
                    scheme, _("Find a mentor city for %(city)s") % {"city": party.organisation.name},
                    reverse("schemes:matching_detail", kwargs={"programme": scheme.programme.slug, "organisation": party.organisation_id}),
                    key=f"pair:{scheme.pk}:{party.organisation_id}",
                ))
    return tasks
