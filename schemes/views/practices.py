"""The good-practice library of a programme (Annex 4): a searchable list, a page and a
PDF per practice, recorded and edited by the practice's owners (the officers of its city
and the facilitators of that city's schemes). Fetched through the programme: another
programme's practice is a 404."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from benchmarks.models import KeyFactor
from mentoring.access import programme_view, refuse
from mentoring.autosave import autosave_form
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import form_page, history_view, paginate, restore_view
from mentoring.submissions import submission_save

from ..filters import GoodPracticeFilter
from ..forms.practices import GoodPracticeForm
from ..services.annex_wording import practice_fields
from ..services.attachments import form_context, with_attachments
from ..services.practice import good_practice_save, owned_cities

KEY_FACTORS = Prefetch("key_factors", queryset=KeyFactor.objects.select_related("version").order_by("version__title", "order"))


def _practice(programme, pk):
    return get_object_or_404(programme.good_practices.select_related("city", "created_by").prefetch_related(KEY_FACTORS), pk=pk)


def _require_owner(practice, cities, user):
    if practice.city not in cities:
        refuse(
            user,
            f"may not edit good practice {practice.pk} (not an owner)",
            _("Only the officers of this city and its facilitators edit its good practices."),
        )


def _list_url(programme):
    return reverse("schemes:good_practices", kwargs={"programme": programme.slug})


@require_safe
@programme_view("view", "good_practice")
def good_practice_list(request, programme, access):
    practices = programme.good_practices.select_related("city").prefetch_related(KEY_FACTORS).order_by("title", "pk")
    filterset = GoodPracticeFilter(request.GET, queryset=practices, programme=programme)
    may_add = access.can("edit", "good_practice") and owned_cities(request.user, programme).exists()
    return render(
        request,
        "practices/list.html",
        {
            "programme": programme,
            "access": access,
            "filter": filterset,
            "page_obj": paginate(request, filterset.qs),
            "may_add": may_add,
            "page_title": _("Good practices"),
        },
    )


@programme_view("edit", "good_practice")
def good_practice_create(request, programme, access):
    cities = owned_cities(request.user, programme)
    if not cities.exists():
        refuse(
            request.user,
            f"acts for no city of programme {programme.slug}",
            _("You act for no city in this programme, so you have no good practice to record."),
        )
    form = GoodPracticeForm(request.POST or None, programme=programme, cities=cities)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: good_practice_save(form=form, programme=programme, user=request.user),
            url=lambda practice: reverse("schemes:good_practice", kwargs={"programme": programme.slug, "pk": practice.pk}),
        )
        if saved:
            if not saved.again:
                messages.success(request, _("Good practice recorded. Every scheme of the programme can read it now."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Record a good practice"),
        submit_label=_("Save"),
        cancel_url=_list_url(programme),
        context={"programme": programme},
    )


@require_safe
@programme_view("view", "good_practice")
def good_practice_detail(request, programme, access, pk):
    practice = _practice(programme, pk)
    with_attachments([practice])  # its files, one query
    may_edit = access.can("edit", "good_practice") and owned_cities(request.user, programme).filter(pk=practice.city_id).exists()
    return render(
        request,
        "practices/detail.html",
        {
            "programme": programme,
            "access": access,
            "practice": practice,
            "annex_fields": practice_fields(practice, programme),
            "may_edit": may_edit,
            "page_title": practice.title,
            **form_context(),
        },
    )


@programme_view("edit", "good_practice")
def good_practice_edit(request, programme, access, pk):
    practice = _practice(programme, pk)
    cities = owned_cities(request.user, programme)
    _require_owner(practice, cities, request.user)
    form = GoodPracticeForm(request.POST or None, instance=practice, programme=programme, cities=cities)
    autosaved = autosave_form(
        request, form, lambda reason: good_practice_save(form=form, programme=programme, user=request.user, reason=reason)
    )
    if autosaved:
        return autosaved
    if request.method == "POST" and form.is_valid():
        try:
            good_practice_save(form=form, programme=programme, user=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:good_practice", programme=programme.slug, pk=practice.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": practice.title},
        submit_label=_("Save"),
        cancel_url=reverse("schemes:good_practice", kwargs={"programme": programme.slug, "pk": practice.pk}),
        context={"programme": programme, "autosave": True},
    )


@require_safe
@programme_view("view", "good_practice")
def good_practice_history(request, programme, access, pk):
    practice = _practice(programme, pk)
    return history_view(request, practice, access, "good_practice", context={"programme": programme, "title": practice.title})


@require_POST
@programme_view("edit", "good_practice")
def good_practice_restore(request, programme, access, pk, history_id):
    practice = _practice(programme, pk)
    _require_owner(practice, owned_cities(request.user, programme), request.user)
    return restore_view(request, practice, access, "good_practice", history_id, programme=programme)


@require_safe
@programme_view("export", "good_practice")
def good_practice_pdf(request, programme, access, pk):
    return pdf_response(request, practice_document(programme, _practice(programme, pk)))


def practice_document(programme, practice):
    """A good practice (Annex 4). It belongs to the programme (every scheme of it reads
    it), so it is not among a scheme's documents laid out in the background."""
    return render_document(
        "documents/good_practice.html",
        {"programme": programme, "practice": practice, "annex_fields": practice_fields(practice, programme)},
        filename=f"good-practice-{slugify(practice.title)[:60] or practice.pk}.pdf",
    )
