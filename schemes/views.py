"""Read-only pages of a programme and a scheme. Each resolves its object through
``mentoring.access`` once; children are fetched through it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import render

from mentoring.access import programme_for, scheme_for

from .models import ProgrammeRole, Scheme, SchemeParty, SchemeRole


@login_required
def programme_detail(request, programme):
    programme, access = programme_for(request.user, programme)
    schemes = (
        Scheme.objects.for_user(request.user)
        .filter(programme=programme)
        .select_related("programme", "benchmark")
        .prefetch_related(Prefetch("parties", queryset=SchemeParty.objects.select_related("organisation")))
        .annotate(visit_count=Count("visits", distinct=True))
        .order_by("number")
    )
    context = {
        "programme": programme,
        "access": access,
        "schemes": schemes,
        "benchmarks": programme.benchmarks.select_related("benchmark").order_by("benchmark__slug"),
        "facilitator_organisations": programme.facilitator_organisations.order_by("name"),
        "cities": programme.cities.order_by("name"),
        "people": ProgrammeRole.objects.filter(programme=programme).select_related("user").order_by("role", "user__last_name"),
    }
    return render(request, "schemes/programme_detail.html", context)


@login_required
def scheme_detail(request, programme, number):
    scheme, access = scheme_for(request.user, programme, number)
    context = {
        "scheme": scheme,
        "programme": scheme.programme,
        "access": access,
        "parties": scheme.parties.select_related("organisation").order_by("side", "order"),
        "people": SchemeRole.objects.filter(scheme=scheme).select_related("user", "party__organisation").order_by("role", "user__last_name"),
        "visits": scheme.visits.select_related("host").order_by("order"),
        "focus_key_factors": scheme.focus_key_factors.order_by("order"),
    }
    return render(request, "schemes/scheme_detail.html", context)
