"""A benchmark per stage of a scheme (schemes.models.benchmark_stages): which stages a
scheme has, which one is in force, and the writes that add, change and remove them while
keeping ``Scheme.benchmark`` the first stage's benchmark.

Seed 001: “The ‘general benchmark’ will help to structure the first mentoring visit
focusing on the general setup of integration policies”; “The four specific benchmarks
will help to structure the visits of the second half of the mentoring process”.

The stage in force is the latest stage whose start visit is held or has begun (its
first day has come and it is not cancelled); before that, the first stage. A later
stage without a start visit is never in force by itself: it is read by choosing it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action

from ..models import Scheme, SchemeBenchmark, VisitStatus

# The name of the stage a scheme's single benchmark becomes (the data migration writes
# the same words, untranslated).
FIRST_STAGE_NAME = gettext_lazy("First part")


def stages_of(scheme):
    """The scheme's stages in order, each with its benchmark version (and that version's
    benchmark) and its start visit: one query. A scheme with a benchmark and no stage
    rows (made after the rows were first written) has one unsaved stage standing for
    ``Scheme.benchmark``."""
    stages = list(
        SchemeBenchmark.objects.filter(scheme=scheme)
        .select_related("benchmark__benchmark", "starts_from")
        .order_by("order", "pk")
    )
    if not stages and scheme.benchmark_id:
        stages = [SchemeBenchmark(scheme=scheme, benchmark=scheme.benchmark, name=str(FIRST_STAGE_NAME), order=1)]
    return stages


def has_begun(visit, today):
    """Whether a stage starting from ``visit`` is in force: the visit is held, or its
    first day has come and it is not cancelled."""
    if visit is None:
        return False
    if visit.status == VisitStatus.HELD:
        return True
    return visit.status != VisitStatus.CANCELLED and visit.start_date is not None and visit.start_date <= today


def stage_in_force(stages, today=None, visits=None):
    """The stage of ``stages`` (in order) in force ``today``: the latest whose start visit
    is held or has begun, else the first (None without stages). ``visits``: {id: visit}
    already read, instead of each stage's ``starts_from``."""
    if not stages:
        return None
    today = today or timezone.localdate()
    current = stages[0]
    for stage in stages[1:]:
        if stage.starts_from_id is None:
            continue
        visit = visits.get(stage.starts_from_id) if visits is not None else stage.starts_from
        if has_begun(visit, today):
            current = stage
    return current


def agreement_holder(scheme, stage):
    """Where the sides' agreement to ``stage``'s focus key factors is kept: the scheme's
    own fields for the first stage (what the rest of the code reads), the stage row for
    a later one."""
    if stage is None or stage.pk is None or stage.benchmark_id == scheme.benchmark_id:
        return scheme
    return stage


def _first_follows(scheme, reason):
    """``Scheme.benchmark`` becomes the first stage's benchmark (saved with a history row)."""
    first = SchemeBenchmark.objects.filter(scheme=scheme).order_by("order", "pk").first()
    if first is not None and scheme.benchmark_id != first.benchmark_id:
        # The stage that was first keeps the agreement the scheme held for it.
        for former in SchemeBenchmark.objects.filter(scheme=scheme, benchmark_id=scheme.benchmark_id):
            former.focus_agreed_by_mentee = scheme.focus_agreed_by_mentee
            former.focus_agreed_by_mentor = scheme.focus_agreed_by_mentor
            former._change_reason = reason
            former.save(update_fields=["focus_agreed_by_mentee", "focus_agreed_by_mentor"])
        scheme.benchmark_id = first.benchmark_id
        # The sides' agreement to the focus is the new first stage's own, never the one
        # given to another benchmark.
        scheme.focus_agreed_by_mentee = first.focus_agreed_by_mentee
        scheme.focus_agreed_by_mentor = first.focus_agreed_by_mentor
        scheme._change_reason = reason
        scheme.save(update_fields=["benchmark", "focus_agreed_by_mentee", "focus_agreed_by_mentor"])


def _lock(scheme):
    return Scheme.objects.select_for_update().get(pk=scheme.pk)


