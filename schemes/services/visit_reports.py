"""Writes and reads of visit reports (``schemes.models.visit_reports``).

Every write locks the visit's row (so a report's size is checked against what is there,
and two writes of one report follow each other), saves with a history reason and logs.
A recommendation becomes a draft action of the plan through the action plan's own lock
and rules: refused on a submitted or approved plan (``PlanLocked``), and made once (a
second request finds the action the first one made)."""

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action

from ..models import Action, ReportItemKind, Visit
from .action_plans import ACTION_TEXT, _check_plan_size, _editable, plan_for
from .benchmark_stages import stages_of
from .limits import check_document_text, text_length
from .setup import form_save_with_history

TEXT_FIELDS = ["text", "response"]


def _data(visit):
    return {"visit": str(visit), "visit_id": visit.pk}


def _lock_visit(visit):
    Visit.objects.select_for_update().filter(pk=visit.pk).values_list("pk", flat=True).first()


def _check_report_size(visit, *, item, new_text):
    """Refuse a report whose text would exceed what one document may hold."""
    others = visit.report_items.exclude(pk=item.pk) if item.pk else visit.report_items.all()
    check_document_text(text_length(others, TEXT_FIELDS) + new_text)


def report_items(visit):
    """The items of ``visit``'s report, with everything the page and the PDF show, in one
    query: author, key factor, need, who responded, and the action made from each (its id,
    None if none, and ``action_city``: the peer city whose plan has it in a community of
    practice, None for a scheme's shared plan)."""
    made = Action.objects.filter(from_recommendation=OuterRef("pk")).order_by("pk")
    return (
        visit.report_items.select_related("author", "key_factor", "need", "responded_by")
        .annotate(action_id=Subquery(made.values("pk")[:1]), action_city=Subquery(made.values("plan__organisation_id")[:1]))
        .order_by("created_at", "id")
    )


def grouped(items):
    """[(kind value, kind label, items of that kind)] in the report's order, each kind
    listed even when it has no item yet."""
    return [(kind.value, kind.label, [item for item in items if item.kind == kind]) for kind in ReportItemKind]


@transaction.atomic
def item_save(*, form, visit, actor):
    """Add or change an item of ``visit``'s report from ``form`` (the writers' form)."""
    _lock_visit(visit)
    item = form.instance
    _check_report_size(visit, item=item, new_text=len(form.cleaned_data.get("text") or "") + len(item.response or ""))
    creating = item.pk is None
    if creating:
        item.visit, item.author = visit, actor
    return form_save_with_history(
        form,
        actor=actor,
        action="visit_report.item_added" if creating else "visit_report.item_changed",
        scheme=visit.scheme,
        label=form.cleaned_data.get("text"),
        data={**_data(visit), "kind": form.cleaned_data.get("kind")},
        reason=gettext_lazy("Written") if creating else "",
    )


@transaction.atomic
def item_respond(*, form, visit, actor):
    """Save the mentee city's response to an item (``form``: the response form)."""
    _lock_visit(visit)
    item = form.instance
    _check_report_size(visit, item=item, new_text=len(item.text) + len(form.cleaned_data.get("response") or ""))
    item.responded_by, item.responded_at = actor, timezone.now()
    return form_save_with_history(
        form,
        actor=actor,
        action="visit_report.responded",
        scheme=visit.scheme,
        label=item.text,
        data=_data(visit),
        reason=gettext_lazy("Responded"),
    )


@transaction.atomic
def item_remove(*, item, visit, actor):
    """Remove an item of the report (it stays in the history; an action made from it
    stays in the plan, without its origin)."""
    _lock_visit(visit)
    log_action(actor=actor, action="visit_report.item_removed", obj=item, scheme=visit.scheme, label=item.text, data=_data(visit))
    item.delete()


class NotARecommendation(Exception):
    """Only a recommendation becomes an action."""


@transaction.atomic
def recommendation_to_action(*, item, scheme, actor, city=None):
    """Make ``item`` (a recommendation of one of ``scheme``'s visit reports) a draft
    action of the scheme's plan, or in a community of practice of the plan of the peer
    city ``city`` (the visit's host): its text as the action, its key factor and need as
    the action's. Returns (action, created): a recommendation already made into an action
    (a second click, a second tab, or in a community a visit whose host city changed
    since) gives that action back, in whichever plan has it, and makes none.

    Raises ``PlanLocked`` when the plan is submitted or approved, ``ValidationError``
    when the plan is full."""
    if item.kind != ReportItemKind.RECOMMENDATION:
        raise NotARecommendation
    made = Action.objects.filter(from_recommendation=item).select_related("plan").order_by("pk")
    existing = made.first()
    if existing is not None:
        return existing, False
    plan = _editable(plan_for(scheme, city))  # the plan's row locked until the commit
    existing = made.first()  # made by a request that held the lock before this one
    if existing is not None:
        return existing, False
    action = Action(plan=plan, action=item.text, from_recommendation=item)
    _check_plan_size(plan, action=action, new_action_text=sum(len(getattr(action, name) or "") for name in ACTION_TEXT))
    action.order = (plan.actions.aggregate(n=Max("order"))["n"] or 0) + 1
    action._change_reason = (_("Made from a recommendation of the report of %(visit)s") % {"visit": item.visit})[:100]
    action.save()
    if item.key_factor_id and item.key_factor.version_id in {stage.benchmark_id for stage in stages_of(scheme)}:
        action.key_factors.add(item.key_factor)
    if item.need_id and item.need.plan_id == plan.pk:
        action.needs.add(item.need)
    log_action(
        actor=actor,
        action="action.added",
        obj=action,
        scheme=scheme,
        label=action.action,
        data={"from_recommendation": item.pk, "visit": str(item.visit)},
    )
    return action, True
