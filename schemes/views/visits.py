"""Visits of a scheme (docs/method.md §3.2, journey 4 of §6): the series (2 to 10, reordered and removed
by the organisers), each visit's plan and agenda of sessions, its PDF and calendar, and
the record after it. Everything is fetched through the scheme: another scheme's visit or
session is a 404."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import require, scheme_for, scheme_view
from mentoring.autosave import autosave_form
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from .. import method
from ..forms.visits import MethodAgendaForm, MethodSessionFormSet, SessionForm, VisitForm, VisitRecordForm
from ..models import AgendaItem, LocalSupportGroupMember
from ..services.attachments import annexes, form_context, with_attachments, with_files_flag
from ..services.meetings import meeting_path, scheme_meetings
from ..services.visits import (
    MethodSessionRefused,
    VisitLimit,
    agenda_days,
    calendar,
    method_proposals,
    session_move,
    session_remove,
    session_save,
    sessions_from_method,
    visit_add,
    visit_confirm,
    visit_move,
    visit_position_of,
    visit_record_save,
    visit_remove,
    visit_save,
)


def _visit(scheme, number, *prefetch):
    return get_object_or_404(scheme.visits.select_related("host").prefetch_related(*prefetch), order=number)


def _session(visit, pk):
    return get_object_or_404(visit.agenda_items.all(), pk=pk)


def _kwargs(visit):
    return {"programme": visit.scheme.programme.slug, "number": visit.scheme.number, "visit": visit.order}


def _url(visit):
    return reverse("schemes:visit", kwargs=_kwargs(visit))


def _sessions(visit):
    return (
        visit.agenda_items.select_related("good_practice__city")
        .prefetch_related(
            "participants__organisation",
            "key_factors",
            Prefetch("support_group_members", queryset=LocalSupportGroupMember.objects.select_related("group__city")),
        )
        .order_by("day", "start_time")
    )


def _context(scheme, **extra):
    return {"programme": scheme.programme, "scheme": scheme, **extra}


# The form page with the method's guiding questions beside it (schemes.method).
QUESTIONS_FORM = "visits/form_with_questions.html"


@require_safe
@scheme_view("view", "visit")
def visit_list(request, scheme, access):
    visits = scheme.visits.select_related("host").order_by("order")
    token = request.user.calendar_token
    feed = (
        request.build_absolute_uri(
            reverse("calendar_feed", kwargs={"token": token, "programme": scheme.programme.slug, "number": scheme.number})
        )
        if token
        else ""
    )
    return render(request, "visits/list.html", _context(scheme, access=access, visits=visits, feed=feed, page_title=_("Visits")))


@scheme_view("edit", "visit")
def visit_create(request, scheme, access):
    form = VisitForm(request.POST or None, scheme=scheme)
    if request.method == "POST":
        try:
            saved = submission_save(request, form, lambda: visit_add(form=form, scheme=scheme, actor=request.user), url=_url)
        except VisitLimit as exc:
            messages.error(request, str(exc))
            return redirect("schemes:visits", programme=scheme.programme.slug, number=scheme.number)
        if saved:
            if not saved.again:
                for warning in form.warnings():
                    messages.warning(request, warning)
                messages.success(request, _("Visit %(number)s added.") % {"number": saved.object.order})
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Add a visit"),
        submit_label=_("Add the visit"),
        cancel_url=reverse("schemes:visits", kwargs={"programme": scheme.programme.slug, "number": scheme.number}),
        context=_context(scheme, page_title=_("Add a visit")),
    )


@require_safe
@scheme_view("view", "visit")
def visit_detail(request, scheme, access, visit):
    visit = get_object_or_404(with_files_flag(scheme.visits.select_related("host").prefetch_related("visit_days")), order=visit)
    sessions = list(with_files_flag(_sessions(visit)))
    with_attachments([visit, *sessions])  # one query for the visit's and its sessions' files, if any
    return render(
        request,
        "visits/detail.html",
        _context(
            scheme,
            **form_context(),
            access=access,
            visit=visit,
            days=agenda_days(visit, sessions),
            has_sessions=bool(sessions),
            attendance=visit.support_group_attendance.select_related("group__city"),
            preparation_meetings=visit.preparation_meetings.order_by("date", "start_time", "pk"),
            replies=visit.member_replies.select_related("member__group__city").order_by("member__name", "id"),
            page_title=str(visit),
        ),
    )


@scheme_view("edit", "visit")
def visit_edit(request, scheme, access, visit):
    visit = _visit(scheme, visit)
    form = VisitForm(request.POST or None, instance=visit, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            visit_save(form=form, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            for warning in form.warnings():
                messages.warning(request, warning)
            messages.success(request, _("Visit saved."))
            return redirect(_url(visit))
    return form_page(
        request,
        form,
        title=_("Plan visit %(number)s") % {"number": visit.order},
        submit_label=_("Save"),
        cancel_url=_url(visit),
        context=_context(scheme, page_title=str(visit)),
    )


@require_POST
@scheme_view("edit", "visit")
def visit_confirm_view(request, scheme, access, visit):
    """The visit page's "Confirm the visit" button: a planned visit becomes confirmed."""
    visit = _visit(scheme, visit)
    if visit_confirm(visit=visit, actor=request.user):
        messages.success(request, _("Visit %(number)s is confirmed.") % {"number": visit.order})
    else:
        messages.info(
            request,
            _("This visit is not waiting for a confirmation (it is %(status)s).")
            % {"status": visit.get_status_display().lower()},
        )
    return redirect(_url(visit))


