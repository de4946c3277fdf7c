"""Translating a programme's own benchmark (any of its versions, drafts and published
ones: a translation never changes the original a scheme assesses against). One page per
language, each text beside its original; the rules are in mentoring.translations. The
shared reference benchmarks carry the seed translations."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mentoring.access import programme_view
from mentoring.translation_forms import translation_edit_page, translations_overview_page
from mentoring.translations import Entry

from ..models import BenchmarkVersion


def _version(programme, pk):
    """A version of one of the programme's own benchmarks (another's, or a shared
    reference benchmark, is a 404: it is translated where it is written)."""
    return get_object_or_404(BenchmarkVersion.objects.filter(benchmark__programme=programme).select_related("benchmark"), pk=pk)


def _fields(obj, names):
    return [(name, label, getattr(obj, name), 300 if name == "title" else None) for name, label in names if getattr(obj, name)]


def benchmark_entries(version):
    """Every text of ``version`` a translation may replace, in reading order (four queries)."""
    entries = [
        Entry(
            version,
            _("The benchmark"),
            _fields(
                version,
                (
                    ("title", _("Title")),
                    ("standard", _("Integrating Cities standard")),
                    ("rationale", _("Rationale")),
                    ("notes_on_terms", _("Notes on terms")),
                    ("coverage", _("Coverage")),
                ),
            ),
        )
    ]
    for section in version.sections.order_by("order"):
        entries.append(
            Entry(section, _("Section: %(title)s") % {"title": section.title}, _fields(section, (("title", _("Title")),)))
        )
    for key_factor in version.key_factors.order_by("order").prefetch_related("guide_questions"):
        heading = _("Key factor %(number)s") % {"number": key_factor.number}
        entries.append(
            Entry(
                key_factor,
                heading,
                _fields(
                    key_factor,
                    (
                        ("title", _("Title")),
                        ("statement", _("Statement")),
                        ("rationale", _("Rationale")),
                        ("practical_tips", _("Practical tips")),
                    ),
                ),
            )
        )
        for number, question in enumerate(key_factor.guide_questions.all(), start=1):
            entries.append(
                Entry(
                    question,
                    _("Key factor %(number)s, guide question %(question)s") % {"number": key_factor.number, "question": number},
                    _fields(question, (("text", _("Guide question")),)),
                )
            )
    for number, factor in enumerate(version.context_factors.order_by("order"), start=1):
        entries.append(
            Entry(
                factor,
                _("Context factor %(number)s") % {"number": number},
                _fields(factor, (("title", _("Title")), ("description", _("Description")))),
            )
        )
    return entries


def _overview_url(programme, version):
    return reverse("schemes:benchmark_translations", kwargs={"programme": programme.slug, "pk": version.pk})


@require_safe
@programme_view("view", "benchmark")
def benchmark_translations(request, programme, access, pk):
    """The languages of the version: how much is translated, what is older than its original."""
    version = _version(programme, pk)
    return translations_overview_page(
        request,
        entries=benchmark_entries(version),
        programme=programme,
        editable=access.can("edit", "benchmark"),
        back_url=reverse("schemes:benchmark", kwargs={"programme": programme.slug, "pk": version.pk}),
        title=version.title,
    )


@programme_view("edit", "benchmark")
def benchmark_translation_edit(request, programme, access, pk, language):
    version = _version(programme, pk)
    return translation_edit_page(
        request,
        entries=benchmark_entries(version),
        code=language,
        programme=programme,
        log_object=version,
        title=str(version.title),
        overview_url=_overview_url(programme, version),
    )
