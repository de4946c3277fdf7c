"""Meetings between the visits (issue 22): the scheme's list, planning one (from a visit's
page, ``?visit=<number>`` proposes its preparation meeting), its page, editing, history,
removal and its calendar file. Everyone of the scheme reads them; those who plan the
visits plan the meetings. Everything is fetched through the scheme: another scheme's
meeting is a 404."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import scheme_view
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from ..forms.meetings import MeetingForm
from ..models import MeetingMode, MeetingPurpose
from ..services.meetings import meeting_calendar, meeting_path, meeting_remove, meeting_save, scheme_meetings
from ..services.visits import PREPARATION_LEAD


def _meeting(scheme, pk):
    return get_object_or_404(scheme_meetings(scheme), pk=pk)


def _list_url(scheme):
    return reverse("schemes:meetings", kwargs={"programme": scheme.programme.slug, "number": scheme.number})


def _context(scheme, **extra):
    return {"programme": scheme.programme, "scheme": scheme, **extra}


@require_safe
@scheme_view("view", "meeting")
def meeting_list(request, scheme, access):
    """Coming meetings first (soonest first), then the past ones (latest first)."""
    today = timezone.localdate()
    meetings = list(scheme_meetings(scheme))
    return render(
        request,
        "meetings/list.html",
        _context(
            scheme,
            access=access,
            upcoming=[meeting for meeting in meetings if meeting.date >= today],
            past=[meeting for meeting in reversed(meetings) if meeting.date < today],
            page_title=_("Meetings"),
        ),
    )


def _preparation_initial(scheme, number):
    """What planning the preparation meeting of visit ``number`` proposes: its title, the
    visit, online, six weeks before the visit's first day, in the visit's time zone."""
    visit = scheme.visits.filter(order=number).first() if number.isdigit() else None
    if visit is None:
        return {}
    initial = {
        "purpose": MeetingPurpose.PREPARATION,
        "visit": visit.pk,
        "title": _("Preparation of %(visit)s") % {"visit": visit.title},
        "mode": MeetingMode.ONLINE,
        "time_zone": visit.time_zone,
    }
    if visit.start_date:
        initial["date"] = visit.start_date - PREPARATION_LEAD
    return initial


@scheme_view("edit", "meeting")
def meeting_create(request, scheme, access):
    form = MeetingForm(request.POST or None, scheme=scheme, initial=_preparation_initial(scheme, request.GET.get("visit", "")))
    if request.method == "POST":
        saved = submission_save(
            request, form, lambda: meeting_save(form=form, scheme=scheme, actor=request.user), url=meeting_path
        )
        if saved:
            if not saved.again:
                for warning in form.warnings():
                    messages.warning(request, warning)
                messages.success(request, _("Meeting “%(title)s” planned.") % {"title": saved.object.title})
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Plan a meeting"),
        submit_label=_("Plan the meeting"),
        cancel_url=_list_url(scheme),
        context=_context(scheme),
    )


@require_safe
@scheme_view("view", "meeting")
def meeting_detail(request, scheme, access, pk):
    meeting = _meeting(scheme, pk)
    participants = meeting.participants.select_related("organisation").order_by("last_name", "first_name")
    return render(
        request,
        "meetings/detail.html",
        _context(scheme, access=access, meeting=meeting, participants=participants, page_title=meeting.title),
    )


@scheme_view("edit", "meeting")
def meeting_edit(request, scheme, access, pk):
    meeting = _meeting(scheme, pk)
    form = MeetingForm(request.POST or None, instance=meeting, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_save(form=form, scheme=scheme, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            for warning in form.warnings():
                messages.warning(request, warning)
            messages.success(request, _("Meeting saved."))
            return redirect(meeting_path(meeting))
    return form_page(
        request,
        form,
        title=_("Edit the meeting"),
        submit_label=_("Save"),
        cancel_url=meeting_path(meeting),
        context=_context(scheme),
    )


@require_POST
@scheme_view("edit", "meeting")
def meeting_delete(request, scheme, access, pk):
    meeting = _meeting(scheme, pk)
    if not confirmed(request):
        return confirm_page(
            request, **removal_question(meeting.title), cancel_url=meeting_path(meeting), context=_context(scheme)
        )
    meeting_remove(meeting=meeting, scheme=scheme, actor=request.user)
    messages.success(request, _("Meeting “%(title)s” removed (it stays in the history).") % {"title": meeting.title})
    return redirect(_list_url(scheme))


@require_safe
@scheme_view("view", "meeting")
def meeting_history(request, scheme, access, pk):
    meeting = _meeting(scheme, pk)
    return history_view(request, meeting, access, "meeting", context=_context(scheme, title=str(meeting)))


@require_POST
@scheme_view("edit", "meeting")
def meeting_restore(request, scheme, access, pk, history_id):
    return restore_view(request, _meeting(scheme, pk), access, "meeting", history_id, scheme=scheme)


@require_safe
@scheme_view("export", "meeting")
def meeting_ics(request, scheme, access, pk):
    meeting = _meeting(scheme, pk)
    content = meeting_calendar(meeting, url=request.build_absolute_uri(meeting_path(meeting)))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scheme.programme.slug}-{scheme.number}-meeting-{meeting.pk}.ics"'
    return response
