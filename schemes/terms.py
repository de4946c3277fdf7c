"""A programme's words for the two sides of a mentoring scheme (issue 23).

The seeds name the same roles in several ways. ImpleMentoring pairs "a mentor city,
sharing experience and offering independent support and reflection to the implementing
city" (seed 002); the method card (seed 004): "Various terminology has been used to
describe mentoring cities, including ‘lighthouse cities,’ ‘role-model cities,’ and ‘coach
city.’ The same for mentee cities, including the terms ‘follower city,’ ‘fellow city,’
‘replicator city,’ and ‘coachee.’"

A programme chooses its words from presets, each a set of whole translatable strings
(singular, plural, heading, side, officer) so that translators translate each word in
its place, or writes its own (singular and plural, plain text, at most ``MAX_TERM``
characters), which are shown exactly as typed in every language: they are the
programme's own words (only the first letter of a heading or label becomes a capital).
English articles are avoided around a term ("its mentor city", "one of the mentor
cities") so that an own word starting with a vowel still reads right.

``Programme.terms`` returns a ``Terms`` built from the programme's row alone (no query);
templates write ``{{ programme.terms.mentee }}`` and, for a party's side or a role,
``{{ party.side|side_label:programme.terms }}``, ``{{ role.role|officer_label:programme.terms }}``
(schemes/templatetags/terms.py). A sentence that contains a term is one translatable
message with a placeholder, never a concatenation.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

MENTEE, MENTOR = "mentee", "mentor"
OWN_WORDS = "own"
MAX_TERM = 40
# Anything that could be read as markup or a template: a term is a word or two of text.
TERM_REFUSED_RE = re.compile(r"[<>{}]")


@dataclass(frozen=True)
class TermPreset:
    singular: str  # in a sentence: "the implementing city"
    plural: str
    heading: str  # at the start of a label or a heading: "Implementing city"
    heading_plural: str
    side: str  # a party's side: "Implementing city side"
    officer: str  # a person's role: "Implementing city officer"


MENTEE_PRESETS = {
    "mentee_city": TermPreset(
        _("mentee city"), _("mentee cities"), _("Mentee city"), _("Mentee cities"), _("Mentee side"), _("Mentee city officer")
    ),
    "implementing_city": TermPreset(
        _("implementing city"),
        _("implementing cities"),
        _("Implementing city"),
        _("Implementing cities"),
        _("Implementing city side"),
        _("Implementing city officer"),
    ),
    "follower_city": TermPreset(
        _("follower city"),
        _("follower cities"),
        _("Follower city"),
        _("Follower cities"),
        _("Follower city side"),
        _("Follower city officer"),
    ),
}
MENTOR_PRESETS = {
    "mentor_city": TermPreset(
        _("mentor city"), _("mentor cities"), _("Mentor city"), _("Mentor cities"), _("Mentor side"), _("Mentor city officer")
    ),
    "coach_city": TermPreset(
        _("coach city"), _("coach cities"), _("Coach city"), _("Coach cities"), _("Coach city side"), _("Coach city officer")
    ),
}
MENTEE_DEFAULT, MENTOR_DEFAULT = "mentee_city", "mentor_city"

MENTEE_TERM_CHOICES = [
    *((key, preset.singular) for key, preset in MENTEE_PRESETS.items()),
    (OWN_WORDS, _("the programme's own words, written below")),
]
MENTOR_TERM_CHOICES = [
    *((key, preset.singular) for key, preset in MENTOR_PRESETS.items()),
    (OWN_WORDS, _("the programme's own words, written below")),
]


def validate_term(value):
    """A programme's own word for a role: plain text, at most ``MAX_TERM`` characters."""
    if isinstance(value, str) and TERM_REFUSED_RE.search(value):
        raise ValidationError(
            _("Write the word as plain text: the characters < > { } are not accepted."),
            code="term_markup",
        )


def _formatted(message, **words):
    # Evaluated when shown, in the language of that moment (a page, or an e-mail in its
    # recipient's language): the message is translated, the programme's own words are not.
    return capfirst(gettext(message) % {name: str(word) for name, word in words.items()})


