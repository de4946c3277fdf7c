"""The benchmark editor of a programme: its coordinators write drafts (blank, imported
from a file, or copied from a published version), edit key factors with their guide
questions, tips and examples as reorderable rows, and the context factors; publish; and
compare any two versions of a benchmark.

Drafts belong to the programme that writes them: another programme's draft is a 404.
Published versions are read by everyone at /benchmarks/ and never change (see
benchmarks/editing.py); editing one is refused with a message. A programme writes only
in its own benchmarks: a draft from another's, or an imported file with its slug,
becomes a benchmark of the programme's own, and the page says so.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import programme_view
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict, has_conflict
from mentoring.pages import confirm_page, confirmed, form_page, removal_question
from mentoring.submissions import submission_save

from ..compare import benchmark_compare
from ..editing import (
    BenchmarkNotOwned,
    BenchmarkNotReady,
    BenchmarkPublished,
    draft_create,
    draft_discard,
    draft_from,
    draft_import,
    draft_publish,
    factors_save,
    key_factor_delete,
    key_factor_move,
    key_factor_save,
    publish_problems,
)
from ..forms import (
    BenchmarkCreateForm,
    BenchmarkImportForm,
    BenchmarkVersionForm,
    ContextFactorFormSet,
    ExampleFormSet,
    GuideQuestionFormSet,
    KeyFactorForm,
    NewDraftForm,
    SectionsFormSet,
)
from ..models import Benchmark, BenchmarkStatus, BenchmarkVersion, KeyFactor
from ..services import BenchmarkFormatError, benchmark_export, benchmark_load_json
from .library import benchmark_context


def _versions(programme):
    """The versions a programme's people may open: every published one, and the drafts
    it writes in its own benchmarks (never a draft inside another programme's)."""
    return BenchmarkVersion.objects.filter(
        Q(status=BenchmarkStatus.PUBLISHED) | Q(programme=programme, benchmark__programme=programme)
    )


def _version(programme, pk):
    return get_object_or_404(_versions(programme).select_related("benchmark", "based_on"), pk=pk)


def _url(programme, version):
    return reverse("schemes:benchmark", kwargs={"programme": programme.slug, "pk": version.pk})


def _published(request, programme, version):
    messages.error(request, BenchmarkPublished.message)
    return redirect(_url(programme, version))


@require_safe
@programme_view("view", "benchmark")
def benchmark_list(request, programme, access):
    """The programme's drafts, the benchmarks it offers, and the way to write a new one."""
    counted = _versions(programme).select_related("benchmark").annotate(key_factor_count=Count("key_factors"))
    return render(
        request,
        "benchmarks/editor_list.html",
        {
            "programme": programme,
            "access": access,
            "page_title": _("Benchmarks"),
            "drafts": counted.filter(status=BenchmarkStatus.DRAFT).order_by("benchmark__slug", "-number"),
            "offered": counted.filter(programmes=programme).order_by("benchmark__slug", "-number"),
            "published": counted.filter(status=BenchmarkStatus.PUBLISHED)
            .exclude(programmes=programme)
            .order_by("benchmark__slug", "-number"),
        },
    )


@programme_view("edit", "benchmark")
def benchmark_create(request, programme, access):
    form = BenchmarkCreateForm(request.POST or None)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: draft_create(
                programme=programme,
                slug=form.cleaned_data["slug"],
                theme=form.cleaned_data["theme"],
                title=form.cleaned_data["title"],
                actor=request.user,
            ),
            url=lambda version: _url(programme, version),
        )
        if saved:
            if not saved.again:
                messages.success(request, _("Draft created. Add its key factors and context factors, then publish it."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Write a new benchmark"),
        submit_label=_("Create the draft"),
        cancel_url=reverse("schemes:benchmarks", kwargs={"programme": programme.slug}),
        context={"programme": programme, "page_title": _("New benchmark")},
    )


@programme_view("edit", "benchmark")
def benchmark_import_view(request, programme, access):
    """Upload a benchmark file; every problem is listed and nothing is written until the
    whole file is valid."""
    form = BenchmarkImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":

        def save():
            data = benchmark_load_json(form.cleaned_data["file"])
            return draft_import(data=data, programme=programme, actor=request.user), data

        try:
            saved = submission_save(request, form, save, url=lambda imported: _url(programme, imported[0]))
        except BenchmarkFormatError as exc:
            problems = exc.errors
            form.add_error("file", _("This file is not a benchmark this application can read: see the problems listed."))
            saved = None
        if saved and saved.again:
            return redirect(saved.url)
        if saved:
            version, data = saved.object
            if version.benchmark.slug != data["slug"]:
                messages.warning(
                    request,
                    _(
                        "The benchmark “%(slug)s” belongs to another programme or is a shared reference benchmark, "
                        "so this import does not change it. The file is a draft of this programme's own benchmark "
                        "“%(own)s” instead."
                    )
                    % {"slug": data["slug"], "own": version.benchmark.slug},
                )
            messages.success(request, _("The file is imported as a draft. Check it, then publish it."))
            return redirect(saved.url)
    return render(
        request,
        "benchmarks/editor_import.html",
        {"programme": programme, "form": form, "problems": problems, "page_title": _("Import a benchmark")},
        status=400 if problems else 200,
    )


@require_safe
@programme_view("view", "benchmark")
def benchmark_version(request, programme, access, pk):
    """A version as its editor sees it: the draft with its editing buttons, or a
    published version with the way to start a new draft from it."""
    version = _version(programme, pk)
    key_factors = (
        version.key_factors.select_related("section")
        .annotate(question_count=Count("guide_questions", distinct=True), example_count=Count("examples", distinct=True))
        .order_by("order", "pk")
    )
    editable = version.is_draft and access.can("edit", "benchmark")
    return render(
        request,
        "benchmarks/editor_version.html",
        {
            "programme": programme,
            "access": access,
            "version": version,
            "key_factors": key_factors,
            "sections": version.sections.order_by("order"),
            "context_factors": version.context_factors.order_by("order"),
            "editable": editable,
            "problems": publish_problems(version) if editable else [],
            "other_versions": _versions(programme).filter(benchmark=version.benchmark).exclude(pk=version.pk).order_by("-number"),
            "own_benchmark": version.benchmark.programme_id == programme.pk,
            "new_draft_form": NewDraftForm(),
            "publish_question": publish_question(version),
            "page_title": str(version),
        },
    )


@programme_view("edit", "benchmark")
def benchmark_edit(request, programme, access, pk):
    """The draft's standard, rationale and notes, its sections and its context factors."""
    version = _version(programme, pk)
    if not version.is_draft:
        return _published(request, programme, version)
    data = request.POST or None
    form = BenchmarkVersionForm(data, instance=version)
    sections = SectionsFormSet(data, instance=version, prefix="sections")
    context_factors = ContextFactorFormSet(data, instance=version, prefix="context")
    if request.method == "POST" and form.is_valid() and sections.is_valid() and context_factors.is_valid():
        try:
            factors_save(version=version, form=form, sections=sections, context_factors=context_factors, actor=request.user)
        except BenchmarkPublished:
            return _published(request, programme, version)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Saved."))
            return redirect(_url(programme, version))
    return render(
        request,
        "benchmarks/editor_form.html",
        {
            "programme": programme,
            "version": version,
            "form": form,
            "title": _("Standard, sections and context factors"),
            "submit_label": _("Save"),
            "formsets": [(_("Sections (optional)"), sections), (_("Context factors"), context_factors)],
            "has_row_errors": _row_errors(sections, context_factors),
            "page_title": _("Edit the draft"),
        },
        status=(409 if has_conflict(form) else 400) if request.method == "POST" else 200,
    )


def _row_errors(*formsets):
    return any(formset.is_bound and formset.total_error_count() for formset in formsets)


def _key_factor_page(request, programme, version, key_factor):
    if not version.is_draft:
        return _published(request, programme, version)
    data = request.POST or None
    instance = key_factor or KeyFactor(version=version)
    form = KeyFactorForm(data, instance=instance, version=version)
    questions = GuideQuestionFormSet(data, instance=instance, prefix="questions")
    examples = ExampleFormSet(data, instance=instance, prefix="examples")
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: key_factor_save(version=version, form=form, questions=questions, examples=examples, actor=request.user),
                url=lambda saved: _url(programme, version) + f"#kf-{saved.pk}",
                valid=lambda: all([form.is_valid(), questions.is_valid(), examples.is_valid()]),
            )
        except BenchmarkPublished:
            return _published(request, programme, version)
        except EditConflict:
            saved = None  # the form says someone saved first, with what the writer typed
        if saved:
            if not saved.again:
                messages.success(request, _("Key factor %(number)s saved.") % {"number": saved.object.number})
            return redirect(saved.url)
    title = _("Edit key factor %(number)s") % {"number": key_factor.number} if key_factor else _("Add a key factor")
    return render(
        request,
        "benchmarks/editor_form.html",
        {
            "programme": programme,
            "version": version,
            "form": form,
            "submit_label": _("Save the key factor"),
            "formsets": [(_("Guide questions"), questions), (_("Good-practice examples"), examples)],
            "has_row_errors": _row_errors(questions, examples),
            "title": title,
            "page_title": title,
        },
        status=(409 if has_conflict(form) else 400) if request.method == "POST" else 200,
    )


