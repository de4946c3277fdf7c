"""Self-assessment of a city against its scheme's benchmark (docs/method.md §4): rounds (the
baseline, then re-assessments), saving a round without losing a colleague's change,
submitting (an earlier round is read-only), and the figures the charts draw.

Concurrent saves: the form is split into pages (a few key factors each, then the notes
on the context factors), and each page carries the newest history row of its own rows.
On save the round is locked; if any row of that page changed since, nothing is written
and the writer is told which key factors changed, with their own text kept. A save
touches only the rows of its page, so two people on different pages never conflict.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action
from mentoring.autosave import AUTOSAVE

from ..models import ContextFactorNote, KeyFactorAssessment, SelfAssessment, SelfAssessmentComment
from .limits import check_document_text


class RoundClosed(Exception):
    """The round is submitted: read-only."""


def seen_version(assessment, *, key_factors=(), context_factors=()):
    """The newest history row of a round's rows for ``key_factors`` and
    ``context_factors`` (one page of the form): 0 before any save."""
    if assessment is None or assessment.pk is None:
        return 0
    newest = 0
    for history, lookup, factors in (
        (KeyFactorAssessment.history, "key_factor_id__in", key_factors),
        (ContextFactorNote.history, "context_factor_id__in", context_factors),
    ):
        if factors:
            rows = history.filter(assessment_id=assessment.pk, **{lookup: [factor.pk for factor in factors]})
            newest = max(newest, rows.aggregate(m=Max("history_id"))["m"] or 0)
    return newest


@dataclass
class RoundSave:
    saved: int = 0
    conflict: bool = False  # someone else saved meanwhile: nothing was written
    changed_by_others: list = field(default_factory=list)  # the key factors they changed
    version: int = 0  # what the page's next save builds on


@transaction.atomic
def round_save(*, scheme, city, assessment, key_factors, context_factors, values, notes, seen, user, reason="", benchmark=None):
    """Save one page of the form into ``assessment`` (the baseline against ``benchmark``,
    the scheme's by default, is created on its first save): ``values`` ({key factor id: (level, evidence, focus)}) of the page's
    ``key_factors`` and ``notes`` ({context factor id: text}) of its ``context_factors``.
    ``seen`` is the page's version (``seen_version``) the writer started from."""
    if assessment is None:
        assessment, _created = SelfAssessment.objects.get_or_create(
            scheme=scheme,
            city=city,
            benchmark_id=benchmark.pk if benchmark is not None else scheme.benchmark_id,
            round=1,
        )
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.submitted_at is not None:
        raise RoundClosed
    result, changed_factors, changed_notes = RoundSave(), [], []
    rows = {row.key_factor_id: row for row in assessment.key_factors.all()}
    note_rows = {row.context_factor_id: row for row in assessment.context_notes.all()}
    if seen_version(assessment, key_factors=key_factors, context_factors=context_factors) != seen:
        changed = set(
            KeyFactorAssessment.history.filter(
                assessment_id=assessment.pk, history_id__gt=seen, key_factor_id__in=[kf.pk for kf in key_factors]
            ).values_list("key_factor_id", flat=True)
        )
        result.conflict = True
        result.changed_by_others = [kf for kf in key_factors if kf.pk in changed]
        return result
    # The limit is the whole round's: this page's text and what the other pages hold.
    check_document_text(
        sum(len(evidence or "") for _level, evidence, _focus in values.values())
        + sum(len(text or "") for text in notes.values())
        + sum(len(row.evidence) for pk, row in rows.items() if pk not in values)
        + sum(len(row.notes) for pk, row in note_rows.items() if pk not in notes)
    )
    for key_factor in key_factors:
        level, evidence, focus = values[key_factor.pk]
        row = rows.get(key_factor.pk)
        if row is None:
            if level is None and not evidence and not focus:
                continue
            row = KeyFactorAssessment(assessment=assessment, key_factor=key_factor)
        elif (row.level, row.evidence, row.focus) == (level, evidence, focus):
            continue
        row.level, row.evidence, row.focus, row.updated_by = level, evidence, focus, user
        row._change_reason = reason
        row.save()
        result.saved += 1
        changed_factors.append(key_factor.pk)
    for context_factor in context_factors:
        text = notes[context_factor.pk]
        row = note_rows.get(context_factor.pk)
        if row is None and not text or row is not None and row.notes == text:
            continue
        row = row or ContextFactorNote(assessment=assessment, context_factor=context_factor)
        row.notes = text
        row._change_reason = reason
        row.save()
        result.saved += 1
        changed_notes.append(context_factor.pk)
    if result.saved:
        log_action(
            actor=user,
            action="self_assessment.saved",
            obj=assessment,
            scheme=scheme,
            label=city.label,
            autosave=reason == AUTOSAVE,
            data={**_round_data(assessment, city), "key_factors": changed_factors, "context_factors": changed_notes},
        )
    result.version = seen_version(assessment, key_factors=key_factors, context_factors=context_factors)
    return result


def _round_data(assessment, city):
    # The round by its number and the name someone gave it (if any), so that the log says
    # its name in the reader's language (entries written before keep a "round" of their own).
    return {"city": city.label, "organisation": city.pk, "round_number": assessment.round, "round_label": assessment.label}


@transaction.atomic
def round_submit(*, assessment, scheme, city, actor):
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.submitted_at is None:
        assessment.submitted_at = timezone.now()
        assessment._change_reason = gettext_lazy("Submitted")
        assessment.save()
        log_action(
            actor=actor,
            action="self_assessment.submitted",
            obj=assessment,
            scheme=scheme,
            label=city.label,
            data=_round_data(assessment, city),
        )
    return assessment


@transaction.atomic
def round_start(*, scheme, city, previous, actor, label=""):
    """A re-assessment after ``previous`` (submitted): it starts from the previous
    answers, to be revised; ``previous`` stays as it was."""
    previous = SelfAssessment.objects.select_for_update().get(pk=previous.pk)
    if previous.submitted_at is None:
        raise RoundClosed
    following = SelfAssessment.objects.filter(
        scheme=scheme, city=city, benchmark_id=previous.benchmark_id, round=previous.round + 1
    ).first()
    if following is not None:
        return following
    assessment = SelfAssessment.objects.create(
        scheme=scheme,
        city=city,
        benchmark=previous.benchmark,
        round=previous.round + 1,
        # Unnamed, it goes by its own round ("Round 2", in the reader's language: see
        # SelfAssessment.name), as the pages count rounds (issue 26).
        label=label,
    )
    for row in previous.key_factors.all():
        KeyFactorAssessment.objects.create(
            assessment=assessment, key_factor_id=row.key_factor_id, level=row.level, evidence=row.evidence, focus=row.focus
        )
    for note in previous.context_notes.all():
        ContextFactorNote.objects.create(assessment=assessment, context_factor_id=note.context_factor_id, notes=note.notes)
    log_action(
        actor=actor,
        action="self_assessment.round_started",
        obj=assessment,
        scheme=scheme,
        label=city.label,
        data=_round_data(assessment, city),
    )
    return assessment


def levels(assessment):
    """{key factor id: level} of a round (levels not given are left out)."""
    if assessment is None:
        return {}
    return {row.key_factor_id: row.level for row in assessment.key_factors.all() if row.level is not None}


# The sides whose agreement the scope needs, by the role of the person agreeing.
AGREEMENT_FIELDS = {"mentee": "focus_agreed_by_mentee", "mentor": "focus_agreed_by_mentor"}


@transaction.atomic
def focus_save(*, form, roles, actor, holder=None):
    """Save the focus key factors of ``form`` (a StageFocusForm on the scheme). A change of
    the set withdraws both sides' agreement; the person saving agrees for their side.
    ``holder``: where that agreement is kept (a later benchmark stage's row; the scheme
    by default)."""
    scheme = form.instance
    holder = scheme if holder is None or holder is scheme else holder
    before = dict(scheme.focus_key_factors.values_list("pk", "number"))
    chosen = {key_factor.pk: key_factor.number for key_factor in form.cleaned_data["focus_key_factors"]}
    if set(before) == set(chosen):
        return False
    from .setup import form_save_with_history

    holder.focus_agreed_by_mentee = holder.focus_agreed_by_mentor = None
    for role, field_name in AGREEMENT_FIELDS.items():
        if role in roles:
            setattr(holder, field_name, timezone.now())
    if holder is not scheme:
        holder._change_reason = gettext_lazy("Focus key factors changed")
        holder.save()
    form_save_with_history(
        form,
        actor=actor,
        action="focus.changed",
        scheme=scheme,
        reason=gettext_lazy("Focus key factors changed"),
        data={
            "added": sorted(number for pk, number in chosen.items() if pk not in before),
            "removed": sorted(number for pk, number in before.items() if pk not in chosen),
        },
    )
    return True


@transaction.atomic
def focus_agree(*, scheme, roles, actor, holder=None):
    """Record the agreement of the sides the person speaks for (on ``holder``: a later
    benchmark stage's row; the scheme by default)."""
    holder = scheme if holder is None else holder
    sides = []
    for role, field_name in AGREEMENT_FIELDS.items():
        if role in roles and getattr(holder, field_name) is None:
            setattr(holder, field_name, timezone.now())
            sides.append(role)
    if sides:
        holder._change_reason = gettext_lazy("Focus key factors agreed")
        holder.save()
        log_action(actor=actor, action="focus.agreed", obj=scheme, scheme=scheme, data={"sides": sides})
    return bool(sides)


@transaction.atomic
def round_comment_add(*, form, assessment, scheme, city, actor):
    """A comment on ``city``'s round ``assessment`` (a peer of a community of practice, or
    an organiser), logged as the round's: the round itself is unchanged."""
    comment = form.save(commit=False)
    comment.assessment, comment.author = assessment, actor
    comment._change_reason = gettext_lazy("Comment written")
    comment.save()
    log_action(
        actor=actor,
        action="self_assessment.commented",
        obj=assessment,
        scheme=scheme,
        label=city.label,
        data=_round_data(assessment, city),
    )
    return comment


def round_comments(assessment):
    """The comments on a round, oldest first, with their authors: one query."""
    if assessment is None:
        return SelfAssessmentComment.objects.none()
    return assessment.comments.select_related("author").order_by("created_at", "pk")
