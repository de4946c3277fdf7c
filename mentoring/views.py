"""Site-wide pages: the home page (the user's programmes and schemes), the person's
notifications, /healthz, and the server-error page."""

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from mentoring.access import may_create_programme
from mentoring.emails import preferences, preferences_set, unsubscribe_read
from mentoring.forms import EmailPreferencesForm
from mentoring.models import EmailFrequency, Notification
from mentoring.notifications import KINDS, grouped, items, visible
from mentoring.pages import paginate, safe_next
from schemes.models import Programme, Scheme
from schemes.services.my_work import scope_for, tasks_for
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
    # Only those who may create a programme (its coordinators among them) pair mentee cities.
    may_create = may_create_programme(user)
    scope = scope_for(user)
    return render(
        request,
        "home.html",
        {
            "rows": rows,
            "tasks": tasks_for(user, scope=scope, coordinator=may_create),
            "waiting": waiting_for_others(user, scope=scope),
            "may_create": may_create,
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


@require_safe
def privacy(request):
    """The privacy notice, open to anyone (also before logging in, and from an e-mail):
    who answers for the personal data (from the PRIVACY_* settings), what is kept, why,
    how long (from the settings that decide it) and each person's rights. The text is
    templates/privacy.html, which the deployer edits; docs/privacy.md is the record of
    processing behind it."""
    days = getattr(settings, "RETENTION_DAYS", 730)
    return render(
        request,
        "privacy.html",
        {
            "controller_name": settings.PRIVACY_CONTROLLER_NAME,
            "controller_contact": settings.PRIVACY_CONTROLLER_CONTACT,
            "dpo_contact": settings.PRIVACY_DPO_CONTACT,
            "session_idle_hours": max(1, round(settings.SESSION_COOKIE_AGE / 3600)),
            "session_absolute_hours": max(1, round(settings.SESSION_ABSOLUTE_SECONDS / 3600)),
            "attachment_retention_days": settings.ATTACHMENT_RETENTION_DAYS,
            "invitation_valid_days": settings.INVITATION_VALID_DAYS,
            "retention_days": days,
            "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "login_record_days": settings.LOGIN_RECORD_DAYS,
        },
    )


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


NOTIFICATIONS_PER_PAGE = 50


@require_safe
@login_required
def notification_list(request):
    """The person's notifications, newest first, each scheme's together: the same number
    of queries however many there are (the page's entries with their people, kinds of
    object, schemes and whether each object still exists, in one query)."""
    notifications = visible(request.user).select_related(
        "entry__actor", "entry__content_type", "entry__programme", "scheme__programme"
    )
    page_obj = paginate(request, notifications.order_by("-id"), per_page=NOTIFICATIONS_PER_PAGE)
    return render(
        request,
        "notifications.html",
        {"page_obj": page_obj, "groups": grouped(items(list(page_obj.object_list)))},
    )


@require_POST
@login_required
def notification_read(request, pk):
    """Mark one of the person's notifications read (someone else's is not found)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    messages.success(request, _("Marked as read."))
    return redirect(safe_next(request, "notifications"))


@require_POST
@login_required
def notification_read_all(request):
    """Mark all the person's notifications read, in one statement (notifications have no
    history to keep)."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    messages.success(
        request,
        ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count) % {"count": count},
    )
    return redirect(safe_next(request, "notifications"))


@login_required
def email_preferences(request):
    """How the person hears of each kind of event by e-mail (``mentoring.emails``)."""
    form = EmailPreferencesForm(request.POST or None, current=preferences(request.user))
    if request.method == "POST" and form.is_valid():
        changed = preferences_set(request.user, form.cleaned_data)
        messages.success(request, _("Your e-mail preferences are saved.") if changed else _("Nothing changed."))
        return redirect("email_preferences")
    return render(request, "email_preferences.html", {"form": form})


@csrf_exempt  # the signed token is the authority; mail programs post it (RFC 8058)
@never_cache
def unsubscribe(request, token):
    """Stop one kind of e-mail (or a summary's kinds) from an e-mail's link, without
    logging in: the page asks, the button (or the mail program's one-click POST) does
    it. An altered token names no one (404); a token of another person than the one
    signed in changes nothing."""
    found = unsubscribe_read(token)
    if found is None:
        return render(request, "unsubscribe.html", {"invalid": True}, status=404)
    user, kinds = found
    if request.user.is_authenticated and request.user.pk != user.pk:
        return render(request, "unsubscribe.html", {"other_person": True}, status=403)
    done = False
    if request.method == "POST":
        preferences_set(user, dict.fromkeys(kinds, EmailFrequency.NEVER))
        done = True
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(
        request,
        "unsubscribe.html",
        {"kinds": [KINDS[kind].label for kind in kinds], "done": done, "address": _masked(user.email), "token": token},
    )


def _masked(address):
    """An address as the unsubscribe page shows it to whoever holds the link: enough for
    its owner to recognise it ("m…@city.example")."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"
