"""The activity log: who did what to which object, written by the services as they write
(the pattern of pretix's ``LogEntry`` and ``log_action``), and read back as sentences.

Writing. A service calls ``log_action(actor=..., action=..., obj=..., scheme=...)``
inside the transaction of its write, so the entry and the change are committed, or
rolled back, together: a write that fails leaves no entry, and no entry tells of a write
that did not happen. ``action`` is a stable dotted code, one of ``ACTIONS`` below (an
unknown code is an error, so a typo cannot write entries nobody can read). The history
tables stay for field-level history and restore; the log says what happened, in a few
words and a little ``data``.

Saving as people type (``mentoring.autosave``) must not flood the log. The folding rule:
a save folds into the newest entry of the same object when
- that entry is the same person's, with the same action (a save of the same thing),
- nobody has an entry on that object since (it is the object's newest entry),
- it was written, or last folded into, less than ``FOLD_WITHIN`` (five minutes, as on
  the history pages) ago,
- and the new save is automatic, or the entry's last save was (so the Save button that
  ends a stretch of typing joins it, and closes it: a second Save button is an entry of
  its own).
The entry then takes the new time, merges the data (lists such as the answers changed
are joined, so ten saves of one answer count one answer) and counts the saves
(``data["saves"]``). An hour of steady typing is one entry; a pause of five minutes, a
colleague's save or another action starts a new one. Every save stays in the history.

Reading. ``recent_changes(scheme)`` reads a scheme's latest entries (one query, with the
people and kinds of object), groups what the same person did in a row to the same kind
of thing ("Marco added 10 answers in Capaci's needs analysis", "Anna changed 3 actions
of the action plan"), and links each line to its object where it still exists (read in
the same query, whatever the kinds of object). People are named by their display name; a line
says "a former participant" only for an account removed since, and "the system" only
for what no person did. A local support group member, who writes through a personal
link without an account, is named by the name and organisation kept in the entry's data
(``log_action(member=...)``). The sentences of every action code are in ``ACTIONS``, in one
place, translatable, with plural forms.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, CharField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .access import ROLE_LABELS
from .autosave import FOLD_WITHIN
from .models import LogEntry

LABEL_LENGTH = 200


@dataclass(frozen=True)
class Action:
    """How the entries of one action code read.

    ``one``: the sentence of one entry, or of a person's entries in a row on one object;
    ``many``: of their entries in a row on several objects of the same kind (or ``group``:
    the same value of that key of ``data``), with ``%(count)s`` objects. ``sentence``
    (entries -> sentence) replaces both for the actions whose sentence counts something
    else (answers in a document). ``folds``: the saves of a person as they type fold
    into one entry (see the module's docstring). ``link``: (place, entry) -> address of
    the object, instead of its kind's (``LINKS``)."""

    one: object
    many: object = None
    sentence: object = None
    group: str = "kind"
    folds: bool = False
    link: object = None


# The documents filled with the questionnaire engine, as a sentence names them.
DOCUMENTS = {
    "needs_analysis": _("%(city)s's needs analysis"),
    "strengths": _("%(city)s's strengths"),
}


def _union(entries, key):
    values = set()
    for entry in entries:
        values.update(entry.data.get(key) or ())
    return values


ANSWERS_ADDED = ngettext_lazy(
    "%(who)s added %(count)s answer in %(document)s", "%(who)s added %(count)s answers in %(document)s", "count"
)
ANSWERS_CHANGED = ngettext_lazy(
    "%(who)s changed %(count)s answer in %(document)s", "%(who)s changed %(count)s answers in %(document)s", "count"
)


def _answers(entries, params):
    """A person's saves of a document in a row: the answers they changed, each once."""
    questions = _union(entries, "questions")
    params["count"] = len(questions)
    return ANSWERS_ADDED if questions <= _union(entries, "added") else ANSWERS_CHANGED


RATINGS = ngettext_lazy(
    "%(who)s changed %(count)s answer in %(city)s's self-assessment (%(round)s)",
    "%(who)s changed %(count)s answers in %(city)s's self-assessment (%(round)s)",
    "count",
)


def _ratings(entries, params):
    params["count"] = len(_union(entries, "key_factors")) + len(_union(entries, "context_factors"))
    return RATINGS


def _invitation(named, unnamed):
    """An invitation's sentence: with the invitee's name when the inviter gave one (the
    address is only shown to those who invite)."""
    return lambda entries, params: named if entries[0].label else unnamed


DEADLINE_NEAR = _("%(label)s: due on %(due)s")
DEADLINE_OVERDUE = _("The action “%(label)s” is overdue: it was due on %(due)s")
# Actions that tell, without changing anything a document prints or recent changes show.
NOTICES = ("deadline.",)


def _deadline(entries, params, text):
    params["due"] = date_format(date.fromisoformat(entries[0].data["due"]), "DATE_FORMAT")
    return text


MEMBER_WILL_ATTEND = _("%(who)s, of the local support group, will attend the visit “%(label)s”")
MEMBER_WILL_NOT_ATTEND = _("%(who)s, of the local support group, will not attend the visit “%(label)s”")


def _scheme_page(name, anchor=""):
    return lambda place, entry: reverse(f"schemes:{name}", kwargs=place) + anchor


# Every action code, with its sentences. Codes are stable: notifications and reports
# select on them. Scheme-level codes first, then programme-level and site-level ones.
ACTIONS = {
    # The scheme itself.
    "scheme.created": Action(_("%(who)s created the scheme")),
    "scheme.changed": Action(_("%(who)s changed the scheme's description"), group="object"),
    # Its focus, or whether it ends with the final action plan (schemes/focus.py).
    "scheme.scope_changed": Action(_("%(who)s changed the steps the scheme takes in: %(label)s"), group="object"),
    "scheme.parties_changed": Action(_("%(who)s changed the parties of the scheme"), group="object"),
    "scheme.paired": Action(_("%(who)s paired the scheme with %(mentor)s as mentor city"), group="object"),
    "scheme.archived": Action(_("%(who)s archived the scheme"), group="object"),
    "scheme.unarchived": Action(_("%(who)s brought the scheme back from the archive"), group="object"),
    "focus.changed": Action(_("%(who)s changed the focus key factors"), group="object", link=_scheme_page("scheme_focus")),
    "focus.agreed": Action(_("%(who)s agreed to the focus key factors"), group="object", link=_scheme_page("scheme_focus")),
    "benchmark_stage.added": Action(
        _("%(who)s added the benchmark stage “%(label)s”"), group="object", link=_scheme_page("benchmark_stages")
    ),
    "benchmark_stage.changed": Action(
        _("%(who)s changed the benchmark stage “%(label)s”"), group="object", link=_scheme_page("benchmark_stages")
    ),
    "benchmark_stage.removed": Action(
        _("%(who)s removed the benchmark stage “%(label)s”"), group="object", link=_scheme_page("benchmark_stages")
    ),
    "history.restored": Action(
        # The kind of record stands apart, as a label, so that no language has to make
        # an article or an adjective agree with a word glued in (issue 24).
        _("%(who)s restored an earlier version of “%(label)s” (%(thing)s)"),
        ngettext_lazy(
            "%(who)s restored an earlier version of %(count)s record (%(things)s)",
            "%(who)s restored earlier versions of %(count)s records (%(things)s)",
            "count",
        ),
    ),
    # Visits and their agendas.
    "visit.added": Action(
        _("%(who)s added the visit “%(label)s”"),
        ngettext_lazy("%(who)s added %(count)s visit", "%(who)s added %(count)s visits", "count"),
    ),
    "visit.changed": Action(
        _("%(who)s changed the plan of the visit “%(label)s”"),
        ngettext_lazy("%(who)s changed the plan of %(count)s visit", "%(who)s changed the plans of %(count)s visits", "count"),
    ),
    "visit.recorded": Action(
        _("%(who)s recorded what happened at the visit “%(label)s”"),
        ngettext_lazy(
            "%(who)s recorded what happened at %(count)s visit", "%(who)s recorded what happened at %(count)s visits", "count"
        ),
        folds=True,
    ),
    "visit.moved": Action(
        _("%(who)s moved the visit “%(label)s” in the series"),
        ngettext_lazy("%(who)s moved %(count)s visit in the series", "%(who)s moved %(count)s visits in the series", "count"),
    ),
    "visit.removed": Action(
        _("%(who)s removed the visit “%(label)s”"),
        ngettext_lazy("%(who)s removed %(count)s visit", "%(who)s removed %(count)s visits", "count"),
    ),
    # Meetings between the visits.
    "meeting.added": Action(
        _("%(who)s planned the meeting “%(label)s”"),
        ngettext_lazy("%(who)s planned %(count)s meeting", "%(who)s planned %(count)s meetings", "count"),
    ),
    "meeting.changed": Action(
        _("%(who)s changed the meeting “%(label)s”"),
        ngettext_lazy("%(who)s changed %(count)s meeting", "%(who)s changed %(count)s meetings", "count"),
    ),
    "meeting.removed": Action(
        _("%(who)s removed the meeting “%(label)s”"),
        ngettext_lazy("%(who)s removed %(count)s meeting", "%(who)s removed %(count)s meetings", "count"),
    ),
    "session.added": Action(
        _("%(who)s added the session “%(label)s” to the agenda of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s added %(count)s session to the agenda of “%(visit)s”",
            "%(who)s added %(count)s sessions to the agenda of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    "session.changed": Action(
        _("%(who)s changed the session “%(label)s” of the agenda of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s changed %(count)s session of the agenda of “%(visit)s”",
            "%(who)s changed %(count)s sessions of the agenda of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    "session.moved": Action(
        _("%(who)s moved the session “%(label)s” of the agenda of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s moved %(count)s session of the agenda of “%(visit)s”",
            "%(who)s moved %(count)s sessions of the agenda of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    "session.removed": Action(
        _("%(who)s removed the session “%(label)s” from the agenda of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s removed %(count)s session from the agenda of “%(visit)s”",
            "%(who)s removed %(count)s sessions from the agenda of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    # Local support groups and political commitment.
    "member.added": Action(
        _("%(who)s added %(label)s to the local support group of %(city)s"),
        ngettext_lazy(
            "%(who)s added %(count)s member to the local support group of %(city)s",
            "%(who)s added %(count)s members to the local support group of %(city)s",
            "count",
        ),
        group="city",
    ),
    "member.changed": Action(
        _("%(who)s changed %(label)s in the local support group of %(city)s"),
        ngettext_lazy(
            "%(who)s changed %(count)s member of the local support group of %(city)s",
            "%(who)s changed %(count)s members of the local support group of %(city)s",
            "count",
        ),
        group="city",
    ),
    "member.removed": Action(
        _("%(who)s removed %(label)s from the local support group of %(city)s"),
        ngettext_lazy(
            "%(who)s removed %(count)s member from the local support group of %(city)s",
            "%(who)s removed %(count)s members from the local support group of %(city)s",
            "count",
        ),
        group="city",
    ),
    # Personal links of support group members, and what members write with them (no
    # actor: the member's name and organisation are in the entry's data, see ``who``).
    "member_link.sent": Action(
        _("%(who)s sent a personal link to %(label)s of the local support group of %(city)s"),
        ngettext_lazy(
            "%(who)s sent a personal link to %(count)s member of the local support group of %(city)s",
            "%(who)s sent personal links to %(count)s members of the local support group of %(city)s",
            "count",
        ),
        group="city",
    ),
    "member_link.revoked": Action(
        _("%(who)s revoked the personal link of %(label)s of the local support group of %(city)s"),
        ngettext_lazy(
            "%(who)s revoked the personal link of %(count)s member of the local support group of %(city)s",
            "%(who)s revoked the personal links of %(count)s members of the local support group of %(city)s",
            "count",
        ),
        group="city",
    ),
    "visit.member_replied": Action(
        None,
        ngettext_lazy(
            "%(who)s, of the local support group, answered for %(count)s visit",
            "%(who)s, of the local support group, answered for %(count)s visits",
            "count",
        ),
        sentence=lambda entries, params: MEMBER_WILL_ATTEND if entries[0].data.get("attending") else MEMBER_WILL_NOT_ATTEND,
    ),
    "action.member_commented": Action(
        _("%(who)s, of the local support group, commented on the action “%(label)s”"),
        ngettext_lazy(
            "%(who)s, of the local support group, commented on %(count)s action",
            "%(who)s, of the local support group, commented on %(count)s actions",
            "count",
        ),
        group="action",
    ),
    "action.member_noted_progress": Action(
        _("%(who)s, of the local support group, wrote a progress note on the action “%(label)s”"),
        ngettext_lazy(
            "%(who)s, of the local support group, wrote progress notes on %(count)s action",
            "%(who)s, of the local support group, wrote progress notes on %(count)s actions",
            "count",
        ),
    ),
    "commitment.added": Action(
        _("%(who)s recorded the political commitment of %(label)s"),
        ngettext_lazy(
            "%(who)s recorded %(count)s political commitment", "%(who)s recorded %(count)s political commitments", "count"
        ),
    ),
    "commitment.changed": Action(
        _("%(who)s changed the political commitment of %(label)s"),
        ngettext_lazy(
            "%(who)s changed %(count)s political commitment", "%(who)s changed %(count)s political commitments", "count"
        ),
    ),
    "commitment.removed": Action(
        _("%(who)s removed the political commitment of %(label)s"),
        ngettext_lazy(
            "%(who)s removed %(count)s political commitment", "%(who)s removed %(count)s political commitments", "count"
        ),
    ),
    # The closing stage's records (schemes/services/closing_records.py).
    "evaluation.changed": Action(_("%(who)s wrote in “%(label)s”"), group="object"),
    "evaluation.submitted": Action(_("%(who)s submitted “%(label)s”"), group="object"),
    "evaluation.reopened": Action(_("%(who)s reopened “%(label)s”"), group="object"),
    "dissemination.added": Action(
        _("%(who)s recorded the dissemination output “%(label)s”"),
        ngettext_lazy(
            "%(who)s recorded %(count)s dissemination output", "%(who)s recorded %(count)s dissemination outputs", "count"
        ),
    ),
    "dissemination.changed": Action(
        _("%(who)s changed the dissemination output “%(label)s”"),
        ngettext_lazy(
            "%(who)s changed %(count)s dissemination output", "%(who)s changed %(count)s dissemination outputs", "count"
        ),
    ),
    "dissemination.removed": Action(
        _("%(who)s removed the dissemination output “%(label)s”"),
        ngettext_lazy(
            "%(who)s removed %(count)s dissemination output", "%(who)s removed %(count)s dissemination outputs", "count"
        ),
    ),
    "support_gap.added": Action(
        _("%(who)s recorded the support gap “%(label)s”"),
        ngettext_lazy("%(who)s recorded %(count)s support gap", "%(who)s recorded %(count)s support gaps", "count"),
    ),
    "support_gap.changed": Action(
        _("%(who)s changed the support gap “%(label)s”"),
        ngettext_lazy("%(who)s changed %(count)s support gap", "%(who)s changed %(count)s support gaps", "count"),
    ),
    "support_gap.removed": Action(
        _("%(who)s removed the support gap “%(label)s”"),
        ngettext_lazy("%(who)s removed %(count)s support gap", "%(who)s removed %(count)s support gaps", "count"),
    ),
    # Files attached to a visit, a session, a commitment, the plan's approval, an update.
    "attachment.added": Action(
        _("%(who)s attached a file to “%(label)s”"),
        ngettext_lazy("%(who)s attached files to %(count)s item", "%(who)s attached files to %(count)s items", "count"),
    ),
    "attachment.removed": Action(
        _("%(who)s removed a file from “%(label)s”"),
        ngettext_lazy("%(who)s removed files from %(count)s item", "%(who)s removed files from %(count)s items", "count"),
    ),
    "attachment.restored": Action(
        _("%(who)s brought back a removed file of “%(label)s”"),
        ngettext_lazy(
            "%(who)s brought back removed files of %(count)s item",
            "%(who)s brought back removed files of %(count)s items",
            "count",
        ),
    ),
    # Visit reports: challenges, risks and recommendations, and the mentee city's responses.
    "visit_report.item_added": Action(
        _("%(who)s wrote in the report of “%(visit)s”: “%(label)s”"),
        ngettext_lazy(
            "%(who)s wrote %(count)s item in the report of “%(visit)s”",
            "%(who)s wrote %(count)s items in the report of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    "visit_report.item_changed": Action(
        _("%(who)s changed “%(label)s” in the report of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s changed %(count)s item in the report of “%(visit)s”",
            "%(who)s changed %(count)s items in the report of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    "visit_report.item_removed": Action(
        _("%(who)s removed “%(label)s” from the report of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s removed %(count)s item from the report of “%(visit)s”",
            "%(who)s removed %(count)s items from the report of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    "visit_report.responded": Action(
        _("%(who)s responded to “%(label)s” in the report of “%(visit)s”"),
        ngettext_lazy(
            "%(who)s responded to %(count)s item in the report of “%(visit)s”",
            "%(who)s responded to %(count)s items in the report of “%(visit)s”",
            "count",
        ),
        group="visit",
    ),
    # The action plan.
    "action.added": Action(
        _("%(who)s added the action “%(label)s”"),
        ngettext_lazy(
            "%(who)s added %(count)s action to the action plan", "%(who)s added %(count)s actions to the action plan", "count"
        ),
    ),
    "action.changed": Action(
        _("%(who)s changed the action “%(label)s”"),
        ngettext_lazy(
            "%(who)s changed %(count)s action of the action plan", "%(who)s changed %(count)s actions of the action plan", "count"
        ),
        folds=True,
    ),
    "action.moved": Action(
        _("%(who)s moved the action “%(label)s”"),
        ngettext_lazy(
            "%(who)s moved %(count)s action of the action plan", "%(who)s moved %(count)s actions of the action plan", "count"
        ),
    ),
    "action.removed": Action(
        _("%(who)s removed the action “%(label)s”"),
        ngettext_lazy(
            "%(who)s removed %(count)s action from the action plan",
            "%(who)s removed %(count)s actions from the action plan",
            "count",
        ),
    ),
    "action.progress_recorded": Action(
        _("%(who)s recorded progress on the action “%(label)s”"),
        ngettext_lazy("%(who)s recorded progress on %(count)s action", "%(who)s recorded progress on %(count)s actions", "count"),
    ),
    "action.commented": Action(
        _("%(who)s commented on the action “%(label)s”"),
        ngettext_lazy("%(who)s commented on %(count)s action", "%(who)s commented on %(count)s actions", "count"),
        group="action",
    ),
    "action_plan.needs_changed": Action(_("%(who)s changed the needs the action plan answers"), group="object"),
    # The consultation of departments and partners on the draft plan (issue 23).
    "action_plan.consultation_added": Action(
        _("%(who)s recorded the consultation of “%(label)s” on the action plan"),
        ngettext_lazy(
            "%(who)s recorded %(count)s consultation on the action plan",
            "%(who)s recorded %(count)s consultations on the action plan",
            "count",
        ),
    ),
    "action_plan.consultation_changed": Action(
        _("%(who)s changed the consultation of “%(label)s” on the action plan"),
        ngettext_lazy(
            "%(who)s changed %(count)s consultation on the action plan",
            "%(who)s changed %(count)s consultations on the action plan",
            "count",
        ),
    ),
    "action_plan.consultation_removed": Action(
        _("%(who)s removed the consultation of “%(label)s” from the action plan"),
        ngettext_lazy(
            "%(who)s removed %(count)s consultation from the action plan",
            "%(who)s removed %(count)s consultations from the action plan",
            "count",
        ),
    ),
    "action_plan.frozen": Action(
        _("%(who)s froze the version “%(label)s” of the action plan"),
        ngettext_lazy(
            "%(who)s froze %(count)s version of the action plan", "%(who)s froze %(count)s versions of the action plan", "count"
        ),
    ),
    "action_plan.submitted": Action(_("%(who)s submitted the action plan for approval"), group="object"),
    "action_plan.reopened": Action(_("%(who)s reopened the action plan as a draft"), group="object"),
    "action_plan.approved": Action(
        _("%(who)s recorded the approval of the action plan (decision “%(reference)s”)"), group="object"
    ),
    # Revisions of an approved plan (issue 23).
    "action_plan.revision_started": Action(
        _("%(who)s started revision %(revision)s of the approved action plan"), group="object"
    ),
    "action_plan.revision_approved": Action(
        _("%(who)s recorded the approval of revision %(revision)s of the action plan (decision “%(reference)s”)"),
        group="object",
    ),
    # The documents of the questionnaire engine (one entry per section saved).
    "needs_analysis.answer.saved": Action(None, sentence=_answers, group="object", folds=True),
    "strengths.answer.saved": Action(None, sentence=_answers, group="object", folds=True),
    "needs_analysis.submitted": Action(_("%(who)s submitted %(document)s"), group="object"),
    "strengths.submitted": Action(_("%(who)s submitted %(document)s"), group="object"),
    "needs_analysis.reopened": Action(_("%(who)s reopened %(document)s"), group="object"),
    "strengths.reopened": Action(_("%(who)s reopened %(document)s"), group="object"),
    "strengths.practices_changed": Action(
        _("%(who)s changed the good practices attached to %(document)s"),
        group="object",
        link=lambda place, entry: _document_url(place, entry) + "#good-practices",
    ),
    "comment.added": Action(
        _("%(who)s commented on “%(section_title)s” in %(document)s"),
        ngettext_lazy(
            "%(who)s wrote %(count)s comment in %(document)s", "%(who)s wrote %(count)s comments in %(document)s", "count"
        ),
        group="document",
    ),
    "comment.replied": Action(
        _("%(who)s answered a comment on “%(section_title)s” in %(document)s"),
        ngettext_lazy(
            "%(who)s answered %(count)s comment in %(document)s", "%(who)s answered %(count)s comments in %(document)s", "count"
        ),
        group="document",
    ),
    "comment.resolved": Action(
        _("%(who)s resolved a comment on “%(section_title)s” in %(document)s"),
        ngettext_lazy(
            "%(who)s resolved %(count)s comment in %(document)s", "%(who)s resolved %(count)s comments in %(document)s", "count"
        ),
        group="document",
    ),
    # Self-assessment.
    "self_assessment.saved": Action(None, sentence=_ratings, group="object", folds=True),
    "self_assessment.submitted": Action(_("%(who)s submitted %(city)s's self-assessment (%(round)s)"), group="object"),
    "self_assessment.round_started": Action(_("%(who)s started %(city)s's re-assessment (%(round)s)"), group="object"),
    "self_assessment.commented": Action(_("%(who)s commented on %(city)s's self-assessment (%(round)s)"), group="object"),
    # People.
    "role.given": Action(
        _("%(who)s gave %(label)s the role of %(role)s"),
        ngettext_lazy("%(who)s gave %(count)s person a role", "%(who)s gave %(count)s people a role", "count"),
    ),
    "role.removed": Action(
        _("%(who)s removed the role of %(role)s from %(label)s"),
        ngettext_lazy("%(who)s removed %(count)s person's role", "%(who)s removed %(count)s people's roles", "count"),
    ),
    "invitation.sent": Action(
        None,
        ngettext_lazy("%(who)s sent %(count)s invitation", "%(who)s sent %(count)s invitations", "count"),
        sentence=_invitation(_("%(who)s invited %(label)s as %(role)s"), _("%(who)s sent an invitation as %(role)s")),
    ),
    "invitation.withdrawn": Action(
        None,
        ngettext_lazy("%(who)s withdrew %(count)s invitation", "%(who)s withdrew %(count)s invitations", "count"),
        sentence=_invitation(_("%(who)s withdrew the invitation of %(label)s"), _("%(who)s withdrew an invitation as %(role)s")),
    ),
    "invitation.accepted": Action(
        _("%(who)s accepted the invitation and joined as %(role)s"),
        ngettext_lazy("%(who)s accepted %(count)s invitation", "%(who)s accepted %(count)s invitations", "count"),
    ),
    # Accounts: deletion on request, and the retention period (mentoring.erasure).
    "account.erasure_asked": Action(_("%(who)s asked for their account to be deleted")),
    "account.erasure_withdrawn": Action(_("%(who)s withdrew their request to delete their account")),
    "account.erasure_declined": Action(_("%(who)s declined a request to delete an account")),
    "account.erased": Action(_("%(who)s deleted the account of %(label)s")),
    "retention.applied": Action(_("The retention period of archived programmes ended: personal data replaced by pseudonyms")),
    # The programme and what it shares with its schemes.
    "programme.created": Action(_("%(who)s created the programme “%(label)s”"), group="object"),
    "programme.changed": Action(_("%(who)s changed the programme's description"), group="object"),
    "programme.archived": Action(_("%(who)s archived the programme"), group="object"),
    "programme.unarchived": Action(_("%(who)s brought the programme back from the archive"), group="object"),
    "organisation.registered": Action(
        _("%(who)s registered %(label)s"),
        ngettext_lazy("%(who)s registered %(count)s organisation", "%(who)s registered %(count)s organisations", "count"),
    ),
    # A city already known to the site added to another programme (issue 26).
    "organisation.joined": Action(
        _("%(who)s added %(label)s to the programme"),
        ngettext_lazy("%(who)s added %(count)s organisation", "%(who)s added %(count)s organisations", "count"),
    ),
    "organisation.changed": Action(
        _("%(who)s changed the record of %(label)s"),
        ngettext_lazy(
            "%(who)s changed the record of %(count)s organisation",
            "%(who)s changed the records of %(count)s organisations",
            "count",
        ),
    ),
    # Calls for mentors and mentees (issue 23). An application is sent by a city without
    # an account: its entry has no actor, and names the city.
    "call.opened": Action(_("%(who)s opened the call “%(label)s”"), group="object"),
    "call.changed": Action(_("%(who)s changed the call “%(label)s”"), group="object"),
    "call.closed": Action(_("%(who)s closed the call “%(label)s”"), group="object"),
    "call.applied": Action(
        _("%(label)s applied to the call “%(call)s”"),
        ngettext_lazy("%(count)s city applied to a call", "%(count)s cities applied to a call", "count"),
    ),
    "call.accepted": Action(
        _("%(who)s accepted the application of %(label)s"),
        ngettext_lazy("%(who)s accepted %(count)s application", "%(who)s accepted %(count)s applications", "count"),
    ),
    "call.declined": Action(
        _("%(who)s declined the application of %(label)s"),
        ngettext_lazy("%(who)s declined %(count)s application", "%(who)s declined %(count)s applications", "count"),
    ),
    "good_practice.added": Action(
        _("%(who)s recorded the good practice “%(label)s”"),
        ngettext_lazy("%(who)s recorded %(count)s good practice", "%(who)s recorded %(count)s good practices", "count"),
    ),
    "good_practice.changed": Action(
        _("%(who)s changed the good practice “%(label)s”"),
        ngettext_lazy("%(who)s changed %(count)s good practice", "%(who)s changed %(count)s good practices", "count"),
        folds=True,
    ),
    "training.added": Action(
        _("%(who)s planned the training session “%(label)s”"),
        ngettext_lazy("%(who)s planned %(count)s training session", "%(who)s planned %(count)s training sessions", "count"),
    ),
    "training.changed": Action(
        _("%(who)s changed the training session “%(label)s”"),
        ngettext_lazy("%(who)s changed %(count)s training session", "%(who)s changed %(count)s training sessions", "count"),
    ),
    "survey.answered": Action(_("%(who)s answered the mentoring-styles survey"), group="object"),
    "template.adapted": Action(_("%(who)s started version %(version)s of the template “%(label)s”"), group="object"),
    "translation.changed": Action(
        ngettext_lazy(
            "%(who)s changed the translation (%(language)s) of %(changed)s text of “%(label)s”",
            "%(who)s changed the translation (%(language)s) of %(changed)s texts of “%(label)s”",
            "changed",
        ),
        group="object",
    ),
    # The guidance and section titles of a programme's template (issue 23).
    "template.reworded": Action(_("%(who)s reworded the guidance of the template “%(label)s”"), group="object"),
    "section.reworded": Action(
        _("%(who)s reworded the section “%(label)s”"),
        ngettext_lazy("%(who)s reworded %(count)s section", "%(who)s reworded %(count)s sections", "count"),
    ),
    "question.added": Action(
        _("%(who)s added the question “%(label)s”"),
        ngettext_lazy("%(who)s added %(count)s question", "%(who)s added %(count)s questions", "count"),
    ),
    "question.changed": Action(
        _("%(who)s changed the question “%(label)s”"),
        ngettext_lazy("%(who)s changed %(count)s question", "%(who)s changed %(count)s questions", "count"),
    ),
    "question.moved": Action(
        _("%(who)s moved the question “%(label)s”"),
        ngettext_lazy("%(who)s moved %(count)s question", "%(who)s moved %(count)s questions", "count"),
    ),
    "question.hidden": Action(
        _("%(who)s hid the question “%(label)s”"),
        ngettext_lazy("%(who)s hid %(count)s question", "%(who)s hid %(count)s questions", "count"),
    ),
    "question.shown": Action(
        _("%(who)s showed the question “%(label)s” again"),
        ngettext_lazy("%(who)s showed %(count)s question again", "%(who)s showed %(count)s questions again", "count"),
    ),
    "benchmark.draft_created": Action(_("%(who)s started the draft benchmark “%(label)s”"), group="object"),
    "benchmark.draft_imported": Action(_("%(who)s imported the draft benchmark “%(label)s”"), group="object"),
    "benchmark.changed": Action(_("%(who)s changed the draft benchmark “%(label)s”"), group="object"),
    "benchmark.key_factor_saved": Action(
        _("%(who)s saved key factor %(key_factor)s of the draft benchmark “%(label)s”"),
        group="object",
    ),
    "benchmark.key_factor_moved": Action(
        _("%(who)s moved key factor %(key_factor)s of the draft benchmark “%(label)s”"), group="object"
    ),
    "benchmark.key_factor_removed": Action(
        _("%(who)s removed key factor %(key_factor)s from the draft benchmark “%(label)s”"), group="object"
    ),
    "benchmark.published": Action(_("%(who)s published the benchmark “%(label)s”"), group="object"),
    # Deadlines, told by the application (``schemes.services.deadlines``): notices to the
    # people concerned, not changes (a scheme's recent changes leave them out).
    "deadline.near": Action(
        None,
        sentence=lambda entries, params: _deadline(entries, params, DEADLINE_NEAR),
        link=lambda place, entry: entry.data["url"],
    ),
    "deadline.overdue": Action(None, sentence=lambda entries, params: _deadline(entries, params, DEADLINE_OVERDUE)),
    # A person's own settings.
    "email_preferences.changed": Action(_("%(who)s changed which e-mails they receive"), group="object"),
    "data_export.requested": Action(_("%(who)s asked for a download of their data"), group="object"),
    # Personal keys to the read-only API (mentoring.api.tokens).
    "api_token.created": Action(_("%(who)s created the API key “%(label)s”"), group="object"),
    "api_token.revoked": Action(_("%(who)s revoked the API key “%(label)s”"), group="object"),
    "benchmark.discarded": Action(_("%(who)s deleted the draft benchmark “%(label)s”"), group="object"),
}


# -- Writing ---------------------------------------------------------------------------


def _label(obj, label):
    """``label``, else the object's own name (its title or name, as people wrote it)."""
    if label is None and obj is not None:
        label = getattr(obj, "title", None) or getattr(obj, "name", None) or obj
    text = str(label if label is not None else "")
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def _merged(older, newer):
    """The data of an entry a save folds into: lists joined (each value once, in the
    order met), the saves counted, the rest as the newest save says."""
    data = {**older, **newer}
    for key, value in newer.items():
        if isinstance(value, list) and isinstance(older.get(key), list):
            data[key] = older[key] + [item for item in value if item not in older[key]]
    data["saves"] = older.get("saves", 1) + 1
    data["automatic"] = bool(older.get("automatic") or newer.get("automatic"))  # any of them
    data["last_automatic"] = bool(newer.get("automatic"))
    return data


def log_action(*, actor, action, obj=None, scheme=None, programme=None, data=None, label=None, autosave=False, member=None):
    """Record that ``actor`` (a person; None for the application itself) did ``action``
    (a code of ``ACTIONS``) to ``obj`` in ``scheme`` (or ``programme``), with ``data``
    (JSON: which fields changed, counts). ``label`` names the object (its text by
    default) so the entry reads well after the object is gone: log a removal before the
    delete. ``autosave``: the save was automatic, and may fold (the module's docstring).

    Runs inside the transaction of the write it records. Returns the entry. A write in a
    scheme may change what its documents print: they are laid out again in the background
    after the commit (``schemes.documents.documents_changed``, debounced).

    ``member``: a local support group member who did it through their personal link
    (``actor`` is then None): their name and organisation go into ``data``, so the entry
    names them as they were when they wrote (``who``)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise ValueError(f"Unknown action code {action!r}: add it to mentoring.activity.ACTIONS.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action() runs inside the transaction of the write it records.")
    if scheme is not None and not action.startswith(NOTICES):
        from schemes.documents import documents_changed

        documents_changed(scheme)
    programme_id = programme.pk if programme is not None else scheme.programme_id if scheme is not None else None
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    data = dict(data or {})
    if member is not None:
        if actor is not None:
            raise ValueError("An entry is a person's or a support group member's, not both.")
        data.update(member=member.pk, member_name=member.name, member_organisation=member.organisation)
    label = _label(obj, label)
    now = timezone.now()
    if spec.folds:
        data["automatic"] = data["last_automatic"] = bool(autosave)
        if actor is not None and obj is not None:
            previous = (
                LogEntry.objects.select_for_update()
                .filter(content_type=content_type, object_id=obj.pk)
                .order_by("-time", "-id")
                .first()
            )
            if (
                previous is not None
                and previous.actor_id == actor.pk
                and previous.action == action
                and now - previous.time <= FOLD_WITHIN
                and (autosave or previous.data.get("last_automatic"))
            ):
                previous.time, previous.label, previous.data = now, label, _merged(previous.data, data)
                previous.save(update_fields=["time", "label", "data"])
                return previous
        data["saves"] = 1
    entry = LogEntry.objects.create(
        time=now,
        actor=actor,
        system=actor is None and member is None,
        action=action,
        programme_id=programme_id,
        scheme=scheme,
        content_type=content_type,
        object_id=obj.pk if obj is not None else None,
        label=label,
        data=data,
    )
    from .notifications import notify  # it reads the log with this module's sentences

    notify(entry)
    return entry


def changed_fields(form):
    """The names of the fields ``form`` changed (not its hidden version and token)."""
    return [name for name in form.changed_data if name not in {"seen_version", "submission"}]


# -- Reading ---------------------------------------------------------------------------

RECENT_CHANGES = 10  # lines on a scheme's page
READ = 60  # the entries read to make them (a line groups several)


# The column of each kind of object its address needs, besides its id (read with the
# check that it still exists).
def _plan_city(path):
    """The city of a community's plan (issue 23) as text, "" for a scheme's shared plan."""
    return Coalesce(Cast(path, output_field=CharField()), Value(""))


KEYS = {
    "schemes.visit": "order",
    "schemes.agendaitem": "visit__order",
    "schemes.response": "organisation_id",
    "schemes.comment": "response__organisation_id",
    "schemes.selfassessment": "city_id",
    "schemes.localsupportgroupmember": "group__city_id",
    # A version's number and its plan's city ("3:" for the shared plan's, "3:12").
    "schemes.actionplanversion": Concat(
        Cast("number", output_field=CharField()), Value(":"), _plan_city("plan__organisation_id")
    ),
    "schemes.actionplan": _plan_city("organisation_id"),
    "schemes.action": _plan_city("plan__organisation_id"),
    "schemes.actioncomment": _plan_city("action__plan__organisation_id"),
    "schemes.planconsultation": _plan_city("plan__organisation_id"),
    "schemes.visitreportitem": "visit__order",
}


def _url(name, place, **kwargs):
    return reverse(f"schemes:{name}", kwargs={**place, **kwargs})


def _plan_url(place, entry, name="action_plan", city=None, **kwargs):
    """A page of the shared plan, or of a community city's own plan (its city the entry's
    key: ``KEYS``)."""
    city = entry.key if city is None else city
    if city:
        return _url(f"city_{name}", place, city=city, **kwargs)
    return _url(name, place, **kwargs)


def _version_url(place, entry):
    number, _sep, city = entry.key.partition(":")
    return _plan_url(place, entry, "action_plan_version", city=city, version=number)


def _document_url(place, entry, suffix=""):
    kind = entry.data.get("kind")
    return _url(kind, place, organisation=entry.key) + suffix


def _document_part_url(place, entry):
    """A questionnaire's entry: its section when it names one, else the document."""
    sections = entry.data.get("sections") or ([entry.data["section"]] if entry.data.get("section") else [])
    if len(sections) != 1:
        return _document_url(place, entry)
    url = _url(f"{entry.data['kind']}_section", place, organisation=entry.key, section=sections[0])
    return url + (f"#comment-{entry.data['thread']}" if entry.data.get("thread") else "")


def _people_url(place):
    """The people of the scheme, or of the programme for a programme-level entry (an
    invitation or a role in the programme: ``place`` without a scheme number)."""
    if "number" in place:
        return _url("scheme_people", place)
    return reverse("schemes:programme_people", kwargs={"programme": place["programme"]})


# The address of each kind of object in a scheme, from ``place`` (programme and scheme
# number), the entry, and its ``key`` (KEYS).
LINKS = {
    "schemes.visit": lambda place, entry: _url("visit", place, visit=entry.key),
    "schemes.agendaitem": lambda place, entry: _url("visit", place, visit=entry.key) + f"#session-{entry.object_id}",
    "schemes.visitreportitem": lambda place, entry: _url("visit_report", place, visit=entry.key) + f"#item-{entry.object_id}",
    "schemes.localsupportgroupmember": lambda place, entry: _url("support_group", place, organisation=entry.key),
    "schemes.meeting": lambda place, entry: _url("meeting", place, pk=entry.object_id),
    "schemes.politicalcommitment": lambda place, entry: _url("scheme", place) + "#commitment",
    "schemes.mentoringevaluation": lambda place, entry: _url("closing", place) + f"#evaluation-{entry.object_id}",
    "schemes.disseminationoutput": lambda place, entry: _url("closing", place) + f"#output-{entry.object_id}",
    "schemes.supportgap": lambda place, entry: _url("closing", place) + f"#gap-{entry.object_id}",
    "schemes.action": lambda place, entry: _plan_url(place, entry) + f"#action-{entry.object_id}",
    "schemes.actioncomment": lambda place, entry: _plan_url(place, entry) + f"#action-{entry.data.get('action')}",
    "schemes.actionplan": lambda place, entry: _plan_url(place, entry),
    "schemes.planconsultation": lambda place, entry: _plan_url(place, entry) + f"#consultation-{entry.object_id}",
    "schemes.actionplanversion": _version_url,
    "schemes.response": _document_part_url,
    "schemes.comment": _document_part_url,
    "schemes.selfassessment": lambda place, entry: _url("self_assessment", place, organisation=entry.key),
    "schemes.schemerole": lambda place, entry: _url("scheme_people", place),
    "schemes.invitation": lambda place, entry: _people_url(place),
    "schemes.programmerole": lambda place, entry: _people_url(place),
    "schemes.scheme": lambda place, entry: _url("scheme", place),
}
# The page that lists several objects of a kind, for a line about several of them.
LIST_LINKS = {
    "schemes.visit": lambda place, entry: _url("visits", place),
    "schemes.agendaitem": lambda place, entry: _url("visits", place),
    "schemes.meeting": lambda place, entry: _url("meetings", place),
    "schemes.visitreportitem": lambda place, entry: _url("visits", place),
    "schemes.action": lambda place, entry: _plan_url(place, entry),
    "schemes.actioncomment": lambda place, entry: _plan_url(place, entry),
    "schemes.actionplanversion": lambda place, entry: (
        _plan_url(place, entry, city=(entry.key or "").partition(":")[2]) + "#versions"
    ),
    "schemes.planconsultation": lambda place, entry: _plan_url(place, entry) + "#consultation",
    "schemes.schemerole": lambda place, entry: _url("scheme_people", place),
    "schemes.invitation": lambda place, entry: _url("scheme_people", place),
}


@dataclass
class Change:
    """A line of recent changes: what one person did in a row, newest first."""

    when: datetime
    who: str
    text: str
    url: str = ""
    entries: list = field(default_factory=list)


def who(entry):
    if entry.actor is not None:
        return entry.actor.display_name
    if entry.actor_id is None and entry.data.get("member_name"):
        # A support group member, through their personal link: no account, named as
        # they were when they wrote.
        return str(
            _("%(name)s (%(organisation)s)")
            % {
                "name": entry.data["member_name"],
                "organisation": entry.data.get("member_organisation", ""),
            }
        )
    return str(_("The system")) if entry.system else str(_("A former participant"))


def _model_key(entry):
    if entry.content_type is None:
        return None
    return f"{entry.content_type.app_label}.{entry.content_type.model}"


def _group_key(entry):
    spec = ACTIONS.get(entry.action)
    key = (entry.actor_id, entry.system, entry.data.get("member"), entry.action, entry.content_type_id)
    if spec is None or spec.group == "object":
        return (*key, entry.object_id)
    if spec.group == "kind":
        return key
    return (*key, repr(entry.data.get(spec.group)))


def grouped(entries):
    """``entries`` (newest first) in runs: what the same person did in a row, with the
    same action, to things of the same kind (``Action.group``)."""
    runs = []
    for entry in entries:
        if runs and _group_key(runs[-1][-1]) == _group_key(entry):
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return runs


def _target_key(prefix=""):
    """The column of an entry's object that its address needs (``KEYS``, else its id), as
    text, read with the entry: None when the object is gone, or of a kind without an
    address here. A CASE over the kinds of ``LINKS``, each a subquery on the object's
    primary key, so the log and its objects come in one query whatever the kinds.
    ``prefix``: the path to the entry from the model queried ("entry__" from a
    notification)."""
    whens = []
    for model_key in sorted(LINKS):
        app_label, model_name = model_key.split(".")
        model = apps.get_model(app_label, model_name)
        found = (
            model._base_manager.filter(pk=OuterRef(f"{prefix}object_id"))
            .order_by()
            .annotate(target_key=Cast(KEYS.get(model_key, "pk"), output_field=CharField()))
            .values("target_key")[:1]
        )
        kind = {f"{prefix}content_type__app_label": app_label, f"{prefix}content_type__model": model_name}
        whens.append(When(**kind, then=Subquery(found)))
    return Case(*whens, default=None, output_field=CharField())


def _params(entries):
    """What the sentences of a run may say: who, the newest object's name, how many
    objects, the newest entry's data, and the names derived from it."""
    newest = entries[0]
    params = {key: value for key, value in newest.data.items() if isinstance(value, (str, int)) and not isinstance(value, bool)}
    params.update(
        who=who(newest),
        label=newest.label,
        count=len({(entry.content_type_id, entry.object_id) for entry in entries}),
    )
    if "round_number" in newest.data or "label_message" in newest.data:
        # Names the application gave (a self-assessment round, a plan version), said in
        # the reader's language.
        from schemes.models.action_plans import VersionName
        from schemes.models.self_assessments import round_name

        if "round_number" in newest.data:
            params["round"] = round_name(newest.data["round_number"], newest.data.get("round_label", ""))
        if newest.data.get("label_message"):
            params["label"] = VersionName.said(newest.data["label_message"], newest.label)
    if newest.data.get("kind") in DOCUMENTS:
        params["document"] = DOCUMENTS[newest.data["kind"]] % {"city": newest.data.get("city", "")}
    if "role" in newest.data:
        # In the programme's words ("Implementing city") when its row came with the entry.
        programme = newest.programme if newest.programme_id and LogEntry.programme.is_cached(newest) else None
        params["role"] = role_name(newest.data["role"], programme)
    model = apps.get_model(newest.content_type.app_label, newest.content_type.model) if newest.content_type else None
    if model is not None:
        params["thing"], params["things"] = model._meta.verbose_name, model._meta.verbose_name_plural
    return params


def role_name(role, programme=None):
    if programme is not None:
        return str(programme.terms.role_label(role))
    return str(ROLE_LABELS.get(role, role))


def sentence(entries):
    """The sentence of a run of entries (``grouped``), or of one entry."""
    spec = ACTIONS.get(entries[0].action)
    params = _params(entries)
    if spec is None:
        return f"{params['who']}: {entries[0].action} {params['label']}".strip()
    if spec.sentence is not None and (params["count"] == 1 or spec.many is None):
        text = spec.sentence(entries, params)
    elif params["count"] > 1 and spec.many is not None:
        text = spec.many
    else:
        text = spec.one
    return str(text % params)


def _link(entries, place):
    newest = entries[0]
    model = _model_key(newest)
    spec = ACTIONS.get(newest.action)
    several = len({(entry.content_type_id, entry.object_id) for entry in entries}) > 1
    if several and model in LIST_LINKS:
        return LIST_LINKS[model](place, newest)
    if several or not newest.exists:
        return ""
    link = (spec.link if spec is not None else None) or LINKS.get(model)
    return link(place, newest) if link is not None else ""


def recent_changes(scheme, limit=RECENT_CHANGES):
    """The latest changes in ``scheme``, newest first, as sentences with links to what
    still exists: one query however long its log (the latest ``READ`` entries, with
    their people, kinds of object and objects' keys)."""
    entries = list(
        LogEntry.objects.filter(scheme=scheme)
        .exclude(action__startswith=NOTICES[0])
        .select_related("actor", "content_type")
        .annotate(target_key=_target_key())
        .order_by("-time", "-id")[:READ]
    )
    for entry in entries:
        entry.key = entry.target_key
        entry.exists = entry.key is not None
        entry.programme = scheme.programme  # the scheme's own: its words, no query
    runs = grouped(entries)[:limit]
    place = {"programme": scheme.programme.slug, "number": scheme.number}
    return [Change(run[0].time, who(run[0]), sentence(run), _link(run, place), run) for run in runs]


def last_change(scheme, *prefixes):
    """When the scheme's entries whose action starts with one of ``prefixes`` were last
    written, as a local date (None before any): the date a document of that part carries,
    so that its content, and its cached PDF, stay the same from one day to the next."""
    condition = Q()
    for prefix in prefixes:
        condition |= Q(action__startswith=prefix)
    latest = LogEntry.objects.filter(condition, scheme=scheme).aggregate(latest=Max("time"))["latest"]
    return timezone.localdate(latest) if latest else None
