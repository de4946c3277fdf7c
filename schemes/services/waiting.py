"""What waits for someone else once one's own part is done (the home page's "Waiting for
others"), and the polite reminder one may send them, at most once a day.

- a needs analysis or strengths document in draft whose sections of the person's part
  (the city, its association, the facilitator: ``TemplateSection.filled_by``) are all
  answered, while another part is not: it waits for the officers of that part; all parts
  answered but not submitted: it waits for the city, which submits it;
- an action plan submitted for approval: it waits for the mentee city, which records the
  approval; in a community of practice, a city's own plan waits for that city's officers.

Read from every scheme the person acts in, in a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentoring.tasks import email_enqueue

from ..focus import in_scope
from ..models import (
    ActionPlanStatus,
    Answer,
    OrganisationKind,
    Question,
    Reminder,
    ResponseStatus,
    Side,
    TemplateKind,
)
from .filling import progress
from .my_work import _url, scope_for

# The document slugs of the reminder's address, and the page of each.
DOCUMENTS = {"needs-analysis": "needs_analysis", "strengths": "strengths", "action-plan": "action_plan"}
SLUG = {TemplateKind.NEEDS_ANALYSIS: "needs-analysis", TemplateKind.STRENGTHS: "strengths"}
# The part of a document each role writes, and the part that submits it.
PART_OF_ROLE = {"mentee": "mentee", "mentor": "mentor", "association": "association", "facilitator": "facilitator"}
SUBMITTER = {TemplateKind.NEEDS_ANALYSIS: "mentee", TemplateKind.STRENGTHS: "mentor"}


@dataclass
class Waiting:
    scheme: object
    document: str  # a key of DOCUMENTS
    organisation: object  # the city whose document it is
    title: str
    url: str
    whom: list = field(default_factory=list)  # [(organisation or role label, [person])]
    sent_at: datetime.datetime | None = None  # the person's reminder of today

    @property
    def people(self):
        return [person for _label, people in self.whom for person in people]

    @property
    def remind_url(self):
        return reverse(
            "schemes:polite_reminder",
            kwargs={
                "programme": self.scheme.programme.slug,
                "number": self.scheme.number,
                "document": self.document,
                "organisation": self.organisation.pk,
            },
        )


def reminder_key(scheme, document, organisation, today):
    return f"nudge:{scheme.pk}:{document}:{organisation.pk}:{today.isoformat()}"


def _whom(roles, part, organisation, side, user):
    """[(label, [person])] of the officers writing ``part`` of ``organisation``'s document."""
    groups = defaultdict(list)
    for role in roles:
        if role.user_id == user.pk or role.role != part:
            continue
        if part in ("mentee", "mentor") and (role.party is None or role.party.organisation_id != organisation.pk):
            continue
        if part == "association" and (role.party is None or role.party.side != side):
            continue
        label = role.party.organisation.label if role.party else role.get_role_display()
        if role.user not in groups[label]:
            groups[label].append(role.user)
    return sorted(groups.items())


