"""Admin for the data team: every model, searchable, with history (simple_history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "population"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["member_of"]


for proxy in (
    models.City,
    models.Association,
    models.Network,
    models.FacilitatorOrganisation,
    models.ServiceProvider,
    models.CivilSocietyOrganisation,
):
    admin.site.register(proxy, OrganisationAdmin)
admin.site.register(models.Organisation, OrganisationAdmin)


class SchemePartyInline(admin.TabularInline):
    model = models.SchemeParty
    extra = 0
    autocomplete_fields = ["organisation"]


class SchemeRoleInline(admin.TabularInline):
    model = models.SchemeRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "coordinating_body", "start_date", "end_date", "archived"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["facilitator_organisations", "cities", "benchmarks"]


@admin.register(models.Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "number", "title", "kind", "phase", "archived"]
    list_filter = ["programme", "kind", "phase", "archived"]
    search_fields = ["title", "theme"]
    inlines = [SchemePartyInline, SchemeRoleInline]
    filter_horizontal = ["focus_key_factors"]


@admin.register(models.ProgrammeRole)
class ProgrammeRoleAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "user", "role"]
    list_filter = ["programme", "role"]
    autocomplete_fields = ["user"]


@admin.register(models.SchemeRole)
class SchemeRoleAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "user", "role", "party"]
    list_filter = ["role", "scheme__programme"]
    autocomplete_fields = ["user"]


class QuestionInline(admin.StackedInline):
    model = models.Question
    extra = 0


@admin.register(models.TemplateSection)
class TemplateSectionAdmin(SimpleHistoryAdmin):
    list_display = ["template", "order", "title", "filled_by", "repeating"]
    list_filter = ["template"]
    inlines = [QuestionInline]


class TemplateSectionInline(admin.TabularInline):
    model = models.TemplateSection
    extra = 0
    show_change_link = True


@admin.register(models.QuestionnaireTemplate)
class QuestionnaireTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "annex", "programme", "version"]
    list_filter = ["kind", "programme"]
    inlines = [TemplateSectionInline]


class AnswerInline(admin.TabularInline):
    model = models.Answer
    extra = 0
    raw_id_fields = ["question"]


@admin.register(models.Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ["template", "scheme", "organisation", "status", "version", "updated_at"]
    list_filter = ["status", "template__kind"]
    inlines = [AnswerInline]


class KeyFactorAssessmentInline(admin.TabularInline):
    model = models.KeyFactorAssessment
    extra = 0
    raw_id_fields = ["key_factor"]


@admin.register(models.SelfAssessment)
class SelfAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "city", "round", "submitted_at"]
    inlines = [KeyFactorAssessmentInline]


@admin.register(models.SelfAssessmentComment)
class SelfAssessmentCommentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "assessment", "author", "created_at"]


class MemberInline(admin.TabularInline):
    model = models.LocalSupportGroupMember
    extra = 0
    max_num = models.MAX_MEMBERS


@admin.register(models.LocalSupportGroup)
class LocalSupportGroupAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "city", "name"]
    inlines = [MemberInline]


class AgendaItemInline(admin.TabularInline):
    model = models.AgendaItem
    extra = 0
    exclude = ["participants", "support_group_members"]


class VisitDayInline(admin.TabularInline):
    model = models.VisitDay
    extra = 0


@admin.register(models.Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "order", "title", "host", "mode", "start_date", "status"]
    list_filter = ["status", "mode"]
    inlines = [VisitDayInline, AgendaItemInline]


@admin.register(models.VisitDay)
class VisitDayAdmin(SimpleHistoryAdmin):
    list_display = ["visit", "day", "contact"]
    list_select_related = ["visit__scheme"]


@admin.register(models.Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "title", "purpose", "date", "start_time", "mode"]
    list_filter = ["purpose", "mode"]
    list_select_related = ["scheme__programme"]
    filter_horizontal = ["participants"]


class ActionInline(admin.StackedInline):
    model = models.Action
    extra = 0
    filter_horizontal = ["key_factors", "needs"]


class NeedInline(admin.TabularInline):
    model = models.Need
    extra = 0


@admin.register(models.ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "scheme", "organisation", "status", "approved_at"]
    inlines = [NeedInline, ActionInline]


@admin.register(models.Need)
class NeedAdmin(SimpleHistoryAdmin):
    list_display = ["text", "plan", "order"]
    search_fields = ["text"]


@admin.register(models.ActionComment)
class ActionCommentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "action", "author", "member", "created_at"]


@admin.register(models.ActionPlanVersion)
class ActionPlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "name", "label", "is_final", "created_at"]
    readonly_fields = ["snapshot"]


@admin.register(models.ImplementationUpdate)
class ImplementationUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "date", "status", "progress"]


@admin.register(models.GoodPractice)
class GoodPracticeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "city", "programme", "theme"]
    search_fields = ["title", "description"]
    filter_horizontal = ["key_factors"]


@admin.register(models.Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "response", "author", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    raw_id_fields = ["response", "section", "question", "parent"]


@admin.register(models.Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    """Read-only, and without the file: the storage is never linked to (downloads go
    through the scheme's pages and their access rules)."""

    list_display = ["name", "scheme", "content_type", "object_id", "size", "mime", "added_by", "added_at", "removed_at"]
    list_filter = ["mime"]
    exclude = ["file"]
    readonly_fields = [
        "scheme",
        "content_type",
        "object_id",
        "name",
        "size",
        "mime",
        "sha256",
        "added_by",
        "removed_at",
        "removed_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.PoliticalCommitment)
class PoliticalCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "name", "office", "date", "scope", "cross_party"]


@admin.register(models.SchemeBenchmark)
class SchemeBenchmarkAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "order", "name", "benchmark", "starts_from"]
    list_select_related = ["scheme__programme", "benchmark", "starts_from"]


