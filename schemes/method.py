"""The mentoring method's own words, where the application offers them as defaults,
prompts and warnings (issue 22): what each visit of the series is for, the elements of
its agenda, the guiding questions of a session, and what experience says is worth
checking on a scheme's timeline. Every text names the source document it comes from, as a
reader knows it (the IncluCities mentoring guide, the ImpleMentoring method, the
Eurocities method card; in the code's comments "seed 000" to "seed 004",
docs/architecture.md); all of them are translatable.

Nothing here reads the database: services and views put these constants to work.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Positions of a visit in the series (seed 000 §5): the first visit to the mentee city
# sets the scene, the visit to the mentor city inspires, the last visit to the mentee city
# consolidates the action plan; visits in between (more than three) follow up.
# The source documents, as the people using the application know them.
GUIDE_CHAPTER_4 = _("IncluCities mentoring guide, chapter 4")
GUIDE_CHAPTER_5 = _("IncluCities mentoring guide, chapter 5")
GUIDE_CHAPTER_6 = _("IncluCities mentoring guide, chapter 6")
METHOD_CARD = _("Eurocities method card on mentoring")

SCENE = "scene"
INSPIRATION = "inspiration"
CONSOLIDATION = "consolidation"
FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class VisitPurpose:
    aim: str
    expected_outcome: str
    source: str


VISIT_PURPOSES = {
    # Seed 000 §5, "Mentee city: setting the scene".
    SCENE: VisitPurpose(
        aim=_(
            "The first visit to the mentee city should introduce the mentors to the local context and lead to a "
            "first draft of actions that result from the interaction with the mentee city representatives and "
            "stakeholders."
        ),
        expected_outcome=_("A first list of actions to be developed, drawing on the action planning template."),
        source=GUIDE_CHAPTER_5,
    ),
    # Seed 000 §5, "Mentor city: inspiration" (its list of elements, in a sentence).
    INSPIRATION: VisitPurpose(
        aim=_(
            "The visit to the mentor city should introduce the mentee city to the mentor city context and show its "
            "good practice through visits and presentations, with clarifying questions answered during the visit."
        ),
        expected_outcome=_(
            "The mentee city action plan revised, based on the mentor city visit and any new ideas that have been generated."
        ),
        source=GUIDE_CHAPTER_5,
    ),
    # Seed 000 §5, "Mentee city: consolidation of action plan".
    CONSOLIDATION: VisitPurpose(
        aim=_(
            "The last visit to the mentee city should serve to clarify some final details of the action plan and "
            "think ahead towards its implementation."
        ),
        expected_outcome=_("Presentation of final action plan in the presence of politicians and local stakeholders."),
        source=GUIDE_CHAPTER_5,
    ),
    # Seed 000 §5: "After the mentoring visits" and "To consider": the mentor supports
    # and helps monitor the implementation.
    FOLLOW_UP: VisitPurpose(
        aim=_(
            "Regular exchange with mentors will help cities to stay focused on this goal as they carry out first "
            "steps to implementation: the mentor's role is to support and help monitoring the implementation of "
            "actions."
        ),
        expected_outcome=_("Progress on the actions reviewed, obstacles named and the next steps of the implementation agreed."),
        source=GUIDE_CHAPTER_5,
    ),
}


# The same series of visits in a scheme whose focus is not action planning (seed 000 §6,
# "A different focus for mentoring": "mentoring visits do not have to be focused
# specifically on action planning. They can also be used to do needs analysis, review
# aspects of integration work or as part of the evaluation of initiatives"): each visit
# keeps its place in the series, aimed at the focus's outcome instead of the action plan.
# Keyed by the scheme's focus (``SchemeFocus`` values); action planning has the guide's own.
FOCUS_VISIT_PURPOSES = {
    "needs_analysis": {
        SCENE: VisitPurpose(
            aim=_(
                "The first visit to the mentee city should introduce the mentors to the local context and start the "
                "needs analysis with the mentee city representatives and stakeholders."
            ),
            expected_outcome=_("A first picture of the mentee city's needs, drawing on the needs analysis template."),
            source=GUIDE_CHAPTER_6,
        ),
        INSPIRATION: VisitPurpose(
            aim=_(
                "The visit to the mentor city should show the mentee city how the mentor city met similar needs, "
                "through visits and presentations, with clarifying questions answered during the visit."
            ),
            expected_outcome=_("The needs analysis sharpened by what the mentee city saw and heard in the mentor city."),
            source=GUIDE_CHAPTER_6,
        ),
        CONSOLIDATION: VisitPurpose(
            aim=_(
                "The last visit to the mentee city should serve to complete the needs analysis and agree on the "
                "priorities it points to."
            ),
            expected_outcome=_(
                "The needs analysis completed and its priorities presented to politicians and local stakeholders."
            ),
            source=GUIDE_CHAPTER_6,
        ),
        FOLLOW_UP: VisitPurpose(
            aim=_("A visit in between should deepen the needs analysis on the questions still open."),
            expected_outcome=_("The open questions of the needs analysis answered."),
            source=GUIDE_CHAPTER_6,
        ),
    },
    "review": {
        SCENE: VisitPurpose(
            aim=_(
                "The first visit to the mentee city should introduce the mentors to the local context and to the "
                "integration work under review, assessed against the benchmark with the mentee city representatives "
                "and stakeholders."
            ),
            expected_outcome=_("A shared view of the work's strengths and gaps, drawing on the self-assessment."),
            source=GUIDE_CHAPTER_6,
        ),
        INSPIRATION: VisitPurpose(
            aim=_(
                "The visit to the mentor city should show the mentee city how the mentor city does similar work, "
                "through visits and presentations, as a point of comparison for the review."
            ),
            expected_outcome=_("Points of comparison for the review, and first ideas for the way forward."),
            source=GUIDE_CHAPTER_6,
        ),
        CONSOLIDATION: VisitPurpose(
            aim=_(
                "The last visit to the mentee city should serve to agree on the key challenges and risks, and on the "
                "recommendations about the way forward."
            ),
            expected_outcome=_("The mentors' recommendations presented to politicians and local stakeholders."),
            source=GUIDE_CHAPTER_6,
        ),
        FOLLOW_UP: VisitPurpose(
            aim=_("A visit in between should look further at the parts of the work still open in the review."),
            expected_outcome=_("The open questions of the review answered."),
            source=GUIDE_CHAPTER_6,
        ),
    },
    "evaluation": {
        SCENE: VisitPurpose(
            aim=_(
                "The first visit to the mentee city should introduce the mentors to the local context and to the "
                "initiatives under evaluation, with the mentee city representatives and stakeholders, and agree on "
                "what their success is measured by."
            ),
            expected_outcome=_("What is evaluated and how, agreed, drawing on the self-assessment."),
            source=GUIDE_CHAPTER_6,
        ),
        INSPIRATION: VisitPurpose(
            aim=_(
                "The visit to the mentor city should show the mentee city how the mentor city evaluates similar "
                "initiatives, through visits and presentations, as a point of comparison."
            ),
            expected_outcome=_("Points of comparison for the evaluation, and ways of measuring borrowed from the mentor city."),
            source=GUIDE_CHAPTER_6,
        ),
        CONSOLIDATION: VisitPurpose(
            aim=_(
                "The last visit to the mentee city should serve to agree on the findings of the evaluation and on the "
                "recommendations about the way forward."
            ),
            expected_outcome=_("The findings and the mentors' recommendations presented to politicians and local stakeholders."),
            source=GUIDE_CHAPTER_6,
        ),
        FOLLOW_UP: VisitPurpose(
            aim=_("A visit in between should look further at the initiatives whose evaluation is still open."),
            expected_outcome=_("The open questions of the evaluation answered."),
            source=GUIDE_CHAPTER_6,
        ),
    },
}
# The last visit's title, by focus: it consolidates the focus's outcome.
CONSOLIDATION_TITLES = {
    "action_planning": _("Consolidation of the action plan"),
    "needs_analysis": _("Consolidation of the needs analysis"),
    "review": _("Conclusions of the review"),
    "evaluation": _("Conclusions of the evaluation"),
}


def consolidation_title(focus=None):
    """The last visit's default title in a scheme of ``focus``."""
    return CONSOLIDATION_TITLES.get(focus, CONSOLIDATION_TITLES["action_planning"])