@scheme_view("edit", "visit")
def visit_record(request, scheme, access, visit):
    """After the visit: notes, outcomes, next steps, attendance of the support groups."""
    visit = _visit(scheme, visit)
    form = VisitRecordForm(request.POST or None, instance=visit, scheme=scheme)
    autosaved = autosave_form(request, form, lambda reason: visit_record_save(form=form, user=request.user, reason=reason))
    if autosaved:
        return autosaved
    if request.method == "POST" and form.is_valid():
        try:
            frozen = visit_record_save(form=form, user=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("The record of the visit is saved."))
            if frozen:
                messages.info(request, _("The action plan as it stands is frozen as “%(label)s”.") % {"label": frozen.name})
            return redirect(_url(visit))
    return form_page(
        request,
        form,
        title=_("After visit %(number)s") % {"number": visit.order},
        submit_label=_("Save"),
        cancel_url=_url(visit),
        context=_context(scheme, page_title=str(visit), autosave=True, guiding_questions=method.GUIDING_QUESTIONS),
        template=QUESTIONS_FORM,
    )


@require_POST
@scheme_view("edit", "visit")
def visit_move_view(request, scheme, access, visit):
    visit = _visit(scheme, visit)
    visit_move(visit=visit, up=request.POST.get("direction") == "up", actor=request.user)
    return redirect("schemes:visits", programme=scheme.programme.slug, number=scheme.number)


@require_POST
@scheme_view("edit", "visit")
def visit_delete(request, scheme, access, visit):
    visit = _visit(scheme, visit)
    if not confirmed(request):
        question = removal_question(visit.title, kept=_("It stays in the history; the other visits are renumbered."))
        return confirm_page(request, **question, cancel_url=_url(visit), context=_context(scheme))
    try:
        visit_remove(visit=visit, actor=request.user)
    except VisitLimit as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(title)s” removed; the other visits are renumbered.") % {"title": visit.title})
    return redirect("schemes:visits", programme=scheme.programme.slug, number=scheme.number)


@require_safe
@scheme_view("view", "visit")
def visit_history(request, scheme, access, visit):
    visit = _visit(scheme, visit)
    return history_view(request, visit, access, "visit", context=_context(scheme, title=str(visit)))


