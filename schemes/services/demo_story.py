"""The demo's schemes in flight (issue 26): what a newcomer opens to see what good looks
like. IncluCities scheme 1 (Capaci – Mechelen) is mid-way: needs analysis and strengths
submitted, the mentor's good practice attached, both cities' self-assessment rounds
(the mentee's and the mentor's baselines), the focus agreed, the local support group, the
mayor's commitment, visit 1 held with its agenda, outcomes and report, the action plan
in two versions with comments; visit 2 is ahead. Scheme 2 (Saint-Jean-de-la-Ruelle –
City of Brussels, written in French by its people) is complete: the plan approved and
implemented, the final round of self-assessment, the closing review. Schemes 3 and 4
stay at the start.

Every write goes through the service a page calls, with the form that page posts, as
the demo person who would make it: the history and the activity log name them. Dates
are relative to the day the demo is loaded (scheme 1's first visit is past, its second
ahead; scheme 2's whole timeline is past), and each write is made on its day of that
timeline (``clock``): submitted, approved and recorded dates, the history and the
recent changes read in order. The texts are short, after the seeds'
examples (seed 000: Capaci transferred the "Buddy Project" from its mentor, Mechelen;
its mayor led the action plan); illustrative, not a record of what these cities did.
"""

import contextlib
import datetime
from types import SimpleNamespace

import time_machine
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mentoring.emails import notifications_mark_sent
from mentoring.forms import latest_history_id
from mentoring.models import Notification

from ..forms.action_plans import ActionCommentForm, ActionForm, UpdateForm
from ..forms.benchmark_stages import StageFocusForm
from ..forms.closing import DisseminationOutputForm, EvaluationForm, SupportGapForm
from ..forms.commitments import PoliticalCommitmentForm
from ..forms.meetings import MeetingForm
from ..forms.practices import GoodPracticeForm
from ..forms.questionnaires import SectionForm
from ..forms.support_groups import SupportGroupMemberForm
from ..forms.training import TrainingSessionForm
from ..forms.visit_reports import ReportItemForm, ReportResponseForm
from ..forms.visits import VisitForm, VisitRecordForm
from ..models import ActionPlan, MentoringEvaluation, SelfAssessment, TemplateKind, VisitReportItem
from .action_plans import (
    action_comment_add,
    action_save,
    need_take,
    plan_approve,
    plan_get_or_create,
    plan_submit,
    update_add,
    version_freeze,
)
from .closing_records import evaluation_save, evaluation_submit, gap_save, output_save
from .comments import comment_add
from .filling import response_get_or_create, response_submit, section_save, template_for, visible_questions
from .meetings import meeting_remove, meeting_save
from .practice import good_practice_save, strengths_practices_set
from .self_assessment import focus_agree, focus_save, round_save, round_start, round_submit, seen_version
from .setup import form_save_with_history
from .support_groups import member_add
from .visit_reports import item_respond, item_save, recommendation_to_action
from .visits import method_proposals, sessions_from_method, visit_position_of, visit_record_save, visit_save


class DemoFormError(Exception):
    """A demo form the page would refuse: the demo's data no longer fits the forms."""


@contextlib.contextmanager
def acting(user):
    """Writes inside are ``user``'s in the history too (as the request's user is on a page)."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


def valid(form):
    if not form.is_valid():
        raise DemoFormError(f"{type(form).__name__}: {form.errors.as_json()}")
    return form


def bound(form_class, data, *, instance=None, **kwargs):
    """``form_class`` posted with ``data`` (the version seen: the newest, as a page shows it)."""
    data = dict(data)
    if instance is not None:
        kwargs["instance"] = instance
        data.setdefault("seen_version", latest_history_id(instance))
    return valid(form_class(data, **kwargs))


# The day the demo is loaded, read once before any ``clock`` turns the time back.
TODAY = {}


def today():
    return TODAY.get("day") or timezone.localdate()


def ago(days):
    return today() - datetime.timedelta(days=days)


def ahead(days):
    return today() + datetime.timedelta(days=days)


@contextlib.contextmanager
def clock(day):
    """The writes inside are made on ``day`` (from 9:00, the clock running on): their
    timestamps, history and activity-log entries are dated then, as if the people had
    written them on that day, so a timeline reads in order. time-machine moves the
    standard library's clock (what ``timezone.now`` reads); nothing of Django is patched."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    with time_machine.travel(moment, tick=True):
        yield


def pks(objects):
    return [obj.pk for obj in objects]


@contextlib.contextmanager
def timeline():
    """``at(day)``: the writes from there on are made on ``day`` (``clock``), until the next."""
    current = []

    def at(day):
        if current:
            current.pop().__exit__(None, None, None)
        current.append(clock(day))
        current[-1].__enter__()

    try:
        yield at
    finally:
        if current:
            current.pop().__exit__(None, None, None)


# ---------------------------------------------------------------------------------------
# The steps, each as its page does it.


