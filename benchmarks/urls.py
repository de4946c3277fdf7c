"""The benchmark library (/benchmarks/), and the editor's addresses, included by
schemes/urls.py under each programme (/programmes/<slug>/benchmarks/) with the programme's
other pages, under their names there (``schemes:benchmark_edit``...)."""

from django.urls import path

from .views import editor, library, translations

app_name = "benchmarks"

urlpatterns = [
    path("", library.benchmark_list, name="list"),
    path("<slug:slug>/v<int:number>/", library.benchmark_detail, name="detail"),
    path("<slug:slug>/v<int:number>/booklet.pdf", library.benchmark_booklet, name="booklet"),
]

editor_urlpatterns = [
    path("", editor.benchmark_list, name="benchmarks"),
    path("new/", editor.benchmark_create, name="benchmark_create"),
    path("import/", editor.benchmark_import_view, name="benchmark_import"),
    path("<slug:slug>/compare/", editor.benchmark_compare_view, name="benchmark_compare"),
    path("<int:pk>/", editor.benchmark_version, name="benchmark"),
    path("<int:pk>/edit/", editor.benchmark_edit, name="benchmark_edit"),
    path("<int:pk>/booklet.pdf", editor.benchmark_draft_booklet, name="benchmark_booklet"),
    # Translations of a programme's own benchmark (issue 24).
    path("<int:pk>/translations/", translations.benchmark_translations, name="benchmark_translations"),
    path("<int:pk>/translations/<str:language>/", translations.benchmark_translation_edit, name="benchmark_translation_edit"),
    path("<int:pk>/publish/", editor.benchmark_publish, name="benchmark_publish"),
    path("<int:pk>/new-draft/", editor.benchmark_new_draft, name="benchmark_new_draft"),
    path("<int:pk>/discard/", editor.benchmark_discard, name="benchmark_discard"),
    path("<int:pk>/key-factors/new/", editor.key_factor_create, name="benchmark_key_factor_create"),
    path("<int:pk>/key-factors/<int:key_factor>/", editor.key_factor_edit, name="benchmark_key_factor"),
    path("<int:pk>/key-factors/<int:key_factor>/move/", editor.key_factor_move_view, name="benchmark_key_factor_move"),
    path("<int:pk>/key-factors/<int:key_factor>/delete/", editor.key_factor_delete_view, name="benchmark_key_factor_delete"),
]
