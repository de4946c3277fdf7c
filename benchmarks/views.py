"""The benchmark library, read-only. Published benchmarks are shared standards, not
confidential: every signed-in user may read them; drafts only their coordinators
(issue on benchmark editing)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from .models import BenchmarkStatus, BenchmarkVersion, KeyFactor


def visible_versions():
    return BenchmarkVersion.objects.filter(status=BenchmarkStatus.PUBLISHED)


@login_required
def benchmark_list(request):
    versions = (
        visible_versions()
        .select_related("benchmark")
        .annotate(key_factor_count=Count("key_factors", distinct=True), context_factor_count=Count("context_factors", distinct=True))
        .order_by("benchmark__slug", "-number")
    )
    return render(request, "benchmarks/benchmark_list.html", {"versions": versions})


@login_required
def benchmark_detail(request, slug, number):
    version = get_object_or_404(visible_versions().select_related("benchmark"), benchmark__slug=slug, number=number)
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
    context = {
        "version": version,
        "sections": sections,
        "context_factors": version.context_factors.order_by("order"),
        "other_versions": version.benchmark.versions.exclude(pk=version.pk).order_by("-number"),
    }
    return render(request, "benchmarks/benchmark_detail.html", context)