def fill(scheme, kind, city, by_section, submitter):
    """Answer the sections of ``city``'s document (``by_section``: {section key: (person,
    {question key: answer})}) and submit it."""
    template = template_for(scheme.programme, kind)
    response = response_get_or_create(scheme=scheme, template=template, organisation=city)
    sections = list(template.sections.order_by("order").prefetch_related("questions"))
    for section in sections:
        if section.key not in by_section:
            continue
        person, answers = by_section[section.key]
        questions = visible_questions(section)
        existing = {a.question_id: a for a in response.answers.filter(row=0)}
        form = valid(
            SectionForm(
                {f"q{q.pk}": answers.get(q.key, "") for q in questions},
                questions=questions,
                answers=existing,
            )
        )
        with acting(person):
            section_save(
                response=response,
                section=section,
                values=form.values(),
                seen={q.pk: existing[q.pk].version if q.pk in existing else 0 for q in questions},
                user=person,
            )
    with acting(submitter):
        state = response_submit(response=response, sections=sections, user=submitter)
    if not state.complete:
        raise DemoFormError(f"{kind} of {city}: unanswered {[q.key for _s, q in state.missing]}")
    return response


def assess(scheme, city, person, levels, *, previous=None, label=""):
    """One round of ``city``'s self-assessment (``levels``: {key factor number: (level,
    evidence, focus)}), submitted; a re-assessment after ``previous`` when given."""
    key_factors = list(scheme.benchmark.key_factors.order_by("order"))
    with acting(person):
        assessment = round_start(scheme=scheme, city=city, previous=previous, actor=person, label=label) if previous else None
        values = {}
        for kf in key_factors:
            level, evidence, focus = levels.get(kf.number, (None, "", False))
            values[kf.pk] = (level, evidence, focus)
        round_save(
            scheme=scheme,
            city=city,
            assessment=assessment,
            key_factors=key_factors,
            context_factors=[],
            values=values,
            notes={},
            seen=seen_version(assessment, key_factors=key_factors, context_factors=[]),
            user=person,
        )
        assessment = SelfAssessment.objects.filter(scheme=scheme, city=city).order_by("round").last()
        round_submit(assessment=assessment, scheme=scheme, city=city, actor=person)
    return assessment


def agree_focus(scheme, numbers, mentee, mentor):
    chosen = list(scheme.benchmark.key_factors.filter(number__in=numbers))
    form = bound(StageFocusForm, {"focus_key_factors": pks(chosen)}, instance=scheme, benchmark=scheme.benchmark)
    with acting(mentee):
        focus_save(form=form, roles={"mentee"}, actor=mentee)
    scheme.refresh_from_db()
    with acting(mentor):
        focus_agree(scheme=scheme, roles={"mentor"}, actor=mentor)


def support_group(scheme, city, person, members):
    for name, organisation, stakeholder_type, role in members:
        form = bound(
            SupportGroupMemberForm,
            {"name": name, "organisation": organisation, "stakeholder_type": stakeholder_type, "role": role},
            programme=scheme.programme,
        )
        with acting(person):
            member_add(scheme=scheme, city=city, form=form, actor=person)


def commitment(scheme, person, data):
    form = bound(PoliticalCommitmentForm, data)
    form.instance.scheme = scheme
    with acting(person):
        form_save_with_history(form, actor=person, action="commitment.added", scheme=scheme, reason="Recorded")


def schedule(scheme, person, dates, contacts=None):
    """Dates of the visits (``dates``: {order: (first day, last day, location)}) and
    whom to call (``contacts``: {order: (the visit's contact, {day: that day's contact})}:
    a day's own contact is given once the visit has its dates, as on the visit's form)."""
    for visit in scheme.visits.order_by("order"):
        if visit.order not in dates:
            continue
        first, last, location = dates[visit.order]
        contact, days = (contacts or {}).get(visit.order, ("", {}))
        data = {
            "title": visit.title,
            "host": visit.host_id,
            "mode": visit.mode,
            "kind": visit.kind,
            "status": "confirmed" if first < ahead(90) else "planned",
            "start_date": first,
            "end_date": last,
            "time_zone": visit.time_zone,
            "location": location,
            "contact": contact,
            "aim": visit.aim,
            "expected_outcome": visit.expected_outcome,
            "clarifying_questions": visit.clarifying_questions,
        }
        with acting(person):
            visit_save(form=bound(VisitForm, data, instance=visit, scheme=scheme), actor=person)
        if days:
            visit.refresh_from_db()
            data.update({f"{VisitForm.DAY_CONTACT_PREFIX}{day.isoformat()}": text for day, text in days.items()})
            with acting(person):
                visit_save(form=bound(VisitForm, data, instance=visit, scheme=scheme), actor=person)


def agenda(visit, person):
    """The visit's agenda started from the method's elements, as the "Start from the
    method" page proposes them."""
    rows = [row for row in method_proposals(visit, visit_position_of(visit)) if row["included"]]
    with acting(person):
        sessions_from_method(visit=visit, rows=rows, actor=person)


def held(scheme, visit, person, notes, outcomes, next_steps):
    data = {
        "status": "held",
        "notes": notes,
        "outcomes": outcomes,
        "next_steps": next_steps,
        "support_group_attendance": [],
    }
    with acting(person):
        visit_record_save(form=bound(VisitRecordForm, data, instance=visit, scheme=scheme), user=person)


def report(scheme, visit, person, items, responder=None):
    """The visit report's items (kind, text, key factor number or None, need or None,
    response or "")."""
    saved = []
    for kind, text, number, need, response in items:
        key_factor = scheme.benchmark.key_factors.filter(number=number).first() if number else None
        data = {"kind": kind, "text": text, "key_factor": key_factor.pk if key_factor else "", "need": need.pk if need else ""}
        form = bound(ReportItemForm, data, scheme=scheme)
        form.instance.visit = visit
        with acting(person):
            item = item_save(form=form, visit=visit, actor=person)
        if response and responder is not None:
            item = VisitReportItem.objects.get(pk=item.pk)
            with acting(responder):
                item_respond(form=bound(ReportResponseForm, {"response": response}, instance=item), visit=visit, actor=responder)
        saved.append(item)
    return saved