@require_POST
@scheme_view("edit", "visit")
def visit_restore(request, scheme, access, visit, history_id):
    return restore_view(request, _visit(scheme, visit), access, "visit", history_id, scheme=scheme)


def _session_page(request, scheme, visit, session):
    if not visit.days:
        messages.error(request, _("Give the visit its first and last day before building its agenda."))
        return redirect(_url(visit))
    form = SessionForm(request.POST or None, instance=session or AgendaItem(visit=visit), visit=visit)
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: session_save(form=form, visit=visit, actor=request.user),
                url=lambda saved: _url(visit) + f"#day-{saved.day.isoformat()}",
            )
        except EditConflict:
            saved = None  # the form says someone saved first, with what the writer typed
        except ValidationError as error:  # another session took this time meanwhile
            form.add_error(None, error)
            saved = None
        if saved:
            if saved.again:
                return redirect(saved.url)
            messages.success(request, _("Session saved."))
            if "add_another" in request.POST:
                return redirect(reverse("schemes:session_create", kwargs=_kwargs(visit)))
            return redirect(saved.url)
    title = _("Edit a session") if session else _("Add a session")
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save"),
        cancel_url=_url(visit),
        context=_context(scheme, page_title=title, add_another=session is None, guiding_questions=method.GUIDING_QUESTIONS),
        template=QUESTIONS_FORM,
    )


@scheme_view("edit", "visit")
def session_create(request, scheme, access, visit):
    return _session_page(request, scheme, _visit(scheme, visit), None)


@scheme_view("edit", "visit")
def session_edit(request, scheme, access, visit, session):
    visit = _visit(scheme, visit)
    return _session_page(request, scheme, visit, _session(visit, session))


@require_POST
@scheme_view("edit", "visit")
def session_delete(request, scheme, access, visit, session):
    visit = _visit(scheme, visit)
    session = _session(visit, session)
    if not confirmed(request):
        return confirm_page(request, **removal_question(session.title), cancel_url=_url(visit), context=_context(scheme))
    session_remove(session=session, visit=visit, actor=request.user)
    messages.success(request, _("Session “%(title)s” removed (it stays in the history).") % {"title": session.title})
    return redirect(_url(visit))


@require_POST
@scheme_view("edit", "visit")
def session_move_view(request, scheme, access, visit, session):
    visit = _visit(scheme, visit)
    session = _session(visit, session)
    session_move(session=session, up=request.POST.get("direction") == "up", actor=request.user)
    return redirect(_url(visit) + f"#session-{session.pk}")


@scheme_view("edit", "visit")
def agenda_from_method(request, scheme, access, visit):
    """Start the agenda from the method: the seed's agenda elements for the visit's place
    in the series, each ticked and proposed in a free slot of its days; the ticked ones
    are added together, or none if one of them does not fit (seed 000 §5)."""
    visit = _visit(scheme, visit)
    if not visit.days:
        messages.error(request, _("Give the visit its first and last day before building its agenda."))
        return redirect(_url(visit))
    position = visit_position_of(visit)
    form = MethodAgendaForm(request.POST or None)
    formset = MethodSessionFormSet(
        request.POST or None,
        initial=None if request.method == "POST" else method_proposals(visit, position),
        form_kwargs={"visit": visit},
        prefix="sessions",
    )
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: sessions_from_method(visit=visit, rows=formset.rows(), actor=request.user),
                url=lambda saved: _url(visit) + "#agenda",
                valid=lambda: form.is_valid() and formset.is_valid(),
            )
        except MethodSessionRefused as refused:
            formset.form_of_row(refused.index).add_error(None, refused.error)
            saved = None
        if saved:
            if not saved.again:
                count = len(saved.object)
                messages.success(
                    request,
                    ngettext("%(count)s session added from the method.", "%(count)s sessions added from the method.", count)
                    % {"count": count},
                )
            return redirect(saved.url)
    title = _("Start the agenda of visit %(number)s from the method") % {"number": visit.order}
    return render(
        request,
        "visits/from_method.html",
        _context(
            scheme,
            visit=visit,
            form=form,
            formset=formset,
            purpose=method.visit_purpose(position, scheme.focus),
            title=title,
            page_title=title,
            cancel_url=_url(visit),
        ),
    )