@admin.register(models.VisitReportItem)
class VisitReportItemAdmin(SimpleHistoryAdmin):
    list_display = ["visit", "kind", "key_factor", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["visit__scheme__programme", "key_factor", "author"]
    raw_id_fields = ["visit", "key_factor", "need", "author", "responded_by"]


@admin.register(models.MentoringEvaluation)
class MentoringEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "side", "submitted_at"]
    list_filter = ["side"]
    list_select_related = ["scheme__programme"]


@admin.register(models.DisseminationOutput)
class DisseminationOutputAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "kind", "title", "date"]
    list_filter = ["kind"]
    list_select_related = ["scheme__programme"]


@admin.register(models.SupportGap)
class SupportGapAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "level", "issue"]
    list_filter = ["level"]
    list_select_related = ["scheme__programme"]


@admin.register(models.PlanConsultation)
class PlanConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "consulted", "date"]
    list_select_related = ["plan__scheme__programme"]
    raw_id_fields = ["plan", "recorded_by"]


@admin.register(models.Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "title", "side", "opens", "closes", "closed_at"]
    list_select_related = ["programme"]


@admin.register(models.CallApplication)
class CallApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["call", "city_name", "country", "side", "status", "submitted_at"]
    list_filter = ["status", "side"]
    list_select_related = ["call__programme"]
    search_fields = ["city_name", "contact_name", "contact_email"]


@admin.register(models.TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "title", "date", "mode"]
    filter_horizontal = ["attendees"]


class StyleAnswerInline(admin.TabularInline):
    model = models.MentoringStyleAnswer
    extra = 0


@admin.register(models.MentoringStyleResponse)
class MentoringStyleResponseAdmin(admin.ModelAdmin):
    list_display = ["programme", "respondent", "organisation", "side", "submitted_at"]
    inlines = [StyleAnswerInline]


# Rows usually edited inline above, also listed on their own for searching.
@admin.register(models.SchemeParty)
class SchemePartyAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "organisation", "side"]
    list_filter = ["side"]


@admin.register(models.Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "section", "kind", "required", "hidden"]
    list_filter = ["kind", "section__template"]
    search_fields = ["text"]


@admin.register(models.Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["response", "question", "row", "updated_at"]
    raw_id_fields = ["response", "question"]


@admin.register(models.KeyFactorAssessment)
class KeyFactorAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["assessment", "key_factor", "level", "focus"]
    raw_id_fields = ["assessment", "key_factor"]


@admin.register(models.ContextFactorNote)
class ContextFactorNoteAdmin(SimpleHistoryAdmin):
    list_display = ["assessment", "context_factor"]
    raw_id_fields = ["assessment", "context_factor"]


@admin.register(models.LocalSupportGroupMember)
class LocalSupportGroupMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "stakeholder_type", "group"]
    list_filter = ["stakeholder_type"]
    search_fields = ["name", "organisation"]


@admin.register(models.AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["visit", "day", "start_time", "end_time", "title", "session_type"]
    list_filter = ["session_type"]
    filter_horizontal = ["participants", "support_group_members"]


@admin.register(models.Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "status", "progress"]
    list_filter = ["status"]
    filter_horizontal = ["key_factors"]


@admin.register(models.MentoringStyleAnswer)
class MentoringStyleAnswerAdmin(admin.ModelAdmin):
    list_display = ["response", "style", "statement", "agreement"]
    list_filter = ["style"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "programme", "scheme", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "programme"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]


@admin.register(models.ResponseSubmission)
class ResponseSubmissionAdmin(admin.ModelAdmin):
    list_display = ["response", "number", "submitted_at", "submitted_by"]
    readonly_fields = ["response", "number", "submitted_at", "submitted_by", "answers"]


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What reminders went to whom (written by manage.py send_reminders only)."""

    list_display = ["user", "key", "sent_at"]
    search_fields = ["user__email", "key"]
    readonly_fields = ["user", "key", "sent_at"]

    def has_add_permission(self, request):
        return False


@admin.register(models.MemberLink)
class MemberLinkAdmin(admin.ModelAdmin):
    # Links are sent and revoked through the support group page (they are logged there);
    # the admin shows them, without the token, which is never stored.
    list_display = ["member", "scheme", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["member", "scheme", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(models.VisitReply)
class VisitReplyAdmin(SimpleHistoryAdmin):
    list_display = ["visit", "member", "attending", "answered_at"]