@programme_view("edit", "benchmark")
def key_factor_create(request, programme, access, pk):
    return _key_factor_page(request, programme, _version(programme, pk), None)


def _key_factor(version, pk):
    return get_object_or_404(KeyFactor.objects.select_related("version"), version=version, pk=pk)


@programme_view("edit", "benchmark")
def key_factor_edit(request, programme, access, pk, key_factor):
    version = _version(programme, pk)
    return _key_factor_page(request, programme, version, _key_factor(version, key_factor))


@require_POST
@programme_view("edit", "benchmark")
def key_factor_move_view(request, programme, access, pk, key_factor):
    version = _version(programme, pk)
    key_factor = _key_factor(version, key_factor)
    try:
        key_factor_move(key_factor=key_factor, up=request.POST.get("direction") == "up", actor=request.user)
    except BenchmarkPublished:
        return _published(request, programme, version)
    return redirect(_url(programme, version) + f"#kf-{key_factor.pk}")


@require_POST
@programme_view("edit", "benchmark")
def key_factor_delete_view(request, programme, access, pk, key_factor):
    version = _version(programme, pk)
    key_factor = _key_factor(version, key_factor)
    if not version.is_draft:
        return _published(request, programme, version)
    if not confirmed(request):
        question = removal_question(
            f"{key_factor.number}. {key_factor.title}",
            kept=_("It is removed from this draft only; published versions keep theirs."),
        )
        return confirm_page(request, **question, cancel_url=_url(programme, version), context={"programme": programme})
    try:
        key_factor_delete(key_factor=key_factor, actor=request.user)
    except BenchmarkPublished:
        return _published(request, programme, version)
    messages.success(request, _("Key factor %(number)s removed from the draft.") % {"number": key_factor.number})
    return redirect(_url(programme, version))


