"""What the load test's people need, on the demo data (IncluCities, scheme 1): the people
themselves, signing in with a password, and one object of every kind they edit at once.

Who edits what follows the rules (mentoring/access.py) and the ownership of city
documents: the officers of the mentee city Capaci edit the action plan, the political
commitments, Capaci's local support group and Capaci's good practice; the scheme's
facilitators help with all of those and plan the visits and their sessions; the
programme's coordinators edit the programme, the scheme, the organisation Capaci and a
benchmark draft of the programme, and plan the visits too. Every kind is saved by
several people, so the same object is often saved by two at once.

Every function here can run again on the same database (``./dev load`` runs the test
twice): it finds what an earlier run created.
"""

import datetime
import uuid

from django.db import transaction
from django.urls import reverse

from benchmarks.editing import draft_create
from benchmarks.models import BenchmarkVersion
from mentoring.models import User
from schemes.models import (
    Action,
    AgendaItem,
    GoodPractice,
    LocalSupportGroup,
    LocalSupportGroupMember,
    Organisation,
    PoliticalCommitment,
    Programme,
    ProgrammeRole,
    ResponseStatus,
    Scheme,
    SchemeRole,
    TemplateKind,
)
from schemes.services.action_plans import plan_get_or_create
from schemes.services.demo import demo_load
from schemes.services.filling import response_reopen

from .saves import EditForm

OFFICER, COORDINATOR, FACILITATOR = "officer", "coordinator", "facilitator"
DRAFT_SLUG = "load-test-draft"

# kind: the text fields a save types into (one chosen at random), and who saves it.
EDITED = {
    "action": (("outcomes", "resources", "evaluation"), {OFFICER, FACILITATOR}),
    "political commitment": (("office", "party", "evidence"), {OFFICER, FACILITATOR}),
    "support group member": (("organisation", "role"), {OFFICER, FACILITATOR}),
    "good practice": (("description", "results", "risks"), {OFFICER, FACILITATOR}),
    "visit": (("aim", "expected_outcome", "location"), {FACILITATOR, COORDINATOR}),
    "agenda session": (("title", "place", "notes"), {FACILITATOR, COORDINATOR}),
    "programme": (("description", "funding"), {COORDINATOR}),
    "scheme": (("summary", "theme"), {COORDINATOR}),
    "organisation": (("description", "main_nationalities", "governance_notes"), {COORDINATOR}),
    "benchmark draft": (("standard", "rationale", "notes_on_terms"), {COORDINATOR}),
}


@transaction.atomic
def prepare(users):
    """The demo data (loaded if missing) and ``users`` people: about half officers of the
    demo mentee city (who also edit the same questionnaire sections), the rest
    coordinators and facilitators. Returns the people, as (role, user, password), and
    the objects they edit, as ``EditForm``s."""
    if not Programme.objects.filter(slug="inclucities").exists():
        demo_load()
    scheme = Scheme.objects.select_related("programme").get(programme__slug="inclucities", number=1)
    capaci = Organisation.objects.get(kind="city", name="Capaci")
    people = _people(users, scheme, scheme.parties.get(organisation=capaci))
    # The demo's Capaci has submitted its needs analysis (issue 26: the scheme is half way):
    # reopened, as a coordinator does on its page, so that its officers edit its sections.
    needs = scheme.responses.filter(organisation=capaci, template__kind=TemplateKind.NEEDS_ANALYSIS).first()
    if needs is not None and needs.status != ResponseStatus.DRAFT:
        coordinator = next((user for role, user, _password in people if role == COORDINATOR), people[0][1])
        response_reopen(response=needs, actor=coordinator)
    edits = []
    for kind, (obj, url, kwargs) in _edited_objects(scheme, capaci).items():
        fields, roles = EDITED[kind]
        path = reverse(f"schemes:{url}", kwargs={"programme": scheme.programme.slug, **kwargs})
        edits.append(EditForm(kind, type(obj), obj.pk, path, fields, frozenset(roles)))
    return people, edits