def add_action(scheme, plan, person, row):
    """One row of Annex 6: (action, outcomes, timeframe, due date, lead, resources,
    evaluation, key factor numbers, needs, good practice or None)."""
    text, outcomes, timeframe, due, lead, resources, evaluation, numbers, needs, practice = row
    data = {
        "action": text,
        "outcomes": outcomes,
        "timeframe": timeframe,
        "due_date": due,
        "lead": lead,
        "resources": resources,
        "evaluation": evaluation,
        "key_factors": pks(scheme.benchmark.key_factors.filter(number__in=numbers)),
        "needs": pks(needs),
        "transfers_practice": practice.pk if practice else "",
    }
    with acting(person):
        return action_save(form=bound(ActionForm, data, plan=plan), plan=plan, actor=person)


def action_comment(action, person, text):
    with acting(person):
        action_comment_add(form=bound(ActionCommentForm, {"text": text}), action=action, user=person)


def progress_update(action, person, date, status, progress, text):
    form = bound(UpdateForm, {"date": date, "status": status, "progress": progress, "text": text})
    with acting(person):
        update_add(form=form, action=action, user=person)


def meeting(scheme, person, data, participants):
    data = {"mode": "online", "time_zone": "Europe/Brussels", "participants": pks(participants), **data}
    with acting(person):
        return meeting_save(form=bound(MeetingForm, data, scheme=scheme), scheme=scheme, actor=person)


def practice_add(programme, person, city, data, key_factors):
    """A good practice of ``city`` in the programme's library, as its page records one."""
    form = bound(
        GoodPracticeForm,
        {**data, "city": city.pk, "key_factors": pks(key_factors)},
        programme=programme,
        cities=type(city).objects.filter(pk=city.pk),
    )
    with acting(person):
        return good_practice_save(form=form, programme=programme, user=person)


def need_from(plan, response, question_key, person):
    answer = response.answers.get(question__key=question_key, row=0)
    with acting(person):
        return need_take(plan=plan, answer=answer, actor=person)


# ---------------------------------------------------------------------------------------


def demo_story(programme, people):
    """Bring IncluCities' schemes 1 and 2 to where the module's docstring says (once: a
    scheme whose needs analysis was started is left as it is)."""
    TODAY["day"] = timezone.localdate()
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    scheme1 = programme.schemes.get(number=1)
    scheme2 = programme.schemes.get(number=2)
    if not programme.training_sessions.exists():
        training(programme, people)
    if untouched(scheme1, people["facilitator"]):
        with timeline() as at:
            scheme_in_flight(scheme1, people, at)
    if untouched(scheme2, people["facilitator"]):
        with timeline() as at:
            scheme_complete(scheme2, people, at)
    # The demo people find these notifications on their page, unread; none is e-mailed
    # (they tell of the demo's past, to example.org accounts): as if sent already.
    notifications_mark_sent(Notification.objects.filter(pk__gt=last, recipient__is_demo=True))


# What an earlier demo (before issue 26) put in scheme 1: two meetings, with visit 1 ahead.
EARLIER_DEMO_MEETINGS = ("Working meeting: the needs analysis", "Preparation of Setting the scene")


def untouched(scheme, facilitator):
    """Whether ``scheme`` is as the loader created it, so its story can be written: no
    document, plan or visit date yet. The meetings of an earlier demo go first (through
    the service, as the facilitator), so a database loaded before gets the story too;
    a scheme someone worked on in a demo database is left as it is."""
    if (
        scheme.responses.exists()
        or ActionPlan.objects.filter(scheme=scheme).exists()
        or scheme.visits.exclude(start_date=None).exists()
    ):
        return False
    for earlier in scheme.meetings.filter(title__in=EARLIER_DEMO_MEETINGS):
        with acting(facilitator):
            meeting_remove(meeting=earlier, scheme=scheme, actor=facilitator)
    return not scheme.meetings.exists()


def training(programme, people):
    """The facilitators' training of both sides (seed 000: mentoring and being mentored)."""
    coordinator = people["coordinator"]
    for title, date, attendees in [
        (
            "Training: how mentoring works, for mentors and mentees",
            ago(420),
            ["mentee.fr", "mentor.fr", "association.fr", "facilitator"],
        ),
        (
            "Training: how mentoring works, for mentors and mentees (second group)",
            ago(120),
            ["mentee", "mentee2", "mentor", "association", "facilitator"],
        ),
    ]:
        form = bound(
            TrainingSessionForm,
            {
                "title": title,
                "date": date,
                "mode": "online",
                "agenda": "1. The mentoring method and its steps\n2. Mentoring styles: what each side expects\n3. Questions and answers",
                "attendees": [people[key].pk for key in attendees],
            },
            people=type(people["coordinator"]).objects.filter(pk__in=[p.pk for p in people.values()]),
        )
        form.instance.programme = programme
        with acting(coordinator), clock(date - datetime.timedelta(days=21)):
            form_save_with_history(form, actor=coordinator, action="training.added", programme=programme, reason="Planned")


# Scheme 1: Capaci – Mechelen, in English, mid-way.