def _people_text(session):
    names = [person.get_full_name() or person.email for person in session.participants.all()]
    members = [member.name for member in session.support_group_members.all()]
    return "; ".join(part for part in (", ".join(names), ", ".join(members)) if part)


def _days_with_people(days):
    """Each day (day, sessions, total, its contact, its people, whether the people column is needed)
    with its participants said once (issue 26): when every session of the day
    has the same people, they are named under the day's heading and the column goes;
    otherwise a session with the same people as the one before reads "As above"."""
    result = []
    for day, sessions, total, contact in days:
        previous = None
        for session in sessions:
            session.people_text = _people_text(session)
            session.same_people = bool(session.people_text) and session.people_text == previous
            previous = session.people_text
        texts = {session.people_text for session in sessions}
        day_people = texts.pop() if len(sessions) > 1 and len(texts) == 1 else ""
        # The column only for a day whose sessions have different people.
        result.append((day, sessions, total, contact, day_people, not day_people and any(s.people_text for s in sessions)))
    return result


def agenda_document(scheme, visit):
    """The agenda on A4: one page per day, then the participants with their organisations.
    The download and the background rendering (schemes.documents) both make it here."""
    sessions = list(_sessions(visit))
    people = {}
    for session in sessions:
        for person in session.participants.all():
            people[("person", person.pk)] = (
                person.get_full_name() or person.email,
                person.organisation.label if person.organisation_id else "",
            )
        for member in session.support_group_members.all():
            people[("member", member.pk)] = (member.name, member.organisation or member.group.city.name)
    return render_document(
        "documents/agenda.html",
        _context(
            scheme,
            visit=visit,
            days=_days_with_people(agenda_days(visit, sessions)),
            participants=sorted(people.values()),
            annexes=annexes([(visit, str(visit)), *((session, f"{visit}: {session.title}") for session in sessions)]),
        ),
        filename=f"agenda-{scheme.programme.slug}-{scheme.number}-visit-{visit.order}.pdf",
    )


@require_safe
@scheme_view("export", "visit")
def agenda_pdf(request, scheme, access, visit):
    return pdf_response(request, agenda_document(scheme, _visit(scheme, visit, "visit_days")))


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@scheme_view("export", "visit")
def visit_ics(request, scheme, access, visit):
    visit = _visit(scheme, visit)
    content = calendar([visit], url_of=lambda v: request.build_absolute_uri(_url(v)))
    return _ics_response(content, f"{scheme.programme.slug}-{scheme.number}-visit-{visit.order}.ics")


def _scheme_calendar(request, scheme):
    visits = scheme.visits.select_related("scheme").prefetch_related("agenda_items").order_by("order")
    content = calendar(
        visits,
        url_of=lambda v: request.build_absolute_uri(_url(v)),
        meetings=scheme_meetings(scheme),
        meeting_url=lambda m: request.build_absolute_uri(meeting_path(m)),
    )
    return _ics_response(content, f"{scheme.programme.slug}-{scheme.number}-visits.ics")


@require_safe
@scheme_view("export", "visit")
def scheme_ics(request, scheme, access):
    """Every visit of the scheme (and its sessions) and every meeting, for a calendar application."""
    return _scheme_calendar(request, scheme)


@require_safe
def calendar_feed(request, token, programme, number):
    """The scheme's visits and meetings for a calendar application's subscription: the secret token
    names the person, and the scheme is resolved for them as for any page (a scheme they
    do not see, or an unknown or renewed token, is a 404)."""
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first() if len(token) >= 32 else None
    if user is None:
        raise Http404(_("No such calendar."))
    scheme, access = scheme_for(user, programme, number)
    require(access, "export", "visit", user=user)
    return _scheme_calendar(request, scheme)
