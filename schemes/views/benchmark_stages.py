"""A benchmark per stage of the scheme (seed 001: the general benchmark for the first part,
a thematic benchmark for the second): the list of stages, adding, editing and removing
one (asked first), its history. Set up by the scheme's coordinators and facilitators
(``benchmark_stage`` in mentoring.access), read by everyone of the scheme. Stages are
fetched through the scheme.

``chosen_stage`` is the stage switcher of the self-assessment, focus and report pages:
``?benchmark=<version id>`` of one of the scheme's stages (any other id is a 404),
the stage in force without it."""

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import scheme_view
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from ..forms.benchmark_stages import BenchmarkStageForm
from ..services.benchmark_stages import (
    BenchmarkTaken,
    LastStage,
    first_stage_sync,
    stage_add,
    stage_change,
    stage_in_force,
    stage_remove,
    stages_of,
)


@dataclass
class StageChoice:
    """The scheme's stages, the one a page shows and the one in force."""

    stages: list
    stage: object
    in_force: object

    @property
    def benchmark_id(self):
        return self.stage.benchmark_id if self.stage else None

    @property
    def query(self):
        """What the page's own links carry to stay on this stage (nothing with one stage)."""
        return f"?benchmark={self.stage.benchmark_id}" if len(self.stages) > 1 else ""

    def links(self, url):
        """(stage, address, shown, in force) of every stage, for the switcher on ``url``."""
        return [
            (stage, f"{url}?benchmark={stage.benchmark_id}", stage is self.stage, stage is self.in_force) for stage in self.stages
        ]


def chosen_stage(request, scheme):
    """The stage ``?benchmark=`` names among the scheme's stages (404 for any other
    version), else the stage in force; 404 when the scheme has no benchmark."""
    return stage_choice(scheme, request.GET.get("benchmark", ""))


def stage_choice(scheme, value=""):
    """The stage whose benchmark version id is ``value`` (text, as in an address), else
    the stage in force."""
    stages = stages_of(scheme)
    if not stages:
        raise Http404(_("This scheme has no benchmark to assess against."))
    in_force = stage_in_force(stages)
    if not value:
        return StageChoice(stages, in_force, in_force)
    stage = next((stage for stage in stages if str(stage.benchmark_id) == value), None)
    if stage is None:
        raise Http404(_("This benchmark is not one of the scheme's stages."))
    return StageChoice(stages, stage, in_force)


TAKEN = gettext_lazy("Another stage of this scheme already uses this benchmark: each stage assesses against its own.")


def _stages_url(scheme):
    return reverse("schemes:benchmark_stages", kwargs={"programme": scheme.programme.slug, "number": scheme.number})


def _stage(scheme, pk):
    return get_object_or_404(scheme.benchmark_stages.select_related("benchmark", "starts_from"), pk=pk)


@require_safe
@scheme_view("view", "benchmark_stage")
def stage_list(request, scheme, access):
    """The stages in order: name, benchmark, the visit each starts from, which is in force."""
    stages = stages_of(scheme)
    return render(
        request,
        "benchmark_stages/list.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "access": access,
            "stages": stages,
            "in_force": stage_in_force(stages),
            "page_title": _("Benchmark of each stage"),
        },
    )


@scheme_view("edit", "benchmark_stage")
def stage_create(request, scheme, access):
    form = BenchmarkStageForm(request.POST or None, scheme=scheme)
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: stage_add(form=form, scheme=scheme, actor=request.user),
                url=lambda stage: _stages_url(scheme),
            )
        except BenchmarkTaken:
            form.add_error("benchmark", TAKEN)
            saved = None
        if saved:
            if not saved.again:
                messages.success(request, _("Stage added."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Add a stage with its benchmark"),
        submit_label=_("Save"),
        cancel_url=_stages_url(scheme),
        context={"programme": scheme.programme, "scheme": scheme},
    )


@scheme_view("edit", "benchmark_stage")
def stage_edit(request, scheme, access, pk):
    stage = _stage(scheme, pk)
    form = BenchmarkStageForm(request.POST or None, instance=stage, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            stage_change(form=form, scheme=scheme, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        except BenchmarkTaken:
            form.add_error("benchmark", TAKEN)
        else:
            messages.success(request, _("Stage saved."))
            return redirect(_stages_url(scheme))
    return form_page(
        request,
        form,
        title=_("Edit the stage “%(name)s”") % {"name": stage.name},
        submit_label=_("Save"),
        cancel_url=_stages_url(scheme),
        context={"programme": scheme.programme, "scheme": scheme},
    )


@require_POST
@scheme_view("edit", "benchmark_stage")
def stage_delete(request, scheme, access, pk):
    stage = _stage(scheme, pk)
    if not confirmed(request):
        return confirm_page(
            request,
            **removal_question(
                stage.name,
                kept=_("It stays in the history; the self-assessment rounds against its benchmark are kept."),
            ),
            cancel_url=_stages_url(scheme),
            context={"programme": scheme.programme, "scheme": scheme},
        )
    try:
        stage_remove(stage=stage, scheme=scheme, actor=request.user)
    except LastStage:
        messages.error(
            request, _("This is the scheme's only stage: its benchmark is chosen or cleared in the scheme's description.")
        )
    else:
        messages.success(request, _("Stage removed (it stays in the history)."))
    return redirect(_stages_url(scheme))


@require_safe
@scheme_view("view", "benchmark_stage")
def stage_history(request, scheme, access, pk):
    stage = _stage(scheme, pk)
    return history_view(
        request, stage, access, "benchmark_stage", context={"programme": scheme.programme, "scheme": scheme, "title": stage.name}
    )


@require_POST
@scheme_view("edit", "benchmark_stage")
def stage_restore(request, scheme, access, pk, history_id):
    # The restore and the scheme's benchmark following its first stage: one transaction.
    with transaction.atomic():
        response = restore_view(request, _stage(scheme, pk), access, "benchmark_stage", history_id, scheme=scheme)
        first_stage_sync(scheme=scheme)  # a restored first stage may bring back another benchmark
    return response
