"""/api/v1/: the read-only API (docs/api.md). Flat resources, each a list with filters
(``?scheme=<id>``, ``?programme=<id>``...) and a detail by id."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("benchmark-versions", views.BenchmarkVersionViewSet, basename="benchmark-version")
router.register("self-assessments", views.SelfAssessmentViewSet, basename="self-assessment")
router.register("action-plans", views.ActionPlanViewSet, basename="action-plan")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("good-practices", views.GoodPracticeViewSet, basename="good-practice")

urlpatterns = [
    path("schema/", views.schema_view, name="schema"),
    path("docs/", views.docs_view, name="docs"),
    path("", include(router.urls)),
]
