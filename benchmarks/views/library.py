"""The benchmark library, read-only. Published benchmarks are shared standards, not
confidential: every signed-in user may read them. Drafts are read and written inside the
programme that writes them (benchmarks/views/editor.py)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from mentoring.documents import pdf_response, render_document
from mentoring.translations import show_objects_in

from ..filters import BenchmarkVersionFilter
from ..models import BenchmarkStatus, BenchmarkVersion, KeyFactor


def visible_versions():
    return BenchmarkVersion.objects.filter(status=BenchmarkStatus.PUBLISHED)


def _published_version(slug, number):
    return get_object_or_404(visible_versions().select_related("benchmark"), benchmark__slug=slug, number=number)


@require_safe
@login_required
def benchmark_list(request):
    """Published benchmarks by theme and version: the latest of each unless asked."""
    filterset = BenchmarkVersionFilter(request.GET or None, queryset=visible_versions())
    versions = (
        filterset.qs.select_related("benchmark")
        .annotate(
            key_factor_count=Count("key_factors", distinct=True), context_factor_count=Count("context_factors", distinct=True)
        )
        .order_by("benchmark__theme", "-number")
    )
    return render(request, "benchmarks/benchmark_list.html", {"versions": versions, "filter": filterset})


def benchmark_context(version, *, translated=False, original=False):
    """What the benchmark page and the booklet show: key factors grouped by section.
    ``translated``: in the reader's language where the benchmark has a translation (in
    memory; ``translation_notice`` says so), unless ``original`` (issue 24)."""
    key_factors = (
        KeyFactor.objects.filter(version=version)
        .select_related("section")
        .prefetch_related("guide_questions", "examples")
        .order_by("order")
    )
    sections = []
    for kf in key_factors:
        if not sections or sections[-1][0] != kf.section:
            sections.append((kf.section, []))
        sections[-1][1].append(kf)
    context_factors = list(version.context_factors.order_by("order"))
    notice = None
    if translated:
        parts = [version, *context_factors]
        for kf in key_factors:
            parts.extend([kf, *kf.guide_questions.all()] + ([kf.section] if kf.section else []))
        notice = show_objects_in(parts, original=original)
    return {"version": version, "sections": sections, "context_factors": context_factors, "translation_notice": notice}


@require_safe
@login_required
def benchmark_detail(request, slug, number):
    context = benchmark_context(_published_version(slug, number), translated=True, original=bool(request.GET.get("original")))
    context["other_versions"] = context["version"].benchmark.versions.exclude(pk=context["version"].pk).order_by("-number")
    return render(request, "benchmarks/benchmark_detail.html", context)


@require_safe
@login_required
def benchmark_booklet(request, slug, number):
    """The benchmark as a booklet PDF, for workshops."""
    context = benchmark_context(_published_version(slug, number), translated=True)
    return pdf_response(
        request, render_document("documents/benchmark_booklet.html", context, filename=f"{slug}-v{number}.pdf"), download=True
    )