def publish_question(version):
    return {
        "title": _("Publish “%(title)s”?") % {"title": version.title},
        "consequences": [
            _("The programme offers this version to its schemes, and from then on it never changes."),
            _("Later changes are written in a new draft started from it."),
        ],
        "confirm_label": _("Publish this version"),
    }


@require_POST
@programme_view("publish", "benchmark")
def benchmark_publish(request, programme, access, pk):
    version = _version(programme, pk)
    if not version.is_draft:
        return _published(request, programme, version)
    if not confirmed(request):
        return confirm_page(
            request, **publish_question(version), cancel_url=_url(programme, version), context={"programme": programme}
        )
    try:
        draft_publish(version=version, programme=programme, actor=request.user)
    except BenchmarkNotOwned:
        raise Http404(_("No such benchmark.")) from None
    except BenchmarkPublished:
        return _published(request, programme, version)
    except BenchmarkNotReady as exc:
        messages.error(request, _("Not published yet: %(problems)s") % {"problems": " ".join(exc.problems)})
        return redirect(_url(programme, version))
    messages.success(
        request,
        _("Published. The programme offers this version to its schemes; from now on it never changes."),
    )
    return redirect(_url(programme, version))


@require_POST
@programme_view("edit", "benchmark")
def benchmark_new_draft(request, programme, access, pk):
    """Start a new draft from a published version (or from a draft of the programme)."""
    version = _version(programme, pk)
    saved = submission_save(
        request,
        NewDraftForm(request.POST),
        lambda: draft_from(version=version, programme=programme, actor=request.user),
        url=lambda draft: _url(programme, draft),
    )
    if saved.again:
        return redirect(saved.url)
    draft = saved.object
    if draft.benchmark_id != version.benchmark_id:
        messages.success(
            request,
            _(
                "This benchmark belongs to another programme or is a shared reference benchmark, so it does not change. "
                "A new benchmark of this programme, “%(slug)s”, starts as a copy of %(label)s."
            )
            % {"slug": draft.benchmark.slug, "label": version.label},
        )
    else:
        messages.success(
            request,
            _("New draft %(number)s started from %(label)s. Schemes keep using the published version.")
            % {"number": draft.number, "label": version.label},
        )
    return redirect(saved.url)


