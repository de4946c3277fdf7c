"""Site-wide pages: the home page (the user's programmes and schemes), /healthz, and the
server-error page."""

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from mentoring.access import may_create_programme
from schemes.models import Programme, Scheme
from schemes.services.my_work import tasks_for
from schemes.services.waiting import waiting_for_others


@require_safe
@login_required
def home(request):
    user = request.user
    schemes = (
        Scheme.objects.for_user(user)
        .select_related("programme", "benchmark")
        .with_parties()
        .order_by("programme__name", "number")
    )
    programmes = Programme.objects.for_user(user).select_related("coordinating_body").order_by("name")
    by_programme = {}
    for scheme in schemes:
        by_programme.setdefault(scheme.programme_id, []).append(scheme)
    rows = [(programme, by_programme.get(programme.pk, [])) for programme in programmes]
    return render(
        request,
        "home.html",
        {
            "rows": rows,
            "tasks": tasks_for(user),
            "waiting": waiting_for_others(user),
            "may_create": may_create_programme(user),
        },
    )


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """The page for an unexpected error: never a traceback. When the database did not
    answer (restarting, unreachable), a 503 that says nothing of the request was saved and
    when to try again. Rendered without the request's context, which may need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