def waiting_for_others(user, today=None, scope=None):
    """What waits for someone else once the person's part is done. ``scope``: what the
    home page reads once for this list and the tasks (schemes.services.my_work)."""
    today = today or timezone.localdate()
    scope = scope or scope_for(user)
    mine = sorted((role for role in scope.mine if role.role in PART_OF_ROLE), key=lambda role: role.pk)
    if not mine:
        return []
    schemes = {role.scheme_id: role.scheme for role in mine}
    people = defaultdict(list)
    for role in sorted(scope.roles, key=lambda role: role.pk):
        if role.scheme_id in schemes and role.user.is_active:
            people[role.scheme_id].append(role)
    sides, mentee_cities = {}, defaultdict(list)
    for party in scope.parties:
        if party.scheme_id not in schemes:
            continue
        sides[(party.scheme_id, party.organisation_id)] = party.side
        if party.side in (Side.MENTEE, Side.PEER) and party.organisation.kind == OrganisationKind.CITY:
            mentee_cities[party.scheme_id].append(party.organisation)
    responses = [
        response
        for response in scope.responses
        if response.scheme_id in schemes
        and response.status == ResponseStatus.DRAFT
        and response.template.kind in (TemplateKind.NEEDS_ANALYSIS, TemplateKind.STRENGTHS)
        # Nobody is asked for a step outside the scheme's focus (schemes/focus.py).
        and in_scope(schemes[response.scheme_id], response.template.kind)
    ]
    # The templates' sections with their questions, in one query (for ``progress``).
    sections, questions = {}, defaultdict(list)
    for question in Question.objects.filter(section__template_id__in={r.template_id for r in responses}).select_related(
        "section"
    ):
        sections.setdefault(question.section_id, question.section)
        questions[question.section_id].append(question)
    template_sections = defaultdict(list)
    for section in sorted(sections.values(), key=lambda section: (section.template_id, section.order)):
        template_sections[section.template_id].append(section)
    answers = defaultdict(dict)
    for answer in Answer.objects.filter(response__in=[r.pk for r in responses], row=0):
        answers[answer.response_id][answer.question_id] = answer

    result = []
    for response in responses:
        scheme = schemes[response.scheme_id]
        city, kind = response.organisation, response.template.kind
        side = sides.get((scheme.pk, city.pk))
        parts = defaultdict(list)
        for section in template_sections[response.template_id]:
            parts[section.filled_by].append(section)
        complete = {
            part: progress(part_sections, answers[response.pk], questions=questions).complete
            for part, part_sections in parts.items()
        }
        for role in mine:
            if role.scheme_id != scheme.pk:
                continue
            part = PART_OF_ROLE[role.role]
            if part in ("mentee", "mentor") and (role.party is None or role.party.organisation_id != city.pk):
                continue
            if part == "association" and (role.party is None or role.party.side != side):
                continue
            if not complete.get(part):
                continue
            pending = [p for p in parts if not complete[p] and p != part] or (
                [SUBMITTER[kind]] if SUBMITTER[kind] != part else []
            )
            whom = [group for p in pending for group in _whom(people[scheme.pk], p, city, side, user)]
            if whom:
                title = (
                    _("Needs analysis of %(city)s")
                    if kind == TemplateKind.NEEDS_ANALYSIS
                    else _("Strengths and experience of %(city)s")
                ) % {"city": city.label}
                url = _url(kind, scheme, organisation=city.pk)
                result.append(Waiting(scheme, SLUG[kind], city, title, url, whom))
                break
    for scheme_id in sorted(
        scheme for scheme, status in scope.plans.items() if scheme in schemes and status == ActionPlanStatus.SUBMITTED
    ):
        scheme = schemes[scheme_id]
        if not in_scope(scheme, "approval"):
            continue
        if not mentee_cities[scheme_id] or any(r.role == "mentee" and r.scheme_id == scheme_id for r in mine):
            continue  # the mentee city approves: it is its own task
        city = mentee_cities[scheme_id][0]
        whom = [
            group for other in mentee_cities[scheme_id] for group in _whom(people[scheme_id], "mentee", other, Side.MENTEE, user)
        ]
        if whom:
            result.append(
                Waiting(scheme, "action-plan", city, _("Approval of the action plan"), _url("action_plan", scheme), whom)
            )
    # A community of practice: each city's own plan, submitted, waits for that city's
    # officers, who record its approval (the other cities, facilitator and associations wait).
    cities = {party.organisation_id: party.organisation for party in scope.parties}
    for (scheme_id, city_id), status in sorted(scope.city_plans.items()):
        if scheme_id not in schemes or status != ActionPlanStatus.SUBMITTED:
            continue
        scheme = schemes[scheme_id]
        if not in_scope(scheme, "approval") or city_id not in cities:
            continue
        if any(r.scheme_id == scheme_id and r.party is not None and r.party.organisation_id == city_id for r in mine):
            continue  # the city approves its own plan: it is its own task
        city = cities[city_id]
        whom = _whom(people[scheme_id], "mentee", city, Side.PEER, user) + _whom(
            people[scheme_id], "mentor", city, Side.PEER, user
        )
        if whom:
            result.append(
                Waiting(
                    scheme,
                    "action-plan",
                    city,
                    _("Approval of %(city)s's action plan") % {"city": city.label},
                    _url("city_action_plan", scheme, city=city_id),
                    whom,
                )
            )
    sent = dict(
        Reminder.objects.filter(
            user=user, key__in=[reminder_key(w.scheme, w.document, w.organisation, today) for w in result]
        ).values_list("key", "sent_at")
    )
    for item in result:
        item.sent_at = sent.get(reminder_key(item.scheme, item.document, item.organisation, today))
    return result


class AlreadySent(Exception):
    def __init__(self, sent_at):
        self.sent_at = sent_at


def polite_reminder_send(*, item, user, today=None):
    """E-mail the people ``item`` waits for, once a day per document and sender; raises
    ``AlreadySent`` with the time of today's reminder otherwise."""
    today = today or timezone.localdate()
    key = reminder_key(item.scheme, item.document, item.organisation, today)
    try:
        with transaction.atomic():
            Reminder.objects.create(user=user, key=key)
    except IntegrityError:
        raise AlreadySent(Reminder.objects.get(user=user, key=key).sent_at) from None
    sender = user.get_full_name() or user.email
    for person in item.people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = _("A polite reminder: %(title)s") % {"title": item.title}
            body = _(
                "Hello %(name)s,\n\n%(sender)s has done their part of “%(title)s” (%(scheme)s) and is waiting "
                "for yours. When you have a moment:\n%(link)s\n\nThank you."
            ) % {
                "name": person.get_full_name() or person.email,
                "sender": sender,
                "title": item.title,
                "scheme": item.scheme.title,
                "link": settings.SITE_URL + item.url,
            }
            email_enqueue(subject=subject, body=body, to=[person.email])
    return item.people