CAPACI_NEEDS = {
    "challenge": "Newcomers in Capaci, most of them young people from West Africa and families from Tunisia, find no single place to turn to: "
    "information is scattered between the social services, the school and the parish, and many feel isolated.",
    "cross-cutting-topics": "Gender (women arriving through family reunification rarely leave home) and young people.",
    "reasons": "A small town can only welcome well if residents take part; we want newcomers and long-term residents to meet and know each other.",
    "learning": "How a middle-sized city organises volunteers to accompany newcomers, and how it keeps them motivated.",
    "desired-impact": "Every newcomer has a local contact within a month of arriving; more newcomers take part in the town's associations.",
    "key-actors": "The parish Caritas, the secondary school, the sports clubs, the Palermo prefecture, the reception centre SAI.",
    "actor-challenges": "The associations work well but apart; no one convenes them. The reception centre reports to the prefecture, not to us.",
    "existing-resources": "A mayor committed to integration, an active volunteer base, the social services' integration officer.",
    "obstacles": "A small team (one officer part-time on integration), no dedicated budget line, staff turnover.",
    "action-plan-people": "a) The integration officer, social services, the associations; b) the municipal council (giunta).",
    "other-benefits": "Visibility for Capaci's work and contacts with other Italian and Belgian towns.",
}
CAPACI_CONTEXT = {
    "migration-trends": "Arrivals rose after 2015 with the reception centre; since then mostly family reunification and young adults staying on.",
    "inhabitants": "11000",
    "migrant-population": "600",
    "main-nationalities": "Tunisian\nNigerian\nGambian\nRomanian",
    "annual-budget": "9500000",
    "integration-budget-share": "1",
    "key-policies": "The regional integration plan of Sicily; the municipal social plan; the SAI reception project.",
    "other-factors": "A seaside town near Palermo: seasonal work, long commutes, few public spaces open all year.",
}
AICCRE_CONTEXT = {
    "typicality": "Typical of small southern Italian towns: reception led by the state, integration left to towns with few means.",
    "association-relations": "AICCRE represents Italian towns in European networks and runs training for municipal staff.",
    "supportive-framework": "The national framework funds reception (SAI) but little for integration after it.",
    "shared-objectives": "Shared in words; funding and coordination lag behind.",
    "national-factors": "Frequent changes in national migration law make planning difficult for towns.",
    "mutual-learning": "Thematic webinars, study visits, a newsletter on European programmes.",
}
MECHELEN_STRENGTHS = {
    "policy-areas": "Reception and orientation of newcomers, diversity in the city's services, citizens' participation.",
    "good-practice": "The Buddy Project: volunteers from Mechelen each accompany a newcomer for six months.",
    "other-actors": "The social welfare centre (OCMW), the Flemish integration agency, neighbourhood associations.",
}
MECHELEN_CONTEXT = {
    "migration-trends": "A city of 138 nationalities; newcomers have become a third of the population in twenty years.",
    "inhabitants": "87000",
    "migrant-population": "30000",
    "main-nationalities": "Moroccan\nSyrian\nAfghan\nEritrean",
    "annual-budget": "250000000",
    "integration-budget-share": "2",
    "key-policies": '"Mechelen, a city for all": a diversity plan across every department, with one welcome desk.',
    "other-factors": "A strong network of volunteers and a long tradition of working with neighbourhood associations.",
}

CAPACI_LEVELS = {
    "1": (3, "The mayor speaks publicly for integration; no council resolution yet.", False),
    "2": (1, "Informal knowledge only; this needs analysis is the first written one.", False),
    "3": (0, "No strategy document.", False),
    "4": (1, "The social services answer questions when asked; no welcome desk.", True),
    "5": (2, "Good contacts with the parish and the school, not organised.", True),
    "6": (1, "One officer; no training on migrants' needs.", False),
    "8": (1, "A summer festival; nothing during the year.", True),
    "12": (1, "News on the town's Facebook page.", False),
}
MECHELEN_LEVELS = {
    "1": (4, "Cross-party commitment renewed each term.", False),
    "2": (4, "A yearly monitor of the newcomers' situation.", False),
    "3": (4, "The diversity plan, adopted by the council.", False),
    "4": (4, "One welcome desk for every newcomer.", False),
    "5": (3, "Partnerships with 40 associations.", False),
    "8": (4, "The Buddy Project and neighbourhood activities.", False),
}

BUDDY = {
    "title": "Buddy Project: a volunteer at every newcomer's side",
    "theme": "Reception and social inclusion",
    "where": "Mechelen (Belgium)",
    "lead_agencies": "City of Mechelen, integration service, with the social welfare centre",
    "context": "Newcomers had services but few personal contacts with residents.",
    "description": "Each newcomer is paired with a volunteer from Mechelen for six months: they meet every week, "
    "go to appointments, practise Dutch and discover the city's associations.",
    "resources": "One coordinator, a training day for volunteers, a small budget for activities.",
    "results": "More than 200 pairs a year; most newcomers join an association or a course.",
    "success_factors": "Careful matching, training and follow-up of the volunteers.",
    "risks": "Volunteers leaving early; pairs that do not get on.",
    "transferability": "Works in a small town with an existing volunteer network.",
    "contact": "Integration service, City of Mechelen",
}


