"""Cities, associations and other organisations of a programme. Each is fetched through
the programme (``programme.cities``): an organisation of another programme is a 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import programme_view
from mentoring.forms import EditConflict
from mentoring.pages import form_page, history_view, paginate, restore_view
from mentoring.submissions import submission_save

from ..filters import OrganisationFilter
from ..forms.setup import OrganisationForm
from ..models import OrganisationKind
from ..services.setup import form_save_with_history, organisation_register, programme_people


def organisation_of(programme, pk):
    return get_object_or_404(programme.cities.all(), pk=pk)


@require_safe
@programme_view("view", "organisation")
def organisation_list(request, programme, access):
    # Memberships of this programme's associations only: a city known to several
    # programmes is never shown with another programme's associations (issue 26).
    organisations = programme.cities.prefetch_related(Prefetch("member_of", queryset=programme.cities.order_by("name"))).order_by(
        "kind", "name"
    )
    filterset = OrganisationFilter(request.GET, queryset=organisations)
    return render(
        request,
        "schemes/organisation_list.html",
        {"programme": programme, "access": access, "filter": filterset, "page_obj": paginate(request, filterset.qs)},
    )


@programme_view("edit", "organisation")
def organisation_create(request, programme, access):
    initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in OrganisationKind.values else OrganisationKind.CITY}
    form = OrganisationForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: organisation_register(form=form, programme=programme, actor=request.user),
            url=lambda organisation: programme.get_absolute_url() + "organisations/",
        )
        if saved:
            if saved.again:
                return redirect(saved.url)
            organisation = saved.object
            messages.success(request, _("%(name)s is registered in this programme.") % {"name": organisation.name})
            if "add_another" in request.POST:
                return redirect(request.path + f"?kind={organisation.kind}")
            return redirect(saved.url)
    known = form.known_organisation
    return form_page(
        request,
        form,
        title=_("Register a city, association or organisation"),
        submit_label=_("Register"),
        cancel_url=programme.get_absolute_url() + "organisations/",
        context={
            "programme": programme,
            "add_another": True,
            # The search that finds the known organisation, to add it instead (issue 26).
            "known_organisation_search": known
            and reverse("schemes:organisation_find", args=[programme.slug])
            + "?"
            + urlencode({"q": known.name, "country": known.country.code or ""}),
        },
        template="schemes/organisation_form.html",
    )


@require_safe
@programme_view("view", "organisation")
def organisation_detail(request, programme, access, pk):
    organisation = organisation_of(programme, pk)
    return render(
        request,
        "schemes/organisation_detail.html",
        {
            "programme": programme,
            "access": access,
            "organisation": organisation,
            "memberships": organisation.member_of.filter(pk__in=programme.cities.values("pk")).order_by("name"),
            "members": organisation.members.filter(pk__in=programme.cities.values("pk")).order_by("name"),
        },
    )


@programme_view("edit", "organisation")
def organisation_edit(request, programme, access, pk):
    organisation = organisation_of(programme, pk)
    form = OrganisationForm(request.POST or None, instance=organisation, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            form_save_with_history(form, actor=request.user, action="organisation.changed", programme=programme)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:organisation", programme=programme.slug, pk=organisation.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": organisation.name},
        submit_label=_("Save"),
        cancel_url=programme.get_absolute_url() + f"organisations/{organisation.pk}/",
        context={"programme": programme},
    )


@require_safe
@programme_view("view", "organisation")
def organisation_history(request, programme, access, pk):
    organisation = organisation_of(programme, pk)
    # A city or association is one record for every programme it is in: the names of
    # the people of other programmes who changed it are not this programme's to read.
    return history_view(
        request,
        organisation,
        access,
        "organisation",
        context={"programme": programme, "title": organisation.name},
        authors=programme_people(programme),
    )


@require_POST
@programme_view("edit", "organisation")
def organisation_restore(request, programme, access, pk, history_id):
    return restore_view(request, organisation_of(programme, pk), access, "organisation", history_id, programme=programme)
