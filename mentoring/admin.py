from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, DataExport, Digest, EmailPreference, ErasureRequest, LogEntry, Notification, Submission, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_staff", "is_demo"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_demo"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "job_title", "organisation", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_demo", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read only: the one-time tokens of the create forms sent (mentoring.submissions)."""

    list_display = ["created_at", "user", "url"]
    search_fields = ["user__email", "url"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Read only: the activity log is written by the services as they write
    (mentoring.activity), never by hand."""

    list_display = ["time", "actor", "action", "label", "scheme", "programme"]
    list_select_related = ["actor", "scheme__programme", "programme"]
    list_filter = ["action"]
    search_fields = ["action", "label", "actor__email", "actor__last_name"]
    date_hierarchy = "time"
    raw_id_fields = ["actor", "scheme", "programme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: written with the activity log's entries (mentoring.notifications)."""

    list_display = ["created_at", "recipient", "entry", "scheme", "read_at"]
    list_select_related = ["recipient", "entry", "scheme__programme"]
    search_fields = ["recipient__email", "entry__action", "entry__label"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient", "entry", "scheme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    """What each person chose on their e-mail preferences page (a kind without a row
    has its default)."""

    list_display = ["user", "kind", "frequency"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """Read only: the summary e-mails sent (one per person, frequency and period)."""

    list_display = ["sent_at", "user", "frequency", "period", "notifications"]
    list_filter = ["frequency"]
    search_fields = ["user__email"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Read only: the "Download my data" requests (the link's token is kept as a hash)."""

    list_display = ["requested_at", "user", "ready_at", "expires_at", "size"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Read only: requests to delete an account; they are decided on the erasure
    requests page, which asks first and carries the erasure out."""

    list_display = ["asked_at", "user", "state", "decided_by", "decided_at"]
    list_filter = ["state"]
    raw_id_fields = ["user", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read only: people's API keys (only a hash of each key is kept); a person revokes
    their own on their account page."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    raw_id_fields = ["user"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