def _materialise_first(scheme):
    """Write the unsaved stage standing for ``Scheme.benchmark``, before another is added."""
    if scheme.benchmark_id and not SchemeBenchmark.objects.filter(scheme=scheme).exists():
        stage = SchemeBenchmark(scheme=scheme, benchmark_id=scheme.benchmark_id, name=str(FIRST_STAGE_NAME), order=1)
        stage._change_reason = gettext_lazy("The scheme's benchmark")
        stage.save()


def _data(stage):
    return {
        "stage": stage.name,
        "benchmark": str(stage.benchmark),
        "visit": stage.starts_from.order if stage.starts_from_id else None,
    }


class BenchmarkTaken(Exception):
    """Another stage of the scheme took this benchmark while the form was being sent."""


def _not_taken(scheme, stage):
    # Checked again once the scheme is locked: two forms sent at once both passed the form.
    if SchemeBenchmark.objects.filter(scheme=scheme, benchmark_id=stage.benchmark_id).exclude(pk=stage.pk).exists():
        raise BenchmarkTaken


@transaction.atomic
def stage_add(*, form, scheme, actor):
    """Add the stage of ``form`` (a BenchmarkStageForm of ``scheme``)."""
    scheme = _lock(scheme)
    _materialise_first(scheme)
    _not_taken(scheme, form.instance)
    stage = form.save(commit=False)
    stage.scheme = scheme
    stage._change_reason = gettext_lazy("Added")
    stage.save()
    _first_follows(scheme, gettext_lazy("First benchmark stage changed"))
    log_action(actor=actor, action="benchmark_stage.added", obj=stage, scheme=scheme, label=stage.name, data=_data(stage))
    return stage


@transaction.atomic
def stage_change(*, form, scheme, actor):
    """Save the stage of ``form``; a changed benchmark of the first stage becomes the
    scheme's benchmark."""
    from .setup import form_save_with_history

    _lock(scheme)
    _not_taken(scheme, form.instance)
    stage = form_save_with_history(form, actor=actor, action="benchmark_stage.changed", scheme=scheme, label=form.instance.name)
    _first_follows(scheme, gettext_lazy("First benchmark stage changed"))
    return stage


class LastStage(Exception):
    """The only stage of a scheme is its benchmark: chosen or cleared on the scheme's form."""


@transaction.atomic
def stage_remove(*, stage, scheme, actor):
    """Remove a stage (it stays in the history; its self-assessment rounds stay too). The
    only stage is not removed (``LastStage``)."""
    _lock(scheme)
    if SchemeBenchmark.objects.filter(scheme=scheme).exclude(pk=stage.pk).count() == 0:
        raise LastStage
    log_action(actor=actor, action="benchmark_stage.removed", obj=stage, scheme=scheme, label=stage.name, data=_data(stage))
    stage._change_reason = gettext_lazy("Removed")
    stage.delete()
    _first_follows(scheme, gettext_lazy("First benchmark stage removed"))


@transaction.atomic
def first_stage_sync(*, scheme):
    """``Scheme.benchmark`` becomes the first stage's (after a stage's restore)."""
    _first_follows(_lock(scheme), gettext_lazy("First benchmark stage changed"))


@transaction.atomic
def stages_follow_scheme(*, scheme):
    """After the scheme's own form changed ``Scheme.benchmark``: the first stage takes it
    (or, without a benchmark, the stages go: mentoring without a benchmark)."""
    stages = list(SchemeBenchmark.objects.filter(scheme=scheme).order_by("order", "pk"))
    if not stages:
        return
    if scheme.benchmark_id is None:
        for stage in stages:
            stage._change_reason = gettext_lazy("The scheme has no benchmark any more")
            stage.delete()
        return
    first = stages[0]
    if first.benchmark_id != scheme.benchmark_id:
        for other in stages[1:]:
            if other.benchmark_id == scheme.benchmark_id:  # now the first: one stage per benchmark
                other._change_reason = gettext_lazy("Became the first stage")
                other.delete()
        first.benchmark_id = scheme.benchmark_id
        first._change_reason = gettext_lazy("The scheme's benchmark changed")
        first.save()
