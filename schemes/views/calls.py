"""Calls for mentors and mentees (issue 23).

The coordinators' pages live in the programme (``/programmes/<slug>/calls/...``, the
"call" rules: only coordinators read the applications, which hold people's names and
addresses); everything is fetched through the programme (``programme.calls``) and the
call (``call.applications``), so another programme's call is a 404.

The call's public page (``/calls/<token>/``) needs no login: the random token in its
address finds the call, and an unknown token is a 404. The form is protected by the CSRF
middleware like every form; what the applicant writes is stored as typed and shown
escaped; the number of applications from one address is limited per hour
(``services.calls``). The page links nowhere into the signed-in site.
"""

import dataclasses

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import programme_view
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, paginate, restore_view
from mentoring.submissions import submission_save

from ..forms.calls import ApplicationForm, CallForm, DecisionForm
from ..models import ApplicationSide, ApplicationStatus, Call
from ..services.calls import (
    ApplicationRefused,
    DecisionRefused,
    application_accept,
    application_decline,
    application_submit,
    call_change,
    call_close,
    call_open,
    closed_message,
    sender_of,
)
from ..services.invitations import AlreadyInvited


def _call(programme, pk):
    return get_object_or_404(programme.calls.select_related("programme"), pk=pk)


def _application(call, pk):
    return get_object_or_404(call.applications.select_related("call__programme", "scheme", "decided_by"), pk=pk)


def _calls_url(programme):
    return programme.get_absolute_url() + "calls/"


@require_safe
@programme_view("review", "call")
def call_list(request, programme, access):
    calls = programme.calls.annotate(
        received=Count("applications", filter=Q(applications__status=ApplicationStatus.RECEIVED)),
        total=Count("applications"),
    ).order_by("-opens", "-pk")
    return render(
        request,
        "calls/list.html",
        {"programme": programme, "access": access, "page_obj": paginate(request, calls), "page_title": _("Calls")},
    )


@programme_view("edit", "call")
def call_create(request, programme, access):
    form = CallForm(request.POST or None, terms=programme.terms)
    if request.method == "POST":
        saved = submission_save(
            request,
            form,
            lambda: call_open(form=form, programme=programme, actor=request.user),
            url=lambda call: call.get_absolute_url(),
        )
        if saved:
            if not saved.again:
                messages.success(request, _("The call is saved. Share its public page with the cities."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Open a call for mentors and mentees"),
        submit_label=_("Save the call"),
        cancel_url=_calls_url(programme),
        context={"programme": programme, "page_title": _("New call")},
    )


@require_safe
@programme_view("review", "call")
def call_detail(request, programme, access, pk):
    call = _call(programme, pk)
    status = request.GET.get("status")
    applications = call.applications.order_by("-submitted_at", "-pk")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    return render(
        request,
        "calls/detail.html",
        {
            "programme": programme,
            "access": access,
            "call": call,
            "public_url": request.build_absolute_uri(call.get_public_url()),
            "page_obj": paginate(request, applications),
            "status": status if status in ApplicationStatus.values else "",
            "statuses": ApplicationStatus.choices,
            "page_title": call.title,
        },
    )


@programme_view("edit", "call")
def call_edit(request, programme, access, pk):
    call = _call(programme, pk)
    form = CallForm(request.POST or None, instance=call, terms=programme.terms)
    if request.method == "POST" and form.is_valid():
        try:
            call_change(form=form, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("The call is saved."))
            return redirect(call)
    return form_page(
        request,
        form,
        title=_("Edit the call “%(title)s”") % {"title": call.title},
        submit_label=_("Save"),
        cancel_url=call.get_absolute_url(),
        context={"programme": programme, "page_title": call.title},
    )


@require_POST
@programme_view("edit", "call")
def call_close_view(request, programme, access, pk):
    call = _call(programme, pk)
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("Close the call “%(title)s” now?") % {"title": call.title},
            consequences=[
                _("Its public page stops taking applications at once, before its closing date."),
                _("The applications received stay here to be reviewed. A closed call cannot be opened again."),
            ],
            confirm_label=_("Close the call"),
            cancel_url=call.get_absolute_url(),
            danger=True,
            context={"programme": programme},
        )
    call_close(call=call, actor=request.user)
    messages.success(request, _("The call is closed: it takes no more applications."))
    return redirect(call)


@require_safe
@programme_view("review", "call")
def call_history(request, programme, access, pk):
    call = _call(programme, pk)
    return history_view(request, call, access, "call", context={"programme": programme, "title": call.title})


@require_POST
@programme_view("edit", "call")
def call_restore(request, programme, access, pk, history_id):
    return restore_view(request, _call(programme, pk), access, "call", history_id, programme=programme)


