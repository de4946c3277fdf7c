"""The API's filters (django-filter), and the backend that refuses a filter it does not
know: a misspelt ``?shceme=3`` answers 400 naming the parameter, rather than the whole
list as if the filter had applied.

Filters narrow what the person may read already (the viewset's scoped queryset): an id of
another programme or scheme gives an empty list, never its objects."""

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from benchmarks.models import BenchmarkVersion
from schemes.models import ActionPlan, GoodPractice, Meeting, Organisation, Scheme, SelfAssessment, Visit

# Parameters every list takes besides its filters.
GENERAL_PARAMETERS = frozenset({"page", "page_size", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(GENERAL_PARAMETERS)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        _("Unknown parameter “%(name)s”. This list takes: %(known)s.")
                        % {"name": name, "known": ", ".join(sorted(known))}
                    ]
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)


class SchemeFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programme_id", help_text="A programme's id.")

    class Meta:
        model = Scheme
        fields = ["programme", "kind", "phase", "archived"]


class OrganisationFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programmes", help_text="A programme's id.")

    class Meta:
        model = Organisation
        fields = ["programme", "kind", "country"]


class BenchmarkVersionFilter(django_filters.FilterSet):
    slug = django_filters.CharFilter(field_name="benchmark__slug", help_text="The benchmark's short name.")

    class Meta:
        model = BenchmarkVersion
        fields = ["slug"]


class InSchemeFilter(django_filters.FilterSet):
    scheme = django_filters.NumberFilter(field_name="scheme_id", help_text="A scheme's id.")
    programme = django_filters.NumberFilter(field_name="scheme__programme_id", help_text="A programme's id.")


class SelfAssessmentFilter(InSchemeFilter):
    city = django_filters.NumberFilter(field_name="city_id", help_text="An organisation's id.")

    class Meta:
        model = SelfAssessment
        fields = ["scheme", "programme", "city", "round", "benchmark"]


class ActionPlanFilter(InSchemeFilter):
    class Meta:
        model = ActionPlan
        fields = ["scheme", "programme", "status"]


class VisitFilter(InSchemeFilter):
    class Meta:
        model = Visit
        fields = ["scheme", "programme", "status", "kind"]


class MeetingFilter(InSchemeFilter):
    class Meta:
        model = Meeting
        fields = ["scheme", "programme", "purpose"]


class GoodPracticeFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programme_id", help_text="A programme's id.")
    city = django_filters.NumberFilter(field_name="city_id", help_text="An organisation's id.")
    key_factor = django_filters.NumberFilter(field_name="key_factors", help_text="A key factor's id.")

    class Meta:
        model = GoodPractice
        fields = ["programme", "city", "key_factor"]