def scheme_in_flight(scheme, people, at):
    mentee, mentee2, mentor = people["mentee"], people["mentee2"], people["mentor"]
    association, facilitator = people["association"], people["facilitator"]
    programme = scheme.programme
    parties = {p.organisation.name: p.organisation for p in scheme.parties.select_related("organisation")}
    capaci, mechelen = parties["Capaci"], parties["Mechelen"]

    at(ago(160))
    needs = fill(
        scheme,
        TemplateKind.NEEDS_ANALYSIS,
        capaci,
        {
            "mentee-needs": (mentee, CAPACI_NEEDS),
            "local-context": (mentee2, CAPACI_CONTEXT),
            "national-context": (association, AICCRE_CONTEXT),
        },
        mentee,
    )
    question = needs.answers.get(question__key="obstacles", row=0).question
    with acting(mentor):
        comment_add(
            response=needs,
            section=question.section,
            question=question,
            author=mentor,
            text="Mechelen started with one part-time officer too: volunteers made the difference. Let us talk about it at the first visit.",
        )

    at(ago(150))
    buddy = practice_add(programme, mentor, mechelen, BUDDY, scheme.benchmark.key_factors.filter(number__in=["4", "8"]))
    strengths = fill(
        scheme,
        TemplateKind.STRENGTHS,
        mechelen,
        {"mentor-strengths": (mentor, MECHELEN_STRENGTHS), "local-context": (mentor, MECHELEN_CONTEXT)},
        mentor,
    )
    with acting(mentor):
        strengths_practices_set(response=strengths, shown=[], chosen=[buddy.pk], actor=mentor)

    at(ago(130))
    baseline = assess(scheme, capaci, mentee, CAPACI_LEVELS)
    assess(scheme, mechelen, mentor, MECHELEN_LEVELS)
    agree_focus(scheme, ["4", "5", "8"], mentee, mentor)

    at(ago(110))
    support_group(
        scheme,
        capaci,
        mentee,
        [
            ("Giuseppe Russo", "Caritas parish of Capaci", "ngo", "Runs the weekly help desk"),
            ("Aminata Diallo", "Association of Gambian youth of Palermo", "migrant_association", "Speaks for young newcomers"),
            ("Rosa Lombardo", "Istituto comprensivo Capaci", "public_agency", "Head teacher"),
            ("Salvatore Greco", "ASD Capaci football club", "other", "Opens the club to newcomers"),
        ],
    )
    at(ago(100))
    commitment(
        scheme,
        mentee,
        {
            "name": "Pietro Puccio",
            "office": "Mayor of Capaci",
            "party": "",
            "cross_party": "on",
            "date": ago(150),
            "scope": "both",
            "evidence": "Letter of the mayor to the mentoring partners; the council's resolution to take part in IncluCities.",
        },
    )

    at(ago(90))
    schedule(
        scheme,
        facilitator,
        {
            1: (ago(40), ago(39), "Town hall of Capaci, Sala consiliare"),
            2: (ahead(45), ahead(47), "Mechelen city hall"),
            3: (ahead(150), ahead(151), "Town hall of Capaci"),
        },
        contacts={
            1: (
                "Giulia Ferrante, social services, Capaci town hall, +39 091 555 0142",
                {ago(39): "Salvatore Greco, parish youth centre, +39 091 555 0177"},
            ),
            2: ("Integration service, Mechelen city hall, +32 15 555 0100", {}),
        },
    )
    visit1, visit2 = scheme.visits.get(order=1), scheme.visits.get(order=2)
    agenda(visit1, facilitator)
    agenda(visit2, facilitator)

    at(ago(60))
    plan = plan_get_or_create(scheme=scheme)
    contact_need = need_from(plan, needs, "challenge", mentee)
    staff_need = need_from(plan, needs, "obstacles", mentee)
    buddy_action = add_action(
        scheme,
        plan,
        mentee,
        (
            "Pilot a Buddy Project in Capaci: 15 pairs of a volunteer and a newcomer",
            "15 newcomers accompanied for six months; volunteers trained",
            "Spring to autumn",
            ahead(240),
            "Integration officer, with Caritas",
            "Volunteers' training by Mechelen; 3,000 EUR from the social plan",
            "Number of pairs; newcomers' and volunteers' feedback",
            ["4", "8"],
            [contact_need],
            buddy,
        ),
    )
    desk_action = add_action(
        scheme,
        plan,
        mentee2,
        (
            "Open a weekly welcome desk for newcomers at the social services",
            "One place where newcomers find information and a contact",
            "From next term",
            ahead(120),
            "Social services",
            "Two hours a week of the social services officer",
            "Visits to the desk each month",
            ["4"],
            [contact_need, staff_need],
            None,
        ),
    )
    at(ago(50))
    action_comment(buddy_action, mentor, "Start with fewer pairs and train the volunteers first: our first round had 8 pairs.")

    at(visit1.end_date)
    held(
        scheme,
        visit1,
        facilitator,
        "Two days in Capaci with the mayor, the support group and the mentor team from Mechelen.",
        "The focus agreed: first contact, partnerships, mixing. Capaci will pilot Mechelen's Buddy Project.",
        "Mechelen sends its volunteers' training material; Capaci drafts the second version of the plan before visit 2.",
    )
    at(ago(35))
    items = report(
        scheme,
        visit1,
        facilitator,
        [
            (
                "challenge",
                "No one convenes the associations: they work apart.",
                "5",
                staff_need,
                "The support group will meet every two months.",
            ),
            ("risk", "The pilot depends on one part-time officer.", "6", staff_need, ""),
            ("recommendation", "Appoint a volunteer coordinator in the parish to share the officer's load.", "5", staff_need, ""),
        ],
        responder=mentee,
    )
    at(ago(25))
    with acting(mentee):
        coordinator_action, _made = recommendation_to_action(item=items[-1], scheme=scheme, actor=mentee)
    at(ago(20))
    action_comment(desk_action, mentor, "Our welcome desk began with two hours a week as well; publish the hours at the school.")
    at(ago(10))
    with acting(mentee):
        version_freeze(plan=plan, label="Second draft, for visit 2", user=mentee)

    at(ago(3))
    meeting(
        scheme,
        facilitator,
        {
            "purpose": "working",
            "title": "Working meeting: the second draft of the action plan",
            "date": ahead(7),
            "start_time": "10:00",
            "end_time": "11:30",
            "time_zone": "Europe/Rome",
            "link": "https://meet.example.org/capaci-mechelen",
            "agenda": "1. The second draft of the action plan\n2. The volunteers' training material",
        },
        [facilitator, mentee, mentor, association],
    )
    meeting(
        scheme,
        facilitator,
        {
            "purpose": "preparation",
            "visit": visit2.pk,
            "title": f"Preparation of {visit2.title}",
            "date": ahead(21),
            "start_time": "14:00",
            "end_time": "16:00",
            "time_zone": "Europe/Rome",
            "link": "https://meet.example.org/capaci-mechelen",
            "agenda": "The technical side of the visit: programme, stakeholders to meet, interpreting.",
        },
        [facilitator, mentee, mentor, association],
    )
    return baseline, coordinator_action


