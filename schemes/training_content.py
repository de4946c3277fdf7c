"""The method the training carries (issue 23): "the guide's key points on roles and
responsibilities, 'what a mentor does and does not do', shown in the training session
and printable".

The IncluCities mentoring guide recommends "a training session with all parties involved
in the mentoring process, which seeks to clarify the role of each partner, the mentoring
method and the timeline of the process" (seed 000, "Mentoring training"). Its Annex 1,
"Mentoring: some key points", and its chapter 2, "The actors and their roles", are
transcribed here word for word (seed 000, the PDF's artefacts cleaned), with what the
training deck's first day says a mentor does and does not do (seed 001). Every text names
its source as a reader knows it; all are translatable.

Nothing here reads the database: the training pages and the "Key points of mentoring"
PDF (schemes/views/training.py) show these constants.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The source documents, as the people using the application know them.
GUIDE_ANNEX_1 = _("IncluCities mentoring guide, Annex 1")
GUIDE_CHAPTER_2 = _("IncluCities mentoring guide, chapter 2")
TRAINING_DAY_1 = _("IncluCities mentoring training, day 1")


@dataclass(frozen=True)
class KeyPoint:
    """One point; ``term`` leads it in bold (an actor's name), ``points`` are its sub-points."""

    text: str
    term: str = ""
    points: tuple = ()


@dataclass(frozen=True)
class KeyPointList:
    title: str
    points: tuple


@dataclass(frozen=True)
class KeyPointPart:
    """A part of the key points, from one source."""

    key: str
    title: str
    source: str
    lists: tuple


def _points(*texts):
    return tuple(KeyPoint(text) for text in texts)


KEY_POINTS = (
    # Seed 000, "ANNEX 1 - Mentoring: some key points", word for word.
    KeyPointPart(
        key="annex-1",
        title=_("Mentoring: some key points"),
        source=GUIDE_ANNEX_1,
        lists=(
            KeyPointList(
                _("What does a mentor offer?"),
                _points(
                    _("A new perspective on what the mentee is doing and how she or he is doing it"),
                    _("The ability to listen in confidence to the things that worry the mentee about their work"),
                    _("Friendly unbiased guidance"),
                    _("Someone on whom to try out ideas"),
                    _("Their own experience of success and failure and the willingness to share it honestly"),
                    _("Help with decision-making by suggesting other options, based on their own experience"),
                    _("Honest and constructive feedback"),
                    _("Support and encouragement"),
                ),
            ),
            KeyPointList(
                _("What does a mentor do?"),
                (
                    KeyPoint(_("Listens in order to understand")),
                    KeyPoint(_("Asks questions to clarify: have I understood this correctly?")),
                    KeyPoint(
                        _("Asks questions about options:"),
                        points=(
                            _("how else could you do it?"),
                            _("what would happen if ...?"),
                            _("what else could you do?"),
                        ),
                    ),
                    KeyPoint(_("Clarifies what the mentee wants to do")),
                    KeyPoint(_("Negotiates with the mentee what the mentor should do next and does it!")),
                ),
            ),
            KeyPointList(
                _("Mentors do not"),
                _points(
                    _("give professional or legal advice"),
                    _("offer counselling or provide training"),
                    _("coach (although this one is a bit more blurred!)"),
                    _("provide therapy"),
                    _("get involved in sorting out the mentee's problems"),
                    _("encourage the mentee to believe that the mentor can solve all their problems"),
                    _("make decisions for the mentee"),
                    _("take responsibility for the success of the mentee's project."),
                ),
            ),
            KeyPointList(
                _("Mentors pull, they don't push"),
                (
                    KeyPoint(
                        _("Pulling"),
                        points=(
                            _("Listening to understand"),
                            _("Asking questions"),
                            _("Paraphrasing and summarising"),
                            _("Suggesting options"),
                            _("Giving feedback"),
                            _("Offering guidance"),
                        ),
                    ),
                    KeyPoint(_("Pushing"), points=(_("Giving advice"), _("Instructing"), _("Telling"))),
                ),
            ),
        ),
    ),
    # Seed 000, "2. The actors and their roles in IncluCities", word for word (the
    # coordinator's name as the guide prints it).
    KeyPointPart(
        key="roles",
        title=_("The actors and their roles in IncluCities"),
        source=GUIDE_CHAPTER_2,
        lists=(
            KeyPointList(
                _("The roles and responsibilities of each partner"),
                (
                    KeyPoint(
                        _(
                            "coordinated IncluCities and structures the project's implementation with the goal of "
                            "helping to improve integration policies among its membership and testing new learning "
                            "tools for mutual learning."
                        ),
                        term=_("The Council of European Cities and Regions (CEMR)"),
                    ),
                    KeyPoint(
                        _(
                            "aimed to improve selected aspects of their integration work on the relevant theme. "
                            "Together with the mentor teams, they identified the changes they wanted to make and "
                            "planned the actions needed to achieve them and started carrying them out."
                        ),
                        term=_("The mentee cities"),
                    ),
                    KeyPoint(
                        _(
                            "helped the mentee city in planning to achieve change. It did so partly by drawing on its "
                            "own experience, but equally by being a good listener - allowing colleagues to explore "
                            "concerns and develop ideas in confidence with a trusted partner from outside their own "
                            "authority. Its mentoring encouraged them to see what needs changing, to identify options "
                            "for change and the risks involved and to move towards the chosen solution."
                        ),
                        term=_("The mentor city"),
                    ),
                    KeyPoint(
                        _(
                            "provided support by connecting each mentoring scheme with its wider regional or national "
                            "context, e.g. political and legal frameworks set at other levels of government. They also "
                            "helped to understand the extent to which the mentee cities' problems are typical for "
                            "other cities. Conversely, the municipal associations' political agendas were also "
                            "informed by the mentoring experience and the support gaps it illustrated and identified."
                        ),
                        term=_("The municipal associations"),
                    ),
                    KeyPoint(
                        _(
                            "gathered, in each mentee city, the stakeholders that were the most relevant for achieving "
                            "the envisaged change. They participated in the mentoring process from the needs analysis "
                            "to the finalisation of the action plan. The group included representatives of migrant "
                            "and ethnic minority associations, and others as determined by each topic: for example, "
                            "business and trade union representatives, other civil society groups and academic "
                            "experts. Where possible, the mentor city local support group mirrored the stakeholders "
                            "that were engaged on the mentee's side."
                        ),
                        term=_("The Local Support Group"),
                    ),
                    KeyPoint(
                        _(
                            "provided methodological support across the mentoring process to get good results, and to "
                            "allow the protagonists of the project to focus on the content of their exchange. In "
                            "IncluCities the facilitators were provided by MigrationWork, a not for profit consultancy "
                            "that seeks to make migration work well for all involved."
                        ),
                        term=_("Facilitators"),
                    ),
                ),
            ),
        ),
    ),
    # Seed 001, "What is Mentoring (and what is it not)?", word for word.
    KeyPointPart(
        key="training",
        title=_("What is Mentoring (and what is it not)?"),
        source=TRAINING_DAY_1,
        lists=(
            KeyPointList(
                _("What do you do in peer mentoring?"),
                _points(
                    _("Share experiences honestly"),
                    _("Listen with empathy"),
                    _("Build trust"),
                    _("Learn from each other"),
                    _("Give & receive friendly, unbiased feedback"),
                    _("Think differently about challenges"),
                    _("Generate new ideas"),
                    _("Foster change and development"),
                ),
            ),
            KeyPointList(
                _("What does a mentor do?"),
                (
                    KeyPoint(_("Listens in order to understand")),
                    KeyPoint(_("Clarifies what the mentee wants to do and ensures that s/he has understood correctly")),
                    KeyPoint(_("Shares honestly their own experience of success or failure")),
                    KeyPoint(
                        _("Asks questions about options:"),
                        points=(_("what would happen if ...?"), _("what else could you do?")),
                    ),
                    KeyPoint(_("Helps mentee to decide their next steps")),
                ),
            ),
            KeyPointList(
                _("A mentor does NOT"),
                _points(
                    _("give professional or legal advice"),
                    _("offer counselling or therapy"),
                    _("give training"),
                    _("try to solve the mentee's problems directly"),
                    _("make decisions for the mentee"),
                    _("take responsibility for the success of the mentee's project"),
                ),
            ),
            KeyPointList(
                _("Mentors pull, they don't push"),
                (
                    KeyPoint(
                        _("Pulling"),
                        points=(
                            _("Listening to understand"),
                            _("Asking questions"),
                            _("Paraphrasing and summarising"),
                            _("Suggesting options"),
                            _("Giving feedback"),
                            _("Offering guidance"),
                        ),
                    ),
                    KeyPoint(
                        _("Pushing"),
                        points=(_("Giving advice"), _("Instructing"), _("Telling"), _("Suggesting what to do")),
                    ),
                ),
            ),
        ),
    ),
)


def all_texts():
    """Every text of the key points (titles, sources, points), for checking a page or a
    print carries them all."""
    for part in KEY_POINTS:
        yield part.title
        yield part.source
        for key_list in part.lists:
            yield key_list.title
            for point in key_list.points:
                if point.term:
                    yield point.term
                yield point.text
                yield from point.points