formatted_lazy = lazy(_formatted, str)


def own_words(singular, plural):
    """The strings of a programme's own words, shown as typed; only the first letter of a
    heading or a label is made a capital."""
    return TermPreset(
        singular,
        plural,
        capfirst(singular),
        capfirst(plural),
        # Translators: a party's side, named with the programme's own word for its city ("learning city side").
        formatted_lazy(gettext_noop("%(term)s side"), term=singular),
        # Translators: a person's role, named with the programme's own word for their city ("learning city officer").
        formatted_lazy(gettext_noop("%(term)s officer"), term=singular),
    )


class Terms:
    """A programme's words: ``mentee``, ``mentees``, ``mentor``, ``mentors`` in sentences;
    ``Mentee``, ``Mentees``, ``Mentor``, ``Mentors`` at the start of a label or heading;
    ``mentee_side``, ``mentor_side`` and ``mentee_officer``, ``mentor_officer``."""

    def __init__(self, mentee, mentor):
        self.mentee_words, self.mentor_words = mentee, mentor
        self.mentee, self.mentees = mentee.singular, mentee.plural
        self.Mentee, self.Mentees = mentee.heading, mentee.heading_plural
        self.mentor, self.mentors = mentor.singular, mentor.plural
        self.Mentor, self.Mentors = mentor.heading, mentor.heading_plural
        self.mentee_side, self.mentor_side = mentee.side, mentor.side
        self.mentee_officer, self.mentor_officer = mentee.officer, mentor.officer

    def words(self, side):
        return {MENTEE: self.mentee_words, MENTOR: self.mentor_words}.get(side)

    def side_label(self, side):
        """The label of a party's side ("Implementing city side"); a peer's as the model says."""
        words = self.words(side)
        if words is not None:
            return words.side
        from .models import Side  # here: the models import this module

        return Side(side).label if side in Side.values else side

    def role_label(self, role):
        """A role as the rules and invitations name it ("Implementing city", "Facilitator")."""
        words = self.words(role)
        if words is not None:
            return words.heading
        from mentoring.access import ROLE_LABELS

        return ROLE_LABELS.get(role, role)

    def sought_label(self, sought):
        """Who a call seeks (``CallSide``): "Implementing cities", "Coach cities", or both."""
        if sought == "mentees":
            return self.Mentees
        if sought == "mentors":
            return self.Mentors
        # Translators: the cities a call seeks, in the programme's words ("Mentee cities and mentor cities").
        return formatted_lazy(gettext_noop("%(mentees)s and %(mentors)s"), mentees=self.mentees, mentors=self.mentors)

    def applies_label(self, side):
        """The side a city applies for (``ApplicationSide``), in the programme's words."""
        if side == MENTEE:
            return formatted_lazy(gettext_noop("As one of the %(mentees)s (to learn)"), mentees=self.mentees)
        return formatted_lazy(gettext_noop("As one of the %(mentors)s (to share experience)"), mentors=self.mentors)

    def officer_label(self, role):
        """A person's role in a scheme or programme ("Implementing city officer", "Coordinator")."""
        words = self.words(role)
        if words is not None:
            return words.officer
        from .models.programmes import ProgrammeRoleName, SchemeRoleName

        labels = {**dict(ProgrammeRoleName.choices), **dict(SchemeRoleName.choices)}
        return labels.get(role, role)


def terms_for(programme):
    """The words of ``programme`` (None: the method's default words)."""
    if programme is None:
        return Terms(MENTEE_PRESETS[MENTEE_DEFAULT], MENTOR_PRESETS[MENTOR_DEFAULT])
    return Terms(
        _side_words(
            MENTEE_PRESETS, MENTEE_DEFAULT, programme.mentee_term, programme.mentee_term_own, programme.mentee_term_own_plural
        ),
        _side_words(
            MENTOR_PRESETS, MENTOR_DEFAULT, programme.mentor_term, programme.mentor_term_own, programme.mentor_term_own_plural
        ),
    )


def _side_words(presets, default, choice, singular, plural):
    if choice == OWN_WORDS and singular and plural:
        return own_words(singular, plural)
    return presets.get(choice) or presets[default]
