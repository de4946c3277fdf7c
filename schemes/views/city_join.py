"""A city already known to the site joins this programme (issue 26).

The search lists organisations of any programme (organisations are site-wide records)
but shows only what identifies them, name, kind and country: not their other programmes,
people or documents. Adding one is a POST by the programme's coordinator; another
programme's coordinator does not find this programme at all (404)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import programme_view

from ..forms.city_join import OrganisationSearchForm
from ..models import Organisation
from ..services.city_join import SEARCH_LIMIT, organisation_join, organisations_findable


@require_safe
@programme_view("edit", "organisation")
def organisation_find(request, programme, access):
    form = OrganisationSearchForm(request.GET or None)
    results, searched = [], False
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        found = organisations_findable(programme=programme, text=form.cleaned_data["q"], country=form.cleaned_data["country"])
        results = list(found[: SEARCH_LIMIT + 1])
    return render(
        request,
        "schemes/organisation_find.html",
        {
            "programme": programme,
            "access": access,
            "form": form,
            "searched": searched,
            "results": results[:SEARCH_LIMIT],
            "more": len(results) > SEARCH_LIMIT,
        },
    )


@require_POST
@programme_view("edit", "organisation")
def organisation_add(request, programme, access):
    pk = request.POST.get("organisation", "")
    if not pk.isdigit():
        # Nothing chosen (a form posted without its button's city): back to the search.
        messages.error(request, _("Choose the city or organisation to add in the list."))
        return redirect(reverse("schemes:organisation_find", args=[programme.slug]))
    organisation = get_object_or_404(Organisation, pk=int(pk))
    if organisation_join(organisation=organisation, programme=programme, actor=request.user):
        messages.success(request, _("%(name)s is now part of this programme.") % {"name": organisation.name})
    else:
        messages.info(request, _("%(name)s was already part of this programme.") % {"name": organisation.name})
    return redirect(reverse("schemes:organisations", args=[programme.slug]))