# Scheme 2: Saint-Jean-de-la-Ruelle – City of Brussels, in French, complete.

SJR_NEEDS = {
    "challenge": "Mieux connaître les besoins des habitants migrants, en particulier des femmes arrivées par regroupement familial, "
    "pour construire une approche de l'intégration attentive au genre.",
    "cross-cutting-topics": "L'égalité entre les femmes et les hommes ; l'accès aux droits.",
    "reasons": "Nos services s'adressent à tous mais les femmes migrantes les utilisent peu ; nous ne savons pas pourquoi.",
    "learning": "Comment Bruxelles mène ses diagnostics de quartier et associe les habitantes.",
    "desired-impact": "Un diagnostic partagé et un plan d'action adopté par le conseil municipal.",
    "key-actors": "Le centre communal d'action sociale, les centres sociaux, la préfecture, les associations de femmes.",
    "actor-challenges": "Les associations sont peu associées aux décisions de la ville.",
    "existing-resources": "Deux centres sociaux très fréquentés, une médiatrice sociale, un réseau associatif actif.",
    "obstacles": "Pas de données sur les habitants migrants ; peu de temps des agents pour une démarche nouvelle.",
    "action-plan-people": "a) La direction de la cohésion sociale, les centres sociaux ; b) le conseil municipal.",
    "other-benefits": "Un regard extérieur sur nos pratiques et un réseau européen.",
}
SJR_CONTEXT = {
    "migration-trends": "Une population immigrée stable depuis vingt ans, plus de regroupement familial depuis 2015.",
    "inhabitants": "16000",
    "migrant-population": "2400",
    "main-nationalities": "Marocaine\nTurque\nPortugaise\nAlgérienne",
    "annual-budget": "21000000",
    "integration-budget-share": "1",
    "key-policies": "Le contrat de ville de la métropole d'Orléans ; le projet social des centres sociaux.",
    "other-factors": "Une commune de la banlieue d'Orléans avec deux quartiers prioritaires.",
}
AFCCRE_CONTEXT = {
    "typicality": "Typique des communes de banlieue françaises : l'intégration relève surtout de l'État et de la politique de la ville.",
    "association-relations": "L'AFCCRE représente les collectivités françaises au CCRE et les accompagne dans les programmes européens.",
    "supportive-framework": "Un cadre national fort pour l'accueil des primo-arrivants, peu de moyens pour les communes.",
    "shared-objectives": "Des objectifs partagés, une coordination inégale selon les préfectures.",
    "national-factors": "Le contrat d'intégration républicaine fixe le parcours des nouveaux arrivants.",
    "mutual-learning": "Des groupes de travail thématiques et des rencontres entre élus.",
}
BRUSSELS_STRENGTHS = {
    "policy-areas": "Les diagnostics de quartier participatifs ; l'égalité des chances ; l'accueil des primo-arrivants.",
    "good-practice": "Les « marches exploratoires » de femmes dans les quartiers, qui ont changé l'aménagement de l'espace public.",
    "other-actors": "Les maisons de quartier, le CPAS, les associations de femmes.",
}
BRUSSELS_CONTEXT = {
    "migration-trends": "Une ville où plus de la moitié des habitants sont d'origine étrangère ; 180 nationalités.",
    "inhabitants": "190000",
    "migrant-population": "110000",
    "main-nationalities": "Marocaine\nFrançaise\nRoumaine\nItalienne",
    "annual-budget": "900000000",
    "integration-budget-share": "2",
    "key-policies": "Le plan égalité des chances ; le parcours d'accueil obligatoire de la Région.",
    "other-factors": "Une ville-région bilingue avec de nombreux niveaux de pouvoir.",
}
SJR_LEVELS = {
    "1": (2, "Le maire soutient la démarche ; pas encore de délibération.", False),
    "2": (1, "Aucun diagnostic écrit des besoins.", True),
    "3": (0, "Pas de stratégie.", False),
    "5": (2, "Les centres sociaux travaillent avec les associations.", False),
    "6": (1, "Les agents ne sont pas formés aux besoins des migrants.", True),
    "11": (0, "Aucun suivi.", True),
}
SJR_FINAL = {
    "1": (3, "Délibération du conseil municipal adoptant le plan.", False),
    "2": (3, "Diagnostic réalisé avec 60 habitantes.", True),
    "3": (2, "Le plan d'action tient lieu de stratégie.", False),
    "5": (3, "Un comité des associations se réunit chaque trimestre.", False),
    "6": (2, "Vingt agents formés.", True),
    "11": (2, "Trois indicateurs suivis chaque année.", True),
}
BRUSSELS_LEVELS = {
    "1": (4, "Un échevin de l'égalité des chances.", False),
    "2": (4, "Des diagnostics de quartier tous les trois ans.", False),
    "6": (3, "Formation continue des agents d'accueil.", False),
    "11": (3, "Un observatoire de la diversité.", False),
}


