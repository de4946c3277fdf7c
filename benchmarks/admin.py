from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Benchmark,
    BenchmarkSection,
    BenchmarkStatus,
    BenchmarkVersion,
    ContextFactor,
    GoodPracticeExample,
    GuideQuestion,
    KeyFactor,
)


def _version_of(obj):
    if isinstance(obj, BenchmarkVersion):
        return obj
    if isinstance(obj, (GuideQuestion, GoodPracticeExample)):
        return obj.key_factor.version
    return getattr(obj, "version", None)


class PublishedReadOnly:
    """A published version and its parts never change, not even here: schemes assessed
    themselves against it. The editor starts a new draft instead."""

    def _published(self, obj):
        version = _version_of(obj) if obj is not None else None
        return version is not None and version.status == BenchmarkStatus.PUBLISHED

    def has_change_permission(self, request, obj=None):
        return not self._published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._published(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if isinstance(self, admin.options.InlineModelAdmin):
            return not self._published(obj) and super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class VersionInline(admin.TabularInline):
    """The versions, listed: each is changed (while a draft) on its own page."""

    model = BenchmarkVersion
    extra = 0
    fields = readonly_fields = ["number", "version_label", "status", "title"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["slug", "theme", "programme"]
    list_filter = ["programme"]
    search_fields = ["slug", "theme"]
    inlines = [VersionInline]


class SectionInline(PublishedReadOnly, admin.TabularInline):
    model = BenchmarkSection
    extra = 0


class KeyFactorInline(PublishedReadOnly, admin.TabularInline):
    model = KeyFactor
    extra = 0
    fields = ["order", "number", "title", "section"]
    show_change_link = True


class ContextFactorInline(PublishedReadOnly, admin.TabularInline):
    model = ContextFactor
    extra = 0


@admin.register(BenchmarkVersion)
class BenchmarkVersionAdmin(PublishedReadOnly, SimpleHistoryAdmin):
    list_display = ["title", "version_label", "number", "status"]
    list_filter = ["status", "benchmark"]
    inlines = [SectionInline, KeyFactorInline, ContextFactorInline]


class GuideQuestionInline(PublishedReadOnly, admin.TabularInline):
    model = GuideQuestion
    extra = 0


class ExampleInline(PublishedReadOnly, admin.TabularInline):
    model = GoodPracticeExample
    extra = 0


@admin.register(KeyFactor)
class KeyFactorAdmin(PublishedReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "title", "version"]
    list_filter = ["version__benchmark"]
    search_fields = ["title", "statement"]
    inlines = [GuideQuestionInline, ExampleInline]


@admin.register(BenchmarkSection)
class BenchmarkSectionAdmin(PublishedReadOnly, SimpleHistoryAdmin):
    list_display = ["title", "version", "order"]


@admin.register(GuideQuestion)
class GuideQuestionAdmin(PublishedReadOnly, SimpleHistoryAdmin):
    list_display = ["__str__", "key_factor", "order"]
    search_fields = ["text"]


@admin.register(GoodPracticeExample)
class GoodPracticeExampleAdmin(PublishedReadOnly, SimpleHistoryAdmin):
    list_display = ["__str__", "key_factor", "city"]


@admin.register(ContextFactor)
class ContextFactorAdmin(PublishedReadOnly, SimpleHistoryAdmin):
    list_display = ["title", "version", "order"]
