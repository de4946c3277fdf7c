"""Writing benchmarks in the browser: drafts, their key factors and context factors, and
publishing.

A coordinator works on a *draft* version that belongs to their programme: a blank one,
an imported JSON file, or a copy of a published version. Every change goes through
``_locked_draft``, which locks the version row and refuses anything once it is
published: a published version (the one schemes use) never changes; its next revision
is a new draft. Publishing offers the version to the programme that wrote it.

A programme writes only in its own benchmarks: a draft from another programme's
benchmark or a shared reference one (a copy, or an imported file carrying its slug)
starts a benchmark of the programme's own (``benchmark_import``), and publishing
refuses any version outside the programme's own benchmarks.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action
from mentoring.forms import save_ordered_rows
from mentoring.history import move_in_order

from .models import Benchmark, BenchmarkStatus, BenchmarkVersion
from .services import benchmark_export, benchmark_import


class BenchmarkPublished(Exception):
    """The version is published, so it no longer changes."""

    message = gettext_lazy(
        "This version is published and no longer changes: schemes rely on it. Start a new draft from it to revise the benchmark."
    )


class BenchmarkNotOwned(Exception):
    """The version is not a draft of the programme's own benchmark (views answer 404:
    another programme's drafts are confidential)."""


class BenchmarkNotReady(Exception):
    """The draft cannot be published yet; ``problems`` says why."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(problems))


def _locked_draft(version):
    version = BenchmarkVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != BenchmarkStatus.DRAFT:
        raise BenchmarkPublished
    return version


def _touch(version, reason):
    """Save the version itself, so that its history (and the editing check of the
    pages that show it) records every change of its parts."""
    version._change_reason = reason
    version.save()


def _log(actor, action, version, programme=None, **data):
    log_action(
        actor=actor,
        action=action,
        obj=version,
        programme=programme or version.programme,
        label=version.title,
        data={"benchmark": version.benchmark.slug, "number": version.number, **data},
    )


# ``actor`` of the writes below: who did it (None: the application, loading data).


@transaction.atomic
def draft_create(*, programme, slug, theme, title, actor=None):
    """A new benchmark of ``programme`` with an empty first draft."""
    benchmark = Benchmark.objects.create(slug=slug, theme=theme, programme=programme)
    version = BenchmarkVersion.objects.create(
        benchmark=benchmark, number=1, status=BenchmarkStatus.DRAFT, title=title, programme=programme
    )
    _log(actor, "benchmark.draft_created", version, programme)
    return version


@transaction.atomic
def draft_from(*, version, programme, actor=None):
    """A copy of ``version`` to revise: the next draft of its benchmark when that is
    ``programme``'s own, else the first of a benchmark of the programme's own."""
    data = benchmark_export(version=version)
    data["version_label"] = ""
    draft = benchmark_import(data=data, status=BenchmarkStatus.DRAFT, programme=programme, based_on=version)
    _log(actor, "benchmark.draft_created", draft, programme, based_on=version.pk)
    return draft


@transaction.atomic
def draft_import(*, data, programme, actor=None):
    """A draft from a benchmark file (raises ``BenchmarkFormatError`` listing every problem)."""
    draft = benchmark_import(data=data, status=BenchmarkStatus.DRAFT, programme=programme)
    _log(actor, "benchmark.draft_imported", draft, programme)
    return draft


@transaction.atomic
def key_factor_save(*, version, form, questions, examples, actor):
    """Save a key factor with its guide questions and examples (formsets with ORDER and
    DELETE fields): rows are renumbered in the order the coordinator gave."""
    version = _locked_draft(version)
    key_factor = form.save(commit=False)
    if key_factor.pk is None:
        key_factor.version = version
        key_factor.order = (version.key_factors.aggregate(n=Max("order"))["n"] or 0) + 1
    key_factor.save()
    for formset in (questions, examples):
        save_ordered_rows(formset, key_factor=key_factor)
    _touch(version, _("Key factor %(number)s saved") % {"number": key_factor.number})
    _log(actor, "benchmark.key_factor_saved", version, key_factor=key_factor.number)
    return key_factor


@transaction.atomic
def factors_save(*, version, form, sections, context_factors, actor):
    """Save the version's header with its sections and context factors."""
    _locked_draft(version)
    version = form.save()  # records the change in the version's history
    for formset in (sections, context_factors):
        save_ordered_rows(formset, version=version)
    _log(actor, "benchmark.changed", version)


@transaction.atomic
def key_factor_move(*, key_factor, up, actor):
    """Swap ``key_factor`` with its neighbour above (``up``) or below."""
    version = _locked_draft(key_factor.version)
    if not move_in_order(version.key_factors.order_by("order", "pk"), key_factor, up=up):
        return False
    _touch(version, _("Key factor %(number)s moved") % {"number": key_factor.number})
    _log(actor, "benchmark.key_factor_moved", version, key_factor=key_factor.number)
    return True


@transaction.atomic
def key_factor_delete(*, key_factor, actor):
    version = _locked_draft(key_factor.version)
    key_factor.delete()
    _touch(version, _("Key factor %(number)s removed") % {"number": key_factor.number})
    _log(actor, "benchmark.key_factor_removed", version, key_factor=key_factor.number)


def publish_problems(version):
    """What stops ``version`` from being published, in words; empty when it is ready."""
    problems = []
    key_factors = list(version.key_factors.all())
    if not key_factors:
        problems.append(_("It has no key factors."))
    if not version.title.strip():
        problems.append(_("It has no title."))
    return problems


@transaction.atomic
def draft_publish(*, version, programme, actor=None):
    """Publish the draft and offer it to ``programme``; from now on it never changes.
    Only a draft the programme wrote in its own benchmark: publishing adds a public
    version to the benchmark, which must never happen to another programme's."""
    version = _locked_draft(version)
    if version.programme_id != programme.pk or version.benchmark.programme_id != programme.pk:
        raise BenchmarkNotOwned
    problems = publish_problems(version)
    if problems:
        raise BenchmarkNotReady(problems)
    version.status = BenchmarkStatus.PUBLISHED
    version.published_at = timezone.now()
    version._change_reason = gettext_lazy("Published")
    version.save()
    programme.benchmarks.add(version)
    _log(actor, "benchmark.published", version, programme)
    return version


@transaction.atomic
def draft_discard(*, version, actor):
    """Delete a draft (and its benchmark, when it was the benchmark's only version)."""
    version = _locked_draft(version)
    _log(actor, "benchmark.discarded", version)
    benchmark = version.benchmark
    version.delete()
    if not benchmark.versions.exists():
        benchmark.delete()
