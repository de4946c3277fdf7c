"""Programme pages: the list, creating one, its page, editing, archiving, history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from benchmarks.models import BenchmarkVersion
from mentoring.access import may_create_programme, programme_view
from mentoring.forms import EditConflict
from mentoring.pages import archive_toggle, form_page, history_view, paginate, restore_view
from mentoring.submissions import submission_save

from ..filters import ProgrammeFilter, SchemeFilter
from ..forms.setup import ProgrammeForm
from ..models import Organisation, OrganisationKind, Programme, Scheme
from ..services.setup import form_save_with_history, programme_create

CITIES_SHOWN = 50


@require_safe
@login_required
def programme_list(request):
    programmes = (
        Programme.objects.for_user(request.user)
        .select_related("coordinating_body")
        .annotate(scheme_count=Count("schemes", distinct=True))
        .order_by("-start_date", "name")
    )
    filterset = ProgrammeFilter(request.GET, queryset=programmes)
    return render(
        request,
        "schemes/programme_list.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs), "may_create": may_create_programme(request.user)},
    )


@login_required
def programme_create_view(request):
    if not may_create_programme(request.user):
        raise PermissionDenied(_("Only coordinators create programmes."))
    form = ProgrammeForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: programme_create(form=form, user=request.user),
            url=lambda programme: programme.get_absolute_url(),
        )
        if saved:
            if not saved.again:
                messages.success(request, _("Programme created. Next: register its cities and associations, then its schemes."))
            return redirect(saved.url)
    return form_page(request, form, title=_("New programme"), submit_label=_("Create the programme"), cancel_url="/programmes/")


@require_safe
@programme_view("view")
def programme_detail(request, programme, access):
    schemes = (
        Scheme.objects.for_user(request.user)
        .filter(programme=programme)
        .select_related("programme", "benchmark")
        .with_parties()
        .order_by("number")
    )
    filterset = SchemeFilter(request.GET, queryset=schemes)
    cities = Organisation.objects.filter(programmes=programme, kind__in=[OrganisationKind.CITY, OrganisationKind.ASSOCIATION])
    context = {
        "programme": programme,
        "access": access,
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "benchmarks": BenchmarkVersion.objects.filter(programmes=programme)
        .select_related("benchmark")
        .order_by("benchmark__slug"),
        "facilitator_organisations": programme.facilitator_organisations.order_by("name"),
        "cities": cities.order_by("name")[:CITIES_SHOWN],
        "city_count": cities.count(),
        "people": programme.roles.select_related("user").order_by("role", "user__last_name"),
    }
    return render(request, "schemes/programme_detail.html", context)


@programme_view("edit")
def programme_edit(request, programme, access):
    form = ProgrammeForm(request.POST or None, request.FILES or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = form_save_with_history(form, actor=request.user, action="programme.changed", programme=programme)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Programme saved."))
            return redirect(programme)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": programme.name},
        submit_label=_("Save"),
        cancel_url=programme.get_absolute_url(),
        context={"programme": programme},
    )


@require_POST
@programme_view("archive")
def programme_archive(request, programme, access):
    return archive_toggle(
        request,
        programme,
        archived_message=_("Programme archived: it is read-only, and its documents can still be printed."),
        restored_message=_("Programme brought back from the archive."),
        context={"programme": programme},
    )


@require_safe
@programme_view("view")
def programme_history(request, programme, access):
    return history_view(request, programme, access, "programme", context={"programme": programme, "title": programme.name})


@require_POST
@programme_view("edit")
def programme_restore(request, programme, access, history_id):
    return restore_view(request, programme, access, "programme", history_id, programme=programme)
