"""The closing stage's records (seed 002, "Concluding the ImpleMentoring process"): each
side's evaluation of the mentoring, the dissemination outputs and the associations'
support gaps. Writes, each logged and saved with a history reason, and the closing
page's reads in a fixed number of queries.

Who writes what:
- an evaluation: the people of its side only (``SIDE_ROLES``): the mentee city's
  officers the mentee side, the mentor city's the mentor side, the scheme's facilitators
  the facilitation. Everyone of the scheme reads them. Submitted, it is read-only until
  the same people reopen it.
- dissemination outputs: the mentee and mentor officers and the facilitators;
- support gaps and multi-level issues: the scheme's associations.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.access import FACILITATOR, MENTEE, MENTOR
from mentoring.activity import log_action
from mentoring.forms import EditConflict, latest_history_id

from ..models import DisseminationOutput, EvaluationSide, GovernanceLevel, MentoringEvaluation, Scheme, SupportGap
from .attachments import attachments_with, with_attachments, with_files_flag

# The role that writes each side's evaluation.
SIDE_ROLES = {
    EvaluationSide.MENTEE: MENTEE,
    EvaluationSide.MENTOR: MENTOR,
    EvaluationSide.FACILITATION: FACILITATOR,
}


class EvaluationLocked(Exception):
    """A submitted evaluation cannot change; ``str()`` is the message for the person."""


def may_write_side(access, side, action="edit"):
    """True when the person may ``action`` the evaluation of ``side``: they hold that
    side's role in the scheme (and the scheme is not archived)."""
    return access.can(action, "mentoring_evaluation") and SIDE_ROLES[side] in access.roles


def locked_message():
    return _("This evaluation is submitted: it can no longer change. Its writers can reopen it first.")


@transaction.atomic
def evaluation_save(*, form, scheme, side, actor):
    """Save the evaluation of ``side`` from ``form`` (its instance, or a new one for the
    first save). A first save that meets one saved meanwhile by a colleague, or an edit
    of an evaluation submitted meanwhile, raises ``EditConflict`` / ``EvaluationLocked``."""
    from .setup import form_save_with_history

    evaluation = form.instance
    if evaluation.pk is None:
        # Two first saves at once: the scheme's row is the lock, the second one finds the
        # first's evaluation and is told, its text kept (the unique constraint holds too).
        Scheme.objects.select_for_update().filter(pk=scheme.pk).values_list("pk", flat=True).first()
        existing = MentoringEvaluation.objects.filter(scheme=scheme, side=side).first()
        if existing is not None:
            # The page drawn again carries the colleague's version: saving it again, once
            # read, is the writer's word (as ``ConcurrentEditMixin`` does for an edit).
            data = form.data.copy()
            data[form.add_prefix("seen_version")] = str(latest_history_id(existing))
            form.data = data
            form.add_error(None, ValidationError(form.conflict_message, code="conflict"))
            raise EditConflict
        evaluation.scheme, evaluation.side = scheme, side
        reason = gettext_lazy("Started")
    else:
        current = MentoringEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.submitted:
            raise EvaluationLocked(locked_message())
        reason = ""
    return form_save_with_history(
        form, actor=actor, action="evaluation.changed", scheme=scheme, label=str(evaluation), reason=reason
    )


@transaction.atomic
def evaluation_submit(*, evaluation, scheme, actor):
    """Submit ``evaluation``: it becomes read-only. Refused (``ValueError`` with the
    message) when nothing is written in it; a second submit changes nothing."""
    evaluation = MentoringEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.submitted:
        return evaluation
    if not any(text.strip() for text in (evaluation.learned, evaluation.worked, evaluation.change)):
        raise ValueError(_("Write at least one answer before submitting the evaluation."))
    evaluation.submitted_at, evaluation.submitted_by = timezone.now(), actor
    evaluation._change_reason = gettext_lazy("Submitted")
    evaluation.save()
    log_action(actor=actor, action="evaluation.submitted", obj=evaluation, scheme=scheme, label=str(evaluation))
    return evaluation


@transaction.atomic
def evaluation_reopen(*, evaluation, scheme, actor):
    """Reopen a submitted ``evaluation`` as a draft (a draft stays as it is)."""
    evaluation = MentoringEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evaluation.submitted:
        return evaluation
    evaluation.submitted_at, evaluation.submitted_by = None, None
    evaluation._change_reason = gettext_lazy("Reopened")
    evaluation.save()
    log_action(actor=actor, action="evaluation.reopened", obj=evaluation, scheme=scheme, label=str(evaluation))
    return evaluation


@transaction.atomic
def output_save(*, form, scheme, actor):
    """Save a new or edited dissemination output of ``scheme``."""
    from .setup import form_save_with_history

    output = form.instance
    creating = output.pk is None
    if creating:
        output.scheme, output.created_by = scheme, actor
    return form_save_with_history(
        form,
        actor=actor,
        action="dissemination.added" if creating else "dissemination.changed",
        scheme=scheme,
        reason=gettext_lazy("Recorded") if creating else "",
    )


@transaction.atomic
def output_remove(*, output, scheme, actor):
    """Remove a dissemination output (it stays in the history; its files are removed
    with it and kept for the retention period)."""
    log_action(actor=actor, action="dissemination.removed", obj=output, scheme=scheme)
    attachments_with([output], actor)
    output.delete()


@transaction.atomic
def gap_save(*, form, scheme, actor):
    """Save a new or edited support gap of ``scheme``."""
    from .setup import form_save_with_history

    gap = form.instance
    creating = gap.pk is None
    if creating:
        gap.scheme, gap.created_by = scheme, actor
    return form_save_with_history(
        form,
        actor=actor,
        action="support_gap.added" if creating else "support_gap.changed",
        scheme=scheme,
        label=str(gap),
        reason=gettext_lazy("Recorded") if creating else "",
    )


@transaction.atomic
def gap_remove(*, gap, scheme, actor):
    log_action(actor=actor, action="support_gap.removed", obj=gap, scheme=scheme, label=str(gap))
    gap.delete()


def closing_records(scheme):
    """What the closing page shows: the evaluation of each side (None where not started),
    the outputs with their files, the support gaps. Four queries, five with files,
    however many records."""
    evaluations = {e.side: e for e in MentoringEvaluation.objects.filter(scheme=scheme).select_related("submitted_by")}
    outputs = with_attachments(with_files_flag(DisseminationOutput.objects.filter(scheme=scheme).order_by("date", "pk")))
    levels = list(GovernanceLevel.values)  # local to European, not alphabetical
    gaps = sorted(SupportGap.objects.filter(scheme=scheme).order_by("pk"), key=lambda gap: levels.index(gap.level))
    return {
        "evaluations": [(side, evaluations.get(side)) for side in EvaluationSide],
        "outputs": outputs,
        "gaps": gaps,
    }
