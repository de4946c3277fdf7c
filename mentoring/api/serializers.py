"""What each resource of the API shows: the fields the pages show everyone who may read
them. People are left out (who wrote what, who took part): the API serves a network's
website or CRM, not a directory of persons."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
    SchemeParty,
    SelfAssessment,
    Visit,
)


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class ProgrammeSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="The programme's page.")

    class Meta:
        model = Programme
        fields = ["id", "slug", "name", "description", "start_date", "end_date", "funding", "archived", "url"]


class StepSerializer(serializers.Serializer):
    """One step of the process, as the scheme's timeline and the dashboard show it."""

    key = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=["done", "started", "todo", "late", "not_needed", "out_of_scope"])
    state_label = serializers.CharField()
    detail = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Steps done, of those the scheme takes in.")
    total = serializers.IntegerField(help_text="Steps the scheme takes in (inside its focus, and needed).")
    steps = StepSerializer(many=True)
    visits = StepSerializer(many=True, help_text="One step per visit.")


class PartySerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()

    class Meta:
        model = SchemeParty
        fields = ["organisation", "side"]


def _step(step):
    return {
        "key": step.key,
        "label": str(step.label),
        "state": step.state,
        "state_label": str(step.state_label),
        "detail": str(step.detail),
        "due": step.due,
        "percent": step.percent,
    }


class SchemeSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)
    programme_slug = serializers.CharField(source="programme.slug", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField(help_text="Each step's state, as the scheme's page computes it.")
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="The scheme's page.")

    class Meta:
        model = Scheme
        fields = [
            "id",
            "programme",
            "programme_slug",
            "number",
            "title",
            "theme",
            "kind",
            "focus",
            "ends_with_final_plan",
            "phase",
            "start_date",
            "end_date",
            "summary",
            "archived",
            "benchmark",
            "parties",
            "progress",
            "url",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, scheme):
        # Worked out for the whole page at once by the view (``progress_for``).
        progress = self.context.get("progress", {}).get(scheme.pk)
        if progress is None:
            return None
        return {
            "done": progress.done_count,
            "total": progress.total_count,
            "steps": [_step(step) for step in progress.steps],
            "visits": [_step(step) for step in progress.visits],
        }


class KeyFactorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyFactor
        fields = ["id", "number", "title"]


class BenchmarkVersionSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="benchmark.slug", read_only=True)
    theme = serializers.CharField(source="benchmark.theme", read_only=True)
    key_factors = KeyFactorRefSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = BenchmarkVersion
        fields = ["id", "slug", "theme", "number", "version_label", "title", "published_at", "key_factors", "url"]


class OrganisationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name",
            "short_name",
            "country",
            "region",
            "website",
            "description",
            "population",
            "migrant_population",
        ]


class LevelSerializer(serializers.ModelSerializer):
    key_factor = KeyFactorRefSerializer()
    level_label = serializers.CharField(source="get_level_display", read_only=True, allow_null=True)

    class Meta:
        model = KeyFactorAssessment
        fields = ["key_factor", "level", "level_label", "focus", "evidence"]


class SelfAssessmentSerializer(serializers.ModelSerializer):
    city = OrganisationRefSerializer()
    levels = LevelSerializer(source="key_factors", many=True, read_only=True, help_text="The level of each key factor.")
    label = serializers.CharField(
        source="name", read_only=True, help_text="What the round is called: the name someone gave it, or Baseline or Round N."
    )

    class Meta:
        model = SelfAssessment
        fields = ["id", "scheme", "city", "benchmark", "round", "label", "submitted_at", "levels"]


class ActionSerializer(serializers.ModelSerializer):
    key_factors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "order",
            "action",
            "outcomes",
            "timeframe",
            "due_date",
            "lead",
            "resources",
            "evaluation",
            "status",
            "progress",
            "key_factors",
        ]


class ActionPlanSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(allow_null=True)
    actions = ActionSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField(help_text="The actions' average progress, in percent (none without actions).")

    class Meta:
        model = ActionPlan
        fields = ["id", "scheme", "organisation", "title", "status", "approved_at", "revision", "progress", "actions"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_progress(self, plan):
        actions = plan.actions.all()  # prefetched
        return round(sum(action.progress for action in actions) / len(actions)) if actions else None


class VisitSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="order", read_only=True)
    host = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "scheme",
            "number",
            "title",
            "kind",
            "mode",
            "status",
            "start_date",
            "end_date",
            "time_zone",
            "location",
            "host",
            "aim",
            "expected_outcome",
            "outcomes",
            "next_steps",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "scheme",
            "purpose",
            "visit",
            "title",
            "mode",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "place",
            "agenda",
            "decisions",
        ]


class GoodPracticeSerializer(serializers.ModelSerializer):
    city = OrganisationRefSerializer()
    key_factors = KeyFactorRefSerializer(many=True, read_only=True)

    class Meta:
        model = GoodPractice
        fields = [
            "id",
            "programme",
            "city",
            "title",
            "theme",
            # The Annex 4 headings, as the model lists them, without the contact person
            # (the API carries no one's personal data).
            *(name for name in GoodPractice.ANNEX_FIELDS if name != "contact"),
            "key_factors",
        ]
