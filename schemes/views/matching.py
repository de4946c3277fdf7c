"""Matching mentor cities with mentee cities: the programme's coordinators see, for each
mentee waiting for a mentor, the other cities ranked by an explained score
(services/matching.py), and pair the mentee with the one they choose."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import programme_view

from ..models import OrganisationKind
from ..services.matching import (
    AVAILABILITY_POINTS,
    NEEDS_POINTS,
    PROFILE_POINTS,
    candidates_for,
    mentees,
    pair,
)


@require_safe
@programme_view("match")
def matching_list(request, programme, access):
    return render(
        request,
        "matching/list.html",
        {"programme": programme, "access": access, "mentees": mentees(programme), "page_title": _("Matching")},
    )


def _mentee(request, programme, organisation):
    """The mentee city (one waiting for a mentor in this programme), its preparation
    scheme or None, the benchmark to match on, the benchmarks offered, and ``mentees()``."""
    waiting = mentees(programme)
    city, scheme = next(((city, scheme) for city, scheme in waiting if city.pk == organisation), (None, None))
    if city is None:
        raise Http404(_("This city is not waiting for a mentor in this programme."))
    benchmark = scheme.benchmark if scheme and scheme.benchmark else None
    offered = []
    if benchmark is None:
        offered = list(programme.benchmarks.select_related("benchmark").order_by("benchmark__slug", "-number"))
        chosen = request.POST.get("benchmark") or request.GET.get("benchmark")
        benchmark = next((b for b in offered if str(b.pk) == chosen), offered[0] if offered else None)
    return city, scheme, benchmark, offered, waiting


@require_safe
@programme_view("match")
def matching_detail(request, programme, access, organisation):
    city, scheme, benchmark, offered, waiting = _mentee(request, programme, organisation)
    matching = candidates_for(programme, city, benchmark, waiting=waiting)
    return render(
        request,
        "matching/detail.html",
        {
            "programme": programme,
            "access": access,
            "city": city,
            "scheme": None,
            "waiting_scheme": scheme,
            "benchmark": benchmark,
            "offered": offered,
            "matching": matching,
            "points": {"needs": NEEDS_POINTS, "profile": sum(PROFILE_POINTS.values()), "availability": AVAILABILITY_POINTS},
            # Translators: "Mentor cities for Capaci", in the programme's word for mentor cities.
            "page_title": _("%(mentors)s for %(city)s") % {"mentors": programme.terms.Mentors, "city": city.name},
        },
    )


@require_POST
@programme_view("match")
def matching_pair(request, programme, access, organisation):
    city, scheme, benchmark, _offered, _waiting = _mentee(request, programme, organisation)
    mentor = (
        programme.cities.filter(kind=OrganisationKind.CITY, pk=request.POST.get("mentor") or 0).exclude(pk=city.pk).first()
        if (request.POST.get("mentor") or "").isdigit()
        else None
    )
    if mentor is None:
        messages.error(request, _("Choose one of the candidate cities of this programme as mentor."))
        return redirect(reverse("schemes:matching_detail", kwargs={"programme": programme.slug, "organisation": city.pk}))
    try:
        paired = pair(
            programme=programme,
            mentee_city=city,
            mentor_city=mentor,
            waiting_scheme=scheme,
            benchmark=benchmark,
            actor=request.user,
        )
    except ValueError as exc:  # paired by someone else meanwhile
        messages.error(request, str(exc))
        return redirect(scheme)
    messages.success(
        request,
        _("%(mentor)s now mentors %(mentee)s in this scheme. Invite its people from the scheme's People page.")
        % {"mentor": mentor.name, "mentee": city.name},
    )
    return redirect(paired)