def _application_page(request, programme, access, call, application, *, forms=None, status=200):
    forms = forms or {}
    decidable = application.status == ApplicationStatus.RECEIVED and access.can("edit", "call")
    context = {
        "programme": programme,
        "access": access,
        "call": call,
        "application": application,
        "decidable": decidable,
        "accept_form": forms.get("accept") or DecisionForm(decision="accept", prefix="accept"),
        "decline_form": forms.get("decline") or DecisionForm(decision="decline", prefix="decline"),
        "bound_form": next(iter(forms.values()), None),
        "page_title": str(application),
    }
    return render(request, "calls/application.html", context, status=status)


@require_safe
@programme_view("review", "call")
def application_detail(request, programme, access, pk, application):
    call = _call(programme, pk)
    return _application_page(request, programme, access, call, _application(call, application))


def _decide(request, programme, access, pk, application_pk, decision):
    call = _call(programme, pk)
    application = _application(call, application_pk)
    form = DecisionForm(request.POST, decision=decision, prefix=decision)
    if not form.is_valid():
        return _application_page(request, programme, access, call, application, forms={decision: form}, status=400)
    if not confirmed(request):
        mentee = application.side == ApplicationSide.MENTEE
        if decision == "accept":
            consequences = [
                _("%(city)s joins the programme's cities.") % {"city": application.city_name},
                _("It gets its own scheme waiting for a mentor, where it fills its needs analysis.")
                if mentee
                else _(
                    "It becomes one of the candidate %(mentors)s for matching, with a scheme of its own to fill its strengths."
                )
                % {"mentors": programme.terms.mentors},
                _("%(name)s (%(email)s) is invited to take part for the city, and the city is told by e-mail.")
                % {"name": application.contact_name, "email": application.contact_email},
                _("A decision cannot be undone here."),
            ]
            title, label = _("Accept the application of %(city)s?") % {"city": application.city_name}, _("Accept")
        else:
            consequences = [
                _("Your message is e-mailed to %(name)s (%(email)s).")
                % {"name": application.contact_name, "email": application.contact_email},
                _("A decision cannot be undone here."),
            ]
            title, label = _("Decline the application of %(city)s?") % {"city": application.city_name}, _("Decline")
        return confirm_page(
            request,
            title=title,
            consequences=consequences,
            confirm_label=label,
            cancel_url=application.get_absolute_url(),
            danger=decision == "decline",
            context={"programme": programme},
        )
    message = form.cleaned_data["message"]
    try:
        if decision == "accept":
            _decided, link = application_accept(
                application=application, message=message, actor=request.user, build_url=request.build_absolute_uri
            )
        else:
            application_decline(application=application, message=message, actor=request.user)
    except (DecisionRefused, AlreadyInvited) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
        return redirect(application.get_absolute_url())
    if decision == "accept":
        messages.success(
            request,
            _("%(city)s is accepted: its contact person is invited and the city is told by e-mail.")
            % {"city": application.city_name},
        )
    else:
        messages.success(request, _("The application is declined: your message is on its way."))
    return redirect(application.get_absolute_url())


@require_POST
@programme_view("edit", "call")
def application_accept_view(request, programme, access, pk, application):
    return _decide(request, programme, access, pk, application, "accept")


@require_POST
@programme_view("edit", "call")
def application_decline_view(request, programme, access, pk, application):
    return _decide(request, programme, access, pk, application, "decline")


@require_safe
@programme_view("review", "call")
def application_history(request, programme, access, pk, application):
    call = _call(programme, pk)
    application = _application(call, application)
    # Read only: a decision, with its invitation and e-mail, is not undone by a restore.
    read_only = dataclasses.replace(access, archived=True)
    return history_view(request, application, read_only, "call", context={"programme": programme, "title": str(application)})


# -- The public page -------------------------------------------------------------------


def _client_address(request):
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def call_public(request, token):
    """The call's text and, while it is open, the application form."""
    if request.method not in ("GET", "HEAD", "POST"):
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    call = get_object_or_404(Call.objects.select_related("programme"), token=token)
    is_open = call.is_open()
    form = ApplicationForm(request.POST if request.method == "POST" else None, call=call)
    status, refusal = 200, ""
    if request.method == "POST":
        if not is_open:
            status, refusal = 410, closed_message(call)
        elif not form.is_valid():
            status = 400
        else:
            try:
                application_submit(
                    call=call,
                    data=form.cleaned_data,
                    sender=sender_of(_client_address(request)),
                    language=getattr(request, "LANGUAGE_CODE", ""),
                )
            except ApplicationRefused as refused:
                status, refusal = refused.status, refused.message
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your application is received. The programme's coordinators will answer "
                        "by e-mail. No account is made for now: if your city is accepted, you will be invited."
                    ),
                )
                return redirect(call.get_public_url())
    context = {
        "call": call,
        "programme": call.programme,
        "form": form,
        "is_open": is_open,
        "closed_message": "" if is_open else closed_message(call),
        "refusal": refusal,
    }
    return render(request, "calls/public.html", context, status=status)
