"""The report after a visit (seed 002): challenges, risks and recommendations, written by
the mentor side and the facilitators, answered item by item by the mentee city, printed
as a PDF, and feeding the action plan (a recommendation becomes a draft action in one
confirmed step). Everything is fetched through the scheme and the visit: another
scheme's visit or item is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import refuse, require, scheme_view, who_may
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from ..focus import in_scope
from ..forms.visit_reports import ReportItemForm, ReportResponseForm
from ..models import ActionPlanStatus, ReportItemKind, SchemeKind
from ..services.action_plans import PlanLocked, plan_for
from ..services.attachments import plan_url
from ..services.visit_reports import (
    grouped,
    item_remove,
    item_respond,
    item_save,
    recommendation_to_action,
    report_items,
)
from .community_plans import may_on_city_plan, peer_party


def _visit(scheme, number):
    return get_object_or_404(scheme.visits.select_related("host"), order=number)


def _item(visit, pk):
    return get_object_or_404(visit.report_items.select_related("key_factor", "need"), pk=pk)


def _report_url(visit, item=None):
    url = reverse(
        "schemes:visit_report",
        kwargs={"programme": visit.scheme.programme.slug, "number": visit.scheme.number, "visit": visit.order},
    )
    return url + (f"#item-{item.pk}" if item is not None else "")


def _context(scheme, visit, **extra):
    return {"programme": scheme.programme, "scheme": scheme, "visit": visit, **extra}


def _title(visit):
    return _("Report of %(visit)s") % {"visit": visit}


def _plan_of(scheme, visit):
    """(the party whose plan the recommendations of ``visit`` go to, whether there is
    one): the scheme's shared plan (no party); in a community of practice, which has no
    shared plan, the plan of the city the visit went to (its host), and none while the
    visit has no host among the peer cities."""
    if scheme.kind != SchemeKind.COMMUNITY:
        return None, True
    if visit.host_id is None:
        return None, False
    try:
        return peer_party(scheme, visit.host_id), True
    except Http404:  # hosted by an association, or a city no longer a peer
        return None, False


def _may_make_actions(access, scheme, peer):
    """Whether the person may make recommendations draft actions of the plan: those who
    draft the shared plan (the mentee and mentor cities' officers, the facilitators), or
    the host city's own officers and the facilitators for a community city's plan."""
    if scheme.kind == SchemeKind.COMMUNITY:
        return peer is not None and may_on_city_plan(access, "edit", peer)
    return access.can("edit", "action_plan_draft")


@require_safe
@scheme_view("view", "visit_report")
def visit_report(request, scheme, access, visit):
    visit = _visit(scheme, visit)
    visit.scheme = scheme
    items = list(report_items(visit))
    peer, has_plan = _plan_of(scheme, visit)
    # A recommendation becomes an action only where the scheme makes a plan (its focus:
    # schemes/focus.py) and that plan is a draft.
    makes_actions = has_plan and in_scope(scheme, "action_plan")
    plan = plan_for(scheme, peer.organisation if peer else None) if makes_actions else None
    return render(
        request,
        "visit_reports/report.html",
        _context(
            scheme,
            visit,
            access=access,
            kinds=grouped(items),
            items=items,
            may_make_actions=makes_actions and plan.status == ActionPlanStatus.DRAFT and _may_make_actions(access, scheme, peer),
            to_action_question=_to_action_question(peer),
            page_title=_title(visit),
        ),
    )


def report_document(scheme, visit):
    """The report on A4: the visit, then the items by kind with their key factor and need,
    and the mentee city's responses. The download and the background rendering make it
    here."""
    items = list(report_items(visit))
    return render_document(
        "documents/visit_report.html",
        _context(scheme, visit, kinds=grouped(items), items=items, title=_title(visit)),
        filename=f"report-{scheme.programme.slug}-{scheme.number}-visit-{visit.order}.pdf",
    )


@require_safe
@scheme_view("export", "visit_report")
def visit_report_pdf(request, scheme, access, visit):
    return pdf_response(request, report_document(scheme, _visit(scheme, visit)))


def _item_page(request, scheme, visit, item):
    form = ReportItemForm(request.POST or None, instance=item, scheme=scheme)
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: item_save(form=form, visit=visit, actor=request.user),
                url=lambda saved: _report_url(visit, saved),
            )
        except EditConflict:
            saved = None  # the form says someone saved first, with what the writer typed
        except ValidationError as error:  # the report would be too long to print
            form.add_error(None, error)
            saved = None
        if saved:
            if saved.again:
                return redirect(saved.url)
            messages.success(request, _("Saved in the report."))
            if "add_another" in request.POST:
                return redirect(reverse("schemes:visit_report_item_create", kwargs=_kwargs(visit)))
            return redirect(saved.url)
    title = _("Edit an item of the report") if item else _("Add to the report")
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save"),
        cancel_url=_report_url(visit, item),
        context=_context(scheme, visit, page_title=title, add_another=item is None),
    )


def _kwargs(visit, **extra):
    return {"programme": visit.scheme.programme.slug, "number": visit.scheme.number, "visit": visit.order, **extra}


@scheme_view("edit", "visit_report")
def item_create(request, scheme, access, visit):
    return _item_page(request, scheme, _visit(scheme, visit), None)


@scheme_view("edit", "visit_report")
def item_edit(request, scheme, access, visit, item):
    visit = _visit(scheme, visit)
    return _item_page(request, scheme, visit, _item(visit, item))


@scheme_view("respond", "visit_report")
def item_respond_view(request, scheme, access, visit, item):
    visit = _visit(scheme, visit)
    item = _item(visit, item)
    form = ReportResponseForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item_respond(form=form, visit=visit, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Response saved."))
            return redirect(_report_url(visit, item))
    title = _("Respond to “%(item)s”") % {"item": item}
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save the response"),
        cancel_url=_report_url(visit, item),
        context=_context(scheme, visit, page_title=title, item=item),
        template="visit_reports/respond.html",
    )


@require_POST
@scheme_view("edit", "visit_report")
def item_delete(request, scheme, access, visit, item):
    visit = _visit(scheme, visit)
    item = _item(visit, item)
    if not confirmed(request):
        return confirm_page(
            request,
            **removal_question(Truncator(item.text).chars(80)),
            cancel_url=_report_url(visit, item),
            context=_context(scheme, visit),
        )
    item_remove(item=item, visit=visit, actor=request.user)
    messages.success(request, _("Item removed from the report (it stays in the history)."))
    return redirect(_report_url(visit))


@require_safe
@scheme_view("view", "visit_report")
def item_history(request, scheme, access, visit, item):
    visit = _visit(scheme, visit)
    item = _item(visit, item)
    return history_view(request, item, access, "visit_report", context=_context(scheme, visit, title=str(item)))


@require_POST
@scheme_view("edit", "visit_report")
def item_restore(request, scheme, access, visit, item, history_id):
    visit = _visit(scheme, visit)
    return restore_view(request, _item(visit, item), access, "visit_report", history_id, scheme=scheme)


def _to_action_question(peer=None):
    if peer is None:
        title = _("Make this recommendation a draft action of the action plan?")
        who = who_may("edit", "action_plan_draft")
    else:
        title = _("Make this recommendation a draft action of the action plan of %(city)s?") % {"city": peer.organisation.name}
        who = who_may("edit", "community_plan")
    return {
        "title": title,
        "consequences": [
            _(
                "A new action is added at the end of the draft action plan, with the recommendation's text, key factor "
                "and need; it remembers that it comes from this report."
            ),
            _("Who can then change or remove it: %(roles)s.") % {"roles": who},
        ],
        "confirm_label": _("Make it a draft action"),
    }


@require_POST
@scheme_view("view", "visit_report")
def item_to_action(request, scheme, access, visit, item):
    visit = _visit(scheme, visit)
    peer, has_plan = _plan_of(scheme, visit)
    if not has_plan:  # a community's visit without a host city: no plan to take it
        raise Http404(_("Give the visit its host city first: its recommendations go to that city's action plan."))
    if scheme.kind == SchemeKind.COMMUNITY:
        if not _may_make_actions(access, scheme, peer):
            refuse(request.user, f"may not draft {peer.organisation}'s plan", _("You may not do this."))
    else:
        require(access, "edit", "action_plan_draft", user=request.user)
    item = _item(visit, item)
    if item.kind != ReportItemKind.RECOMMENDATION:
        raise Http404(_("Only a recommendation becomes an action."))
    city = peer.organisation if peer else None
    if plan_for(scheme, city).status != ActionPlanStatus.DRAFT:
        messages.error(request, PlanLocked.message)
        return redirect(_report_url(visit, item))
    if not confirmed(request):
        return confirm_page(
            request, **_to_action_question(peer), cancel_url=_report_url(visit, item), context=_context(scheme, visit)
        )
    try:
        action, created = recommendation_to_action(item=item, scheme=scheme, actor=request.user, city=city)
    except PlanLocked:  # submitted or approved meanwhile
        messages.error(request, PlanLocked.message)
        return redirect(_report_url(visit, item))
    except ValidationError as error:  # the plan is full
        messages.error(request, " ".join(error.messages))
        return redirect(_report_url(visit, item))
    if created:
        messages.success(request, _("The recommendation is now a draft action of the action plan."))
    else:
        messages.info(request, _("This recommendation is already an action of the plan: no second action was made."))
    return redirect(plan_url(scheme, action.plan, f"#action-{action.pk}"))  # the plan that has it
