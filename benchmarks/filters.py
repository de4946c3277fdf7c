"""Browsing the benchmark library by theme and version (django-filter)."""

import django_filters
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from .models import Benchmark, BenchmarkStatus, BenchmarkVersion

VERSION_CHOICES = [("latest", _("The latest of each benchmark")), ("all", _("Every version"))]


class BenchmarkVersionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="benchmark",
        queryset=Benchmark.objects.filter(versions__status=BenchmarkStatus.PUBLISHED).distinct().order_by("theme"),
        empty_label=_("Every theme"),
    )
    versions = django_filters.ChoiceFilter(
        label=_("Versions"), choices=VERSION_CHOICES, method="filter_versions", empty_label=None
    )

    class Meta:
        model = BenchmarkVersion
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("versions", "latest")
        super().__init__(data, *args, **kwargs)
        self.filters["theme"].field.label_from_instance = lambda benchmark: benchmark.theme

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__icontains=value) | Q(benchmark__theme__icontains=value) | Q(key_factors__title__icontains=value)
        ).distinct()

    def filter_versions(self, queryset, name, value):
        if value == "all":
            return queryset
        newest = (
            BenchmarkVersion.objects.filter(benchmark=OuterRef("benchmark"), status=BenchmarkStatus.PUBLISHED)
            .values("benchmark")
            .annotate(n=Max("number"))
            .values("n")
        )
        return queryset.filter(number=Subquery(newest))