def visit_purpose(position, focus=None):
    """What a visit at ``position`` of the series is for, in a scheme of ``focus``."""
    return FOCUS_VISIT_PURPOSES.get(focus, {}).get(position) or VISIT_PURPOSES[position]


def visit_position(order, count, host_side=None):
    """Where a visit stands in a series of ``count`` visits: the first sets the scene, the
    last of three or more consolidates, the second (or one hosted by the mentor side)
    inspires, the others follow up. ``host_side``: the side of the host city, if known."""
    if order == 1:
        return SCENE
    if count >= 3 and order == count:
        return CONSOLIDATION
    if order == 2 or host_side == "mentor":
        return INSPIRATION
    return FOLLOW_UP


# Visit kinds (seed 004: visits "to the mentor's city (such as study visits and site
# visits) or to the mentee's city", "work shadowing visits"; seed 002: "the peer review
# model"; seed 000: the virtual "visit" held during the pandemic).
MENTEE_CITY = "mentee_city"
STUDY_VISIT = "study_visit"
WORK_SHADOWING = "work_shadowing"
PEER_REVIEW = "peer_review"
ONLINE = "online"


@dataclass(frozen=True)
class AgendaElement:
    session_type: str  # a SessionType value
    title: str
    minutes: int


# The elements of each visit's agenda: seed 000 §5 per visit, with the presentations by
# the host and stakeholders and the informal time of docs/method.md §3.2, and seed 004's
# "group activities like dinner, drinks or ice-breaking games".
INFORMAL = AgendaElement("informal", _("Informal activity: dinner, drinks or ice-breaking games to build trust and rapport"), 90)
AGENDA_ELEMENTS = {
    SCENE: (
        AgendaElement(
            "recap",
            _("Recap by mentee city and association on key issues from needs analysis, clarifying questions"),
            90,
        ),
        AgendaElement("presentation", _("Presentations by the host city and stakeholders on the local context"), 60),
        AgendaElement(
            "interviews",
            _(
                "Interviews and focus groups for identifying potential actions and obstacles, including with the local support network"
            ),
            120,
        ),
        AgendaElement("good_practice", _("Presentation of good practice from mentor city"), 60),
        AgendaElement("workshop", _("Workshop on action planning with local stakeholder group"), 120),
        INFORMAL,
    ),
    INSPIRATION: (
        AgendaElement("presentation", _("Introduction to the mentor city context, clarifying questions"), 60),
        AgendaElement(
            "interviews",
            _(
                "Interviews and focus groups for identifying potential actions and obstacles, including with the local support network"
            ),
            120,
        ),
        AgendaElement("site_visit", _("Visits of good practice in the mentor city"), 120),
        AgendaElement("good_practice", _("Presentations of good practice from mentor city"), 60),
        AgendaElement(
            "workshop",
            _("Workshop on action planning: revising the mentee city action plan based on the visit and new ideas"),
            120,
        ),
        INFORMAL,
    ),
    CONSOLIDATION: (
        AgendaElement(
            "recap", _("Recap by mentee city and association on remaining issues to be clarified in the action plan"), 90
        ),
        AgendaElement(
            "interviews",
            _("Interviews and focus groups with key actors for the implementation of the action plan"),
            120,
        ),
        AgendaElement(
            "presentation", _("Presentation of final action plan in the presence of politicians and local stakeholders"), 90
        ),
        INFORMAL,
    ),
    FOLLOW_UP: (
        AgendaElement("recap", _("Recap by mentee city on the implementation of the action plan so far"), 60),
        AgendaElement("interviews", _("Interviews with those carrying out the actions, and the local support network"), 120),
        AgendaElement("workshop", _("Workshop on monitoring the implementation and the next steps"), 120),
        INFORMAL,
    ),
}


