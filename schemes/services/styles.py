"""The mentoring-styles survey of the IncluCities training (seed 001): mentors say how
they mentor, mentees how they prefer to be mentored, on the four styles (active
listening, advisory, prescribing, cooperative). The statements are the seed's own
descriptions of each style, in an order that mixes the styles.

A profile is the average agreement (1-5) per style; a team's profile averages its
members; how mentor and mentee match is 100 % minus the mean gap between the mentor
side's styles and the mentee side's preferences, style by style."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import MentoringStyle, MentoringStyleAnswer, MentoringStyleResponse

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


@transaction.atomic
def survey_save(*, programme, training, user, organisation, side, agreements):
    """Record (or replace) ``user``'s answers as ``side``: {statement key: 1-5}."""
    response, _created = MentoringStyleResponse.objects.select_for_update().get_or_create(
        programme=programme, respondent=user, side=side,
        defaults={"organisation": organisation, "training_session": training},
    )
    response.organisation, response.training_session = organisation, training
    response.save()
    response.answers.all().delete()
    MentoringStyleAnswer.objects.bulk_create(
        MentoringStyleAnswer(response=response, style=STYLE_OF[key], statement=key, agreement=value)
        for key, value in agreements.items()
    )
    return response