@require_POST
@programme_view("edit", "benchmark")
def benchmark_discard(request, programme, access, pk):
    version = _version(programme, pk)
    if not version.is_draft:
        return _published(request, programme, version)
    if not confirmed(request):
        question = removal_question(
            f"{version.title} ({version.version_label or version.number})",
            kept=_("The draft is deleted, with what was written in it since it was started; the published versions stay."),
        )
        question["title"] = _("Delete the draft “%(what)s”?") % {"what": version.title}
        question["confirm_label"] = _("Delete the draft")
        return confirm_page(request, **question, cancel_url=_url(programme, version), context={"programme": programme})
    try:
        draft_discard(version=version, actor=request.user)
    except BenchmarkPublished:
        return _published(request, programme, version)
    messages.success(request, _("The draft is deleted."))
    return redirect("schemes:benchmarks", programme=programme.slug)


@require_safe
@programme_view("view", "benchmark")
def benchmark_compare_view(request, programme, access, slug):
    """Two versions of one benchmark side by side: what was added, removed, reworded."""
    benchmark = get_object_or_404(Benchmark, slug=slug)
    versions = list(_versions(programme).filter(benchmark=benchmark).select_related("benchmark").order_by("number"))
    if not versions:
        raise Http404(_("No such benchmark."))
    by_number = {v.number: v for v in versions}
    errors = []

    def pick(name, default):
        raw = request.GET.get(name)
        if raw is None:
            return default
        try:
            return by_number[int(raw)]
        except (ValueError, KeyError):
            errors.append(_("There is no version “%(value)s” of this benchmark to compare.") % {"value": raw[:20]})
            return default

    new = pick("to", versions[-1])
    old = pick("from", versions[-2] if len(versions) > 1 else versions[-1])
    comparison = benchmark_compare(benchmark_export(version=old), benchmark_export(version=new))
    return render(
        request,
        "benchmarks/compare.html",
        {
            "programme": programme,
            "benchmark": benchmark,
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
            "errors": errors,
            "page_title": _("Compare versions"),
        },
        status=400 if errors else 200,
    )


@require_safe
@programme_view("export", "benchmark")
def benchmark_draft_booklet(request, programme, access, pk):
    """A draft printed as a booklet, for the workshops that discuss it."""
    version = _version(programme, pk)
    return pdf_response(
        request,
        render_document(
            "documents/benchmark_booklet.html",
            benchmark_context(version),
            filename=f"{version.benchmark.slug}-v{version.number}.pdf",
        ),
        download=True,
    )
