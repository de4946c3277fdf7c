"""The API's resources: each a list and a detail, GET only (any other method: 405).

Every viewset reads through ``scopes`` (the pages' own querysets), so another programme's
or scheme's object is a 404 and a list holds only what the person reads on the pages;
each reads its related rows with ``select_related``/``prefetch_related``, so a page of
100 costs the queries of a page of 5."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.response import Response

from benchmarks.models import BenchmarkVersion, KeyFactor
from schemes.models import (
    Action,
    ActionPlan,
    GoodPractice,
    KeyFactorAssessment,
    Meeting,
    Organisation,
    Programme,
    Scheme,
    SelfAssessment,
    Visit,
)
from schemes.services.progress import progress_for, progress_queryset

from . import filters, scopes, serializers


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    scope = None  # user -> the queryset the person may read
    lookup_value_regex = "[0-9]+"  # ids only: anything else is not an address of the API

    def get_queryset(self):
        return self.read(self.scope(self.request.user)).order_by("pk")

    def read(self, queryset):
        """``queryset`` with what the serializer reads, in a fixed number of queries."""
        return queryset


def _described(name, plural):
    return extend_schema_view(
        list=extend_schema(summary=f"List the {plural} you may read", description="Paginated; see the filters below."),
        retrieve=extend_schema(summary=f"One {name}", description="Another programme's or scheme's id is a 404."),
    )


@_described("programme", "programmes")
class ProgrammeViewSet(ReadOnlyViewSet):
    """Programmes: those where you hold a role, or a role in one of their schemes."""

    queryset = Programme.objects.none()
    serializer_class = serializers.ProgrammeSerializer
    scope = staticmethod(scopes.programmes)
    filterset_fields = ["archived"]


@_described("scheme", "schemes")
class SchemeViewSet(ReadOnlyViewSet):
    """Schemes with each step's state, as the scheme's page and the dashboard show them:
    yours, or every scheme of a programme you coordinate or observe."""

    queryset = Scheme.objects.none()
    serializer_class = serializers.SchemeSerializer
    filterset_class = filters.SchemeFilter
    scope = staticmethod(scopes.schemes)

    def read(self, queryset):
        # ``progress_for`` reads each scheme's parties with their organisations itself.
        return progress_queryset(queryset)

    def _with_progress(self, schemes):
        context = self.get_serializer_context()
        context["progress"] = progress_for(schemes)
        return context

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(page, many=True, context=self._with_progress(page))
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        scheme = self.get_object()
        return Response(self.get_serializer(scheme, context=self._with_progress([scheme])).data)


@_described("organisation", "organisations")
class OrganisationViewSet(ReadOnlyViewSet):
    """Cities, associations and other organisations of your programmes."""

    queryset = Organisation.objects.none()
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    scope = staticmethod(scopes.organisations)


@_described("benchmark version", "benchmark versions")
class BenchmarkVersionViewSet(ReadOnlyViewSet):
    """Published benchmark versions (the library: every signed-in person reads them), with
    their key factors."""

    queryset = BenchmarkVersion.objects.none()
    serializer_class = serializers.BenchmarkVersionSerializer
    filterset_class = filters.BenchmarkVersionFilter
    scope = staticmethod(scopes.benchmark_versions)

    def read(self, queryset):
        return queryset.select_related("benchmark").prefetch_related(
            Prefetch("key_factors", queryset=KeyFactor.objects.order_by("order", "pk"))
        )


@_described("self-assessment", "self-assessments")
class SelfAssessmentViewSet(ReadOnlyViewSet):
    """Self-assessment rounds of the cities of your schemes, with the level of each key
    factor."""

    queryset = SelfAssessment.objects.none()
    serializer_class = serializers.SelfAssessmentSerializer
    filterset_class = filters.SelfAssessmentFilter

    def scope(self, user):
        return scopes.in_schemes("SelfAssessment", user)

    def read(self, queryset):
        levels = KeyFactorAssessment.objects.select_related("key_factor").order_by("key_factor__order", "pk")
        return queryset.select_related("city").prefetch_related(Prefetch("key_factors", queryset=levels))


@_described("action plan", "action plans")
class ActionPlanViewSet(ReadOnlyViewSet):
    """Action plans of your schemes (a community of practice: one per city), with their
    actions and each action's progress."""

    queryset = ActionPlan.objects.none()
    serializer_class = serializers.ActionPlanSerializer
    filterset_class = filters.ActionPlanFilter

    def scope(self, user):
        return scopes.in_schemes("ActionPlan", user)

    def read(self, queryset):
        actions = Action.objects.order_by("order", "pk").prefetch_related("key_factors")
        return queryset.select_related("organisation").prefetch_related(Prefetch("actions", queryset=actions))


@_described("visit", "visits")
class VisitViewSet(ReadOnlyViewSet):
    """The mentoring visits of your schemes."""

    queryset = Visit.objects.none()
    serializer_class = serializers.VisitSerializer
    filterset_class = filters.VisitFilter

    def scope(self, user):
        return scopes.in_schemes("Visit", user)

    def read(self, queryset):
        return queryset.select_related("host")


@_described("meeting", "meetings")
class MeetingViewSet(ReadOnlyViewSet):
    """The meetings between the visits of your schemes."""

    queryset = Meeting.objects.none()
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter

    def scope(self, user):
        return scopes.in_schemes("Meeting", user)


@_described("good practice", "good practices")
class GoodPracticeViewSet(ReadOnlyViewSet):
    """The good practices recorded in your programmes (each visible to every scheme of
    its programme, as on the programme's good practices page)."""

    queryset = GoodPractice.objects.none()
    serializer_class = serializers.GoodPracticeSerializer
    filterset_class = filters.GoodPracticeFilter

    def scope(self, user):
        return scopes.in_programmes("GoodPractice", user)

    def read(self, queryset):
        return queryset.select_related("city").prefetch_related(
            Prefetch("key_factors", queryset=KeyFactor.objects.order_by("order", "pk"))
        )


schema_view = SpectacularAPIView.as_view()
# The documentation page: Swagger UI from the sidecar's static files, its start-up script
# a file of its own (the Content-Security-Policy allows no inline script).
docs_view = login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"))
