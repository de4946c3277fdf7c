"""The mentoring-styles survey of the IncluCities training (seed 001): mentors say how
they mentor, mentees how they prefer to be mentored, on the four styles (active
listening, advisory, prescribing, cooperative). The statements are the seed's own
descriptions of each style, in an order that mixes the styles.

A profile is the average agreement (1-5) per style; a team's profile averages its
members; how mentor and mentee match is 100 % minus the mean gap between the mentor
side's styles and the mentee side's preferences, style by style.

A person answers as the side of the party they act for in a scheme, whatever their
role's name: the officers of a mentor-side city or association for the mentor side, of
a mentee-side one for the mentee side (a city moved to the other side when the scheme's
set-up is corrected keeps its officers' roles, not their side). Only in a community of
practice, where every party is a peer, does the role say which side one answers as. Results stay inside the
schemes: who may read a response is decided by the schemes its respondent acts in,
on the side they answered as.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.activity import log_action

from ..models import MentoringStyle, MentoringStyleAnswer, MentoringStyleResponse, SchemeRoleName, Side, SurveySide

# The roles that act for a city or association, and so answer the survey.
PARTY_ROLES = [SchemeRoleName.MENTEE, SchemeRoleName.MENTOR, SchemeRoleName.ASSOCIATION]
# Scheme roles on the mentor side: anyone acting for a mentor-side party, or a mentor
# officer of a peer (community of practice).
ON_MENTOR_SIDE = Q(party__side=Side.MENTOR) | Q(party__side=Side.PEER, role=SchemeRoleName.MENTOR)

# (key, style, statement): seed 001, "Mentoring styles", word for word.
STATEMENTS = [
    ("listening-questions", MentoringStyle.ACTIVE_LISTENING, _("Asking questions when things are unclear.")),
    ("advisory-suggestions", MentoringStyle.ADVISORY, _("Giving suggestions for good problem solving.")),
    ("prescribing-responsibility", MentoringStyle.PRESCRIBING, _("Taking responsibility for solving the mentee's problems.")),
    ("cooperative-vision", MentoringStyle.COOPERATIVE, _("Striving for a joint vision.")),
    ("listening-summarising", MentoringStyle.ACTIVE_LISTENING, _("Checking things by summarizing.")),
    ("advisory-outsider", MentoringStyle.ADVISORY, _("Advising as an objective outsider.")),
    ("prescribing-instructions", MentoringStyle.PRESCRIBING, _("Offering instructions on how to handle problems.")),
    ("cooperative-involving", MentoringStyle.COOPERATIVE, _("Involving the mentee in problem-solving.")),
    ("listening-reserved", MentoringStyle.ACTIVE_LISTENING, _("Being reserved in giving your own opinion.")),
    ("advisory-alternatives", MentoringStyle.ADVISORY, _("Giving alternatives so that the mentee can make a choice.")),
    ("prescribing-convincing", MentoringStyle.PRESCRIBING, _("Being convincing and persuading.")),
    ("cooperative-opinion", MentoringStyle.COOPERATIVE, _("Giving space to the opinion of the mentee.")),
    ("listening-space", MentoringStyle.ACTIVE_LISTENING, _("Giving space to the mentee.")),
    ("advisory-expertise", MentoringStyle.ADVISORY, _("Giving advice based on expertise.")),
    ("prescribing-improvement", MentoringStyle.PRESCRIBING, _("Requiring improvement.")),
    ("cooperative-equality", MentoringStyle.COOPERATIVE, _("Appreciating equality in contributions.")),
    ("listening-understanding", MentoringStyle.ACTIVE_LISTENING, _("Showing that you understand the mentee.")),
    ("cooperative-focus", MentoringStyle.COOPERATIVE, _("Being focused on cooperation.")),
]
STYLE_OF = {key: style for key, style, _text in STATEMENTS}
AGREEMENT = [
    (1, _("Not at all")),
    (2, _("A little")),
    (3, _("Somewhat")),
    (4, _("Largely")),
    (5, _("Completely")),
]


@dataclass
class Profile:
    """Average agreement per style (1-5), and how many people it averages."""

    scores: dict
    people: int

    def rows(self):
        return [(MentoringStyle(style).label, self.scores.get(style)) for style in MentoringStyle.values]


def profile(responses):
    """The profile of ``responses`` (answers prefetched): one person's, or a team's."""
    totals = {style: [] for style in MentoringStyle.values}
    for response in responses:
        per_style = {style: [] for style in MentoringStyle.values}
        for answer in response.answers.all():
            per_style[answer.style].append(answer.agreement)
        for style, values in per_style.items():
            if values:
                totals[style].append(sum(values) / len(values))
    scores = {style: round(sum(values) / len(values), 1) for style, values in totals.items() if values}
    return Profile(scores=scores, people=len(responses))


def match(mentor, mentee):
    """How well the mentor side's styles meet the mentee side's preferences, in percent
    (100 = the same on every style), and the gap per style."""
    styles = [style for style in MentoringStyle.values if style in mentor.scores and style in mentee.scores]
    if not styles:
        return None, []
    gaps = [(MentoringStyle(style).label, round(mentor.scores[style] - mentee.scores[style], 1)) for style in styles]
    mean_gap = sum(abs(gap) for _label, gap in gaps) / len(gaps)
    return round(100 * (1 - mean_gap / 4)), gaps


def survey_side(role):
    """The side a scheme role answers the survey as (ON_MENTOR_SIDE, for one role): its
    party's side; a peer's role name only where the party has no side."""
    side = role.party.side if role.party is not None else None
    on_mentor_side = side == Side.MENTOR or (side == Side.PEER and role.role == SchemeRoleName.MENTOR)
    return SurveySide.MENTOR if on_mentor_side else SurveySide.MENTEE


def survey_sides(*, user, programme):
    """{side: organisation} the user may answer as in ``programme``, from their roles
    on behalf of a city or association (the first scheme's party when several)."""
    roles = (
        user.scheme_roles.filter(scheme__programme=programme, role__in=PARTY_ROLES, party__isnull=False)
        .select_related("party__organisation")
        .order_by("scheme__number", "role")
    )
    sides = {}
    for role in roles:
        sides.setdefault(survey_side(role), role.party.organisation)
    return sides


def responses_of(*, roles, programme):
    """The responses of ``programme`` given by the people of ``roles`` (a SchemeRole
    queryset: one scheme's, or the schemes a person sees), each only on the side its
    respondent acts for there."""
    people = roles.filter(role__in=PARTY_ROLES)
    return MentoringStyleResponse.objects.filter(programme_id=programme).filter(
        Q(side=SurveySide.MENTOR, respondent__in=people.filter(ON_MENTOR_SIDE).values("user"))
        | Q(side=SurveySide.MENTEE, respondent__in=people.exclude(ON_MENTOR_SIDE).values("user"))
    )


@transaction.atomic
def survey_save(*, programme, training, user, organisation, side, agreements):
    """Record (or replace) ``user``'s answers as ``side``: {statement key: 1-5}."""
    response, _created = MentoringStyleResponse.objects.select_for_update().get_or_create(
        programme=programme,
        respondent=user,
        side=side,
        defaults={"organisation": organisation, "training_session": training},
    )
    response.organisation, response.training_session = organisation, training
    response.save()
    response.answers.all().delete()
    MentoringStyleAnswer.objects.bulk_create(
        MentoringStyleAnswer(response=response, style=STYLE_OF[key], statement=key, agreement=value)
        for key, value in agreements.items()
    )
    log_action(
        actor=user,
        action="survey.answered",
        obj=response,
        programme=programme,
        label=user.display_name,
        data={"side": side, "organisation": organisation.pk, "training": training.pk if training else None},
    )
    return response
