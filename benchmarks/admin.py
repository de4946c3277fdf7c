from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Benchmark, BenchmarkSection, BenchmarkVersion, ContextFactor, GoodPracticeExample, GuideQuestion, KeyFactor


class VersionInline(admin.TabularInline):
    model = BenchmarkVersion
    extra = 0
    fields = ["number", "version_label", "status", "title"]
    show_change_link = True


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["slug", "theme"]
    search_fields = ["slug", "theme"]
    inlines = [VersionInline]


class SectionInline(admin.TabularInline):
    model = BenchmarkSection
    extra = 0


class KeyFactorInline(admin.TabularInline):
    model = KeyFactor
    extra = 0
    fields = ["order", "number", "title", "section"]
    show_change_link = True


class ContextFactorInline(admin.TabularInline):
    model = ContextFactor
    extra = 0


@admin.register(BenchmarkVersion)
class BenchmarkVersionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version_label", "number", "status"]
    list_filter = ["status", "benchmark"]
    inlines = [SectionInline, KeyFactorInline, ContextFactorInline]


class GuideQuestionInline(admin.TabularInline):
    model = GuideQuestion
    extra = 0


class ExampleInline(admin.TabularInline):
    model = GoodPracticeExample
    extra = 0


@admin.register(KeyFactor)
class KeyFactorAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "version"]
    list_filter = ["version__benchmark"]
    search_fields = ["title", "statement"]
    inlines = [GuideQuestionInline, ExampleInline]


@admin.register(BenchmarkSection)
class BenchmarkSectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "order"]


@admin.register(GuideQuestion)
class GuideQuestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "key_factor", "order"]
    search_fields = ["text"]


@admin.register(GoodPracticeExample)
class GoodPracticeExampleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "key_factor", "city"]


@admin.register(ContextFactor)
class ContextFactorAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "order"]