# Guiding questions, offered beside the session form and the record after a visit.
GUIDING_QUESTIONS = (
    (
        # Seed 002, "City-to-city mentoring visit": the critical issues explored using the
        # framework of the benchmark.
        _("ImpleMentoring method: the critical issues of a mentoring visit"),
        (
            _("What needs to change – where are the gaps and problems?"),
            _("What are the strengths of its current work programme which the city can build on?"),
            _("What are the key goals to aim for?"),
            _("What practical steps or actions will help the city to reach these goals?"),
        ),
    ),
    (
        # Seed 004, "Guiding questions".
        _("Eurocities method card: guiding questions to structure mentoring"),
        (
            _("What needs to change – where are the gaps and problems?"),
            _("What are the strengths the city or region can build on?"),
            _("What are the key goals to aim for?"),
            _("What practical steps or actions will help the city / region to reach these goals?"),
            _("What is the best and next practice most relevant to the city – based on experience across Europe and globally?"),
            _("What are the main threats and risks to handle?"),
            _("What are the key elements for replication/transferability?"),
            _("What are the key conditions for success?"),
        ),
    ),
)


# What the seeds' experience says is worth checking on a scheme (never blocking).
@dataclass(frozen=True)
class Warning:
    key: str
    text: str
    quote: str
    source: str


ONE_SIDE_ONLY = "one_side_only"
ALL_ONLINE = "all_online"
NO_MIGRANT_REPRESENTATIVE = "no_migrant_representative"

WARNING_QUOTES = {
    ONE_SIDE_ONLY: (_("We do believe, though, that visits to both mentor and mentee city are important."), GUIDE_CHAPTER_6),
    ALL_ONLINE: (
        _(
            "During the pandemic, when mentoring had to occur exclusively online and mentors and mentees did not "
            "meet in person, it was much harder to establish trust and understanding, and therefore to have frank "
            "and useful exchanges."
        ),
        METHOD_CARD,
    ),
    NO_MIGRANT_REPRESENTATIVE: (_("The local stakeholder group should always include migrant representatives."), GUIDE_CHAPTER_4),
}


def warning(key, text):
    quote, source = WARNING_QUOTES[key]
    return Warning(key=key, text=text, quote=quote, source=source)