def _people(users, scheme, party):
    roles = [OFFICER] * max(1, users // 2) + [COORDINATOR, FACILITATOR] * users
    people = []
    for index, role in enumerate(roles[:users]):
        password = uuid.uuid4().hex
        user, _created = User.objects.get_or_create(
            email=f"load-{role}-{index}@example.org", defaults={"first_name": role.title(), "last_name": str(index)}
        )
        user.set_password(password)
        user.save()
        if role == OFFICER:
            SchemeRole.objects.get_or_create(scheme=scheme, user=user, role="mentee", defaults={"party": party})
        elif role == COORDINATOR:
            ProgrammeRole.objects.get_or_create(programme=scheme.programme, user=user, role="coordinator")
        else:
            SchemeRole.objects.get_or_create(scheme=scheme, user=user, role="facilitator")
        people.append((role, user, password))
    return people


def _edited_objects(scheme, capaci):
    """kind: (the object, the name of its edit page, the page's address arguments besides
    the programme). Created one by one, so each has its first history record."""
    programme, number = scheme.programme, scheme.number
    plan = plan_get_or_create(scheme=scheme)
    # A plan of 30 actions to print (9 pages) and edit: the demo's own actions, and more.
    if plan.actions.count() < 30:
        for n in range(plan.actions.count() + 1, 31):
            Action.objects.create(
                plan=plan,
                order=n,
                action=f"Action {n}: " + "open a one-stop shop for newcomers with partners " * 3,
                outcomes="Newcomers find every service in one place. " * 3,
                timeframe="2027",
                lead="Social affairs",
                resources="Two officers, the local support group. " * 2,
                evaluation="Visitors counted monthly. " * 2,
            )
    action = plan.actions.order_by("order", "pk").first()
    commitment = scheme.commitments.order_by("pk").first() or PoliticalCommitment.objects.create(
        scheme=scheme,
        name="Mayor of Capaci",
        office="Mayor",
        cross_party=True,
        date=datetime.date(2026, 3, 1),
        scope="both",
        evidence="A council decision.",
    )
    group, _created = LocalSupportGroup.objects.get_or_create(scheme=scheme, city=capaci)
    member = group.members.order_by("pk").first() or LocalSupportGroupMember.objects.create(
        group=group,
        order=1,
        name="Giulia Rossi",
        organisation="Welcome association",
        stakeholder_type="ngo",
    )
    practice = programme.good_practices.filter(city=capaci).order_by("pk").first() or GoodPractice.objects.create(
        programme=programme,
        city=capaci,
        title="A welcome desk at the town hall",
        theme="Reception",
        where="Capaci",
        description="Newcomers meet one officer who books their appointments with every service.",
    )
    visit = scheme.visits.get(order=1)
    if not (visit.start_date and visit.aim and visit.expected_outcome):  # the form needs them; the agenda its days
        visit.start_date = visit.start_date or datetime.date(2027, 3, 10)
        visit.end_date = visit.end_date or visit.start_date + datetime.timedelta(days=1)
        visit.aim = visit.aim or "Set the scene: the needs analysis, read together."
        visit.expected_outcome = visit.expected_outcome or "A first list of actions."
        visit.save()
    session = visit.agenda_items.order_by("day", "start_time", "pk").first() or AgendaItem.objects.create(
        visit=visit,
        day=visit.start_date,
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        session_type="recap",
        title="Recap of the needs analysis",
    )
    draft = BenchmarkVersion.objects.filter(benchmark__slug=DRAFT_SLUG, programme=programme).first() or draft_create(
        programme=programme, slug=DRAFT_SLUG, theme="Reception", title="Welcoming newcomers (a draft)"
    )
    in_scheme = {"number": number}
    return {
        "action": (action, "action", {**in_scheme, "pk": action.pk}),
        "political commitment": (commitment, "commitment_edit", {**in_scheme, "pk": commitment.pk}),
        "support group member": (member, "support_group_member_edit", {**in_scheme, "organisation": capaci.pk, "pk": member.pk}),
        "good practice": (practice, "good_practice_edit", {"pk": practice.pk}),
        "visit": (visit, "visit_edit", {**in_scheme, "visit": visit.order}),
        "agenda session": (session, "session", {**in_scheme, "visit": visit.order, "session": session.pk}),
        "programme": (programme, "programme_edit", {}),
        "scheme": (scheme, "scheme_edit", in_scheme),
        "organisation": (capaci, "organisation_edit", {"pk": capaci.pk}),
        "benchmark draft": (draft, "benchmark_edit", {"pk": draft.pk}),
    }