def scheme_complete(scheme, people, at):
    mentee, mentor, association = people["mentee.fr"], people["mentor.fr"], people["association.fr"]
    facilitator = people["facilitator"]
    programme = scheme.programme
    parties = {p.organisation.name: p.organisation for p in scheme.parties.select_related("organisation")}
    city, mentor_city = parties["Saint-Jean-de-la-Ruelle"], parties["City of Brussels"]

    at(ago(480))
    needs = fill(
        scheme,
        TemplateKind.NEEDS_ANALYSIS,
        city,
        {
            "mentee-needs": (mentee, SJR_NEEDS),
            "local-context": (mentee, SJR_CONTEXT),
            "national-context": (association, AFCCRE_CONTEXT),
        },
        mentee,
    )
    at(ago(470))
    walks = practice_add(
        programme,
        mentor,
        mentor_city,
        {
            "title": "Marches exploratoires de femmes",
            "theme": "Participation et égalité",
            "where": "Bruxelles (Belgique)",
            "lead_agencies": "Ville de Bruxelles, service de l'égalité des chances",
            "description": "Des groupes d'habitantes parcourent leur quartier avec les services de la ville et proposent des changements.",
            "results": "Éclairage, bancs et horaires des équipements revus dans trois quartiers.",
        },
        scheme.benchmark.key_factors.filter(number__in=["2", "8"]),
    )
    strengths = fill(
        scheme,
        TemplateKind.STRENGTHS,
        mentor_city,
        {"mentor-strengths": (mentor, BRUSSELS_STRENGTHS), "local-context": (mentor, BRUSSELS_CONTEXT)},
        mentor,
    )
    with acting(mentor):
        strengths_practices_set(response=strengths, shown=[], chosen=[walks.pk], actor=mentor)
    at(ago(460))
    baseline = assess(scheme, city, mentee, SJR_LEVELS)
    mentor_baseline = assess(scheme, mentor_city, mentor, BRUSSELS_LEVELS)
    agree_focus(scheme, ["2", "6", "11"], mentee, mentor)
    at(ago(450))
    support_group(
        scheme,
        city,
        mentee,
        [
            ("Fatima El Amrani", "Association Femmes solidaires", "migrant_association", "Porte la parole des habitantes"),
            ("Jean Petit", "Centre social Colette", "ngo", "Directeur du centre social"),
            ("Claire Rousseau", "CCAS de Saint-Jean-de-la-Ruelle", "council_officer", "Responsable de l'accès aux droits"),
        ],
    )
    at(ago(445))
    commitment(
        scheme,
        mentee,
        {
            "name": "Le maire de Saint-Jean-de-la-Ruelle",
            "office": "Maire",
            "party": "",
            "cross_party": "on",
            "date": ago(470),
            "scope": "both",
            "evidence": "Délibération du conseil municipal engageant la ville dans IncluCities.",
        },
    )
    at(ago(440))
    schedule(
        scheme,
        facilitator,
        {
            1: (ago(400), ago(399), "Mairie de Saint-Jean-de-la-Ruelle"),
            2: (ago(300), ago(298), "Hôtel de ville de Bruxelles"),
            3: (ago(200), ago(199), "Mairie de Saint-Jean-de-la-Ruelle"),
        },
    )
    visits = list(scheme.visits.order_by("order"))
    for visit in visits:
        agenda(visit, facilitator)

    at(ago(420))
    plan = plan_get_or_create(scheme=scheme)
    need = need_from(plan, needs, "challenge", mentee)
    data_need = need_from(plan, needs, "obstacles", mentee)
    rows = [
        (
            "Réaliser un diagnostic des besoins des habitantes migrantes avec les centres sociaux",
            "Un diagnostic partagé, présenté au conseil municipal",
            "Six mois",
            ago(150),
            "Direction de la cohésion sociale",
            "Une médiatrice, les deux centres sociaux",
            "Nombre d'habitantes rencontrées ; présentation au conseil",
            ["2"],
            [need, data_need],
            None,
        ),
        (
            "Organiser des marches exploratoires de femmes dans les deux quartiers prioritaires",
            "Des propositions d'aménagement portées par les habitantes",
            "Un an",
            ago(60),
            "Service urbanisme, avec les centres sociaux",
            "Accompagnement par la Ville de Bruxelles",
            "Nombre de marches ; propositions retenues",
            ["2"],
            [need],
            walks,
        ),
        (
            "Former les agents d'accueil aux besoins des personnes migrantes",
            "Vingt agents formés",
            "Un an",
            ago(40),
            "Ressources humaines",
            "Formation par le CNFPT",
            "Nombre d'agents formés ; évaluation des stagiaires",
            ["6"],
            [data_need],
            None,
        ),
    ]
    actions = [add_action(scheme, plan, mentee, rows[0])]
    notes = [
        (
            "Première visite : rencontre avec le maire, les centres sociaux et le groupe de soutien.",
            "Le diagnostic des besoins des habitantes est la première action.",
            "Bruxelles envoie sa méthode de diagnostic de quartier.",
        ),
        (
            "Visite d'étude à Bruxelles : marche exploratoire dans le quartier des Marolles.",
            "Saint-Jean-de-la-Ruelle transfère les marches exploratoires.",
            "Rédiger la version finale du plan d'action.",
        ),
        (
            "Dernière visite : présentation du plan d'action aux élus.",
            "Le plan d'action est prêt pour son adoption.",
            "Soumettre le plan au conseil municipal.",
        ),
    ]
    for index, visit in enumerate(visits):
        at(visit.start_date - datetime.timedelta(days=10))
        if index == 1:
            actions.append(add_action(scheme, plan, mentee, rows[1]))
            action_comment(
                actions[0],
                mentor,
                "Associez les habitantes dès la conception du questionnaire : c'est ce qui a marché chez nous.",
            )
        if index == 2:
            actions.append(add_action(scheme, plan, mentee, rows[2]))
        at(visit.end_date)
        held(scheme, visit, facilitator, *notes[index])
        if index == 0:
            at(visit.end_date + datetime.timedelta(days=3))
            report(
                scheme,
                visit,
                facilitator,
                [
                    (
                        "challenge",
                        "Aucune donnée sur les habitants migrants.",
                        "2",
                        data_need,
                        "Le diagnostic commence en janvier.",
                    ),
                    ("recommendation", "S'appuyer sur les centres sociaux pour rencontrer les habitantes.", "2", need, ""),
                ],
                responder=mentee,
            )
    at(ago(195))
    with acting(mentee):
        plan_submit(plan=plan, user=mentee)
    plan.refresh_from_db()
    at(ago(190))
    with acting(facilitator):
        plan_approve(plan=plan, user=facilitator, decision_reference="Délibération du conseil municipal n° 2025-48")
    updates = [
        (actions[0], ago(170), "in_progress", 60, "Quarante habitantes rencontrées dans les centres sociaux."),
        (actions[0], ago(150), "done", 100, "Diagnostic présenté au conseil municipal."),
        (actions[1], ago(90), "in_progress", 50, "Deux marches réalisées, une troisième prévue."),
        (actions[1], ago(60), "done", 100, "Trois marches ; l'éclairage de la rue des Tilleuls est revu."),
        (actions[2], ago(40), "done", 100, "Vingt-deux agents formés en deux sessions."),
    ]
    for action, date, status, percent, text in updates:
        at(date)
        action.refresh_from_db()
        progress_update(action, mentee, date, status, percent, text)
    at(ago(38))
    action_comment(actions[1], mentor, "Bravo : trois marches en un an, c'est plus que notre premier quartier.")

    at(ago(36))
    assess(scheme, city, mentee, SJR_FINAL, previous=baseline, label="Évaluation finale")
    assess(scheme, mentor_city, mentor, BRUSSELS_LEVELS, previous=mentor_baseline, label="Évaluation finale")

    at(ago(34))
    meeting(
        scheme,
        facilitator,
        {
            "purpose": "final",
            "title": "Réunion finale : ce que chacun a appris",
            "date": ago(30),
            "start_time": "10:00",
            "end_time": "12:00",
            "time_zone": "Europe/Paris",
            "link": "https://meet.example.org/saint-jean-bruxelles",
            "agenda": "1. Les résultats du plan d'action\n2. Ce que chacun a appris\n3. La suite",
            "decisions": "Les deux villes gardent un contact annuel.",
        },
        [facilitator, mentee, mentor, association],
    )
    at(ago(28))
    evaluations = [
        (
            "mentee",
            mentee,
            "Écouter les habitantes avant d'écrire le plan.",
            "La visite d'étude à Bruxelles.",
            "Plus de temps entre les visites.",
        ),
        (
            "mentor",
            mentor,
            "Nos méthodes se transfèrent à une petite commune.",
            "Le travail avec le groupe de soutien.",
            "Rien d'important.",
        ),
        (
            "facilitation",
            facilitator,
            "Un binôme bien assorti avance vite.",
            "Les réunions en ligne entre les visites.",
            "Former plus tôt le groupe de soutien.",
        ),
    ]
    for side, person, learned, worked, change in evaluations:
        form = bound(
            EvaluationForm,
            {"learned": learned, "worked": worked, "change": change, "again": "true"},
            instance=MentoringEvaluation(scheme=scheme, side=side),
        )
        with acting(person):
            evaluation = evaluation_save(form=form, scheme=scheme, side=side, actor=person)
            evaluation_submit(evaluation=evaluation, scheme=scheme, actor=person)
    at(ago(20))
    with acting(mentee):
        output_save(
            form=bound(
                DisseminationOutputForm,
                {
                    "kind": "closing_event",
                    "title": "Restitution publique du plan d'action",
                    "date": ago(20),
                    "audience": "Habitants, associations, élus",
                    "notes": "Cent personnes au centre social Colette.",
                },
            ),
            scheme=scheme,
            actor=mentee,
        )
    at(ago(18))
    with acting(association):
        gap_save(
            form=bound(
                SupportGapForm,
                {
                    "level": "national",
                    "issue": "Les communes n'ont pas accès aux données de l'État sur les primo-arrivants.",
                    "would_help": "Un partage annuel des données par la préfecture.",
                },
            ),
            scheme=scheme,
            actor=association,
        )
