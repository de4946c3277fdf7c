"""The action plan of a scheme (Annex 6): its needs and actions, versions frozen after
each visit and compared field by field, submission, approval by the mentee city (then
read-only), traceability to the focus key factors and needs, and implementation.

Every change of the plan's content goes through ``_editable``, which locks the plan row
and refuses a plan that is submitted or approved; implementation updates are the only
writes after approval.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchmarks.compare import Diff, ItemChange, word_diff
from mentoring.activity import log_action
from mentoring.forms import save_ordered_rows
from mentoring.history import move_in_order
from mentoring.templatetags.dates import iso_date_shown

from ..models import (
    Action,
    ActionComment,
    ActionPlan,
    ActionPlanStatus,
    ActionPlanVersion,
    ActionStatus,
    Answer,
    ImplementationUpdate,
    Need,
    OrganisationKind,
    PlanConsultation,
    Side,
    TemplateKind,
)
from ..models.action_plans import VersionName
from .attachments import attachments_with
from .limits import check_document_text, text_length
from .setup import form_save_with_history
from .subqueries import row_count

FIELDS = {
    "action": gettext_lazy("Actions"),
    "outcomes": gettext_lazy("Outcomes"),
    "timeframe": gettext_lazy("Timeframe"),
    "due_date": gettext_lazy("Due date"),
    "lead": gettext_lazy("Who leads"),
    "resources": gettext_lazy("Resources and partners"),
    "evaluation": gettext_lazy("Evaluating success"),
    "key_factors": gettext_lazy("Focus key factors"),
    "needs": gettext_lazy("Needs addressed"),
}
FINISHED = (ActionStatus.DONE, ActionStatus.DROPPED)
# As many needs as the needs page's form set takes (schemes.forms.action_plans.NeedFormSet).
NEEDS_MAX = 40


class PlanLocked(Exception):
    message = gettext_lazy(
        "The action plan is submitted or approved, so it no longer changes. A facilitator can reopen a "
        "submitted plan; an approved plan changes through a revision, its approved version staying in force "
        "until the revision is approved."
    )


def plan_title(scheme, city=None):
    """A new plan's title: the scheme's, and in a community of practice the city's too."""
    return f"{scheme.title} · {city.name}"[:300] if city is not None else scheme.title


def _summary_annotations():
    """What the plan page says of the plan's frozen versions and consultations (how many,
    the latest), read with the plan's row: each has its own page."""
    versions = ActionPlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
    consultations = PlanConsultation.objects.filter(plan=OuterRef("pk")).order_by("-date", "-id")

    return {
        "version_count": row_count(versions, "plan"),
        "approved_version_count": row_count(versions.filter(approved_at__isnull=False), "plan"),
        "latest_version_number": Subquery(versions.values("number")[:1]),
        "latest_version_label": Subquery(versions.values("label")[:1]),
        "latest_version_label_message": Subquery(versions.values("label_message")[:1]),
        "latest_version_at": Subquery(versions.values("created_at")[:1]),
        "consultation_count": row_count(consultations, "plan"),
        "latest_consulted": Subquery(consultations.values("consulted")[:1]),
        "latest_consulted_on": Subquery(consultations.values("date")[:1]),
    }


def plan_for(scheme, city=None, *, summary=False):
    """The action plan to read: the scheme's shared plan, or in a community of practice
    the plan of the peer city ``city`` (an ``Organisation``); its row, or an unsaved empty
    plan (titled after the scheme) while it has none. Reading never writes (an observer
    opening the page used to create the plan and a history row in their name): the row
    is created by the plan's first change, in ``_editable``. ``summary``: with how many
    versions and consultations it has, and the latest of each (``_summary_annotations``)."""
    plans = ActionPlan.objects.filter(scheme=scheme, organisation=city)
    if summary:
        # The approved version in force comes with the row (its label and number).
        plans = plans.select_related("approved_version").annotate(**_summary_annotations())
    plan = plans.first() or ActionPlan(scheme=scheme, organisation=city, title=plan_title(scheme, city))
    if summary and plan.pk is None:
        plan.version_count = plan.approved_version_count = plan.consultation_count = 0
    plan.scheme = scheme
    if city is not None:
        plan.organisation = city
    return plan


@transaction.atomic
def plan_get_or_create(*, scheme, city=None):
    """The plan row (the shared one, or the peer city ``city``'s), created (empty, titled
    after the scheme) if there is none: for the writes that need the row (and for
    fixtures)."""
    plan, _created = ActionPlan.objects.get_or_create(
        scheme=scheme, organisation=city, defaults={"title": plan_title(scheme, city)}
    )
    plan.scheme = scheme
    if city is not None:
        plan.organisation = city
    return plan


def plans_of_cities(scheme):
    """A community of practice's plans, one per peer city in the parties' order (a peer
    association has none): (party, plan or None), in two queries."""
    parties = list(
        scheme.parties.filter(side=Side.PEER, organisation__kind=OrganisationKind.CITY)
        .select_related("organisation")
        .order_by("order", "pk")
    )
    plans = {plan.organisation_id: plan for plan in scheme.action_plans.filter(organisation__isnull=False)}
    return [(party, plans.get(party.organisation_id)) for party in parties]


def sides(scheme):
    """The scheme's (mentee parties, mentor parties), in one query."""
    parties = list(scheme.parties.select_related("organisation").order_by("side", "order"))
    return [p for p in parties if p.side == Side.MENTEE], [p for p in parties if p.side == Side.MENTOR]


def _locked(plan):
    """The plan's row, locked until the transaction ends; created first if the plan is
    not saved yet (its first change)."""
    if plan.pk is None:
        plan = plan_get_or_create(scheme=plan.scheme, city=plan.organisation)
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    locked.scheme = plan.scheme
    if plan.organisation_id is not None:
        locked.organisation = plan.organisation
    return locked


def _editable(plan):
    plan = _locked(plan)
    if plan.status != ActionPlanStatus.DRAFT:
        raise PlanLocked
    return plan


# A plan not saved yet (``plan_for``) has no rows: its related managers cannot be asked.
def _plan_actions(plan):
    """The plan's actions in the plan's order, with the practice each transfers."""
    if plan.pk is None:
        return Action.objects.none()
    return plan.actions.select_related("transfers_practice__city").order_by("order", "id")


def actions_of(plan):
    return _plan_actions(plan).prefetch_related("key_factors", "needs")


# The text of an action, as it is printed in the plan (Annex 6).
ACTION_TEXT = ["action", "outcomes", "timeframe", "lead", "resources", "evaluation"]


def _check_plan_size(plan, *, action=None, new_action_text=0, needs_text=None):
    """Refuse a plan over ``MAX_ACTIONS_PER_PLAN`` actions or ``MAX_DOCUMENT_TEXT``
    characters: ``action`` is the one being saved (its new text ``new_action_text``),
    ``needs_text`` the needs' new text (else their text now)."""
    if action is not None and action.pk is None and plan.actions.count() >= settings.MAX_ACTIONS_PER_PLAN:
        raise ValidationError(
            _("An action plan has at most %(max)s actions. Group related actions into one.")
            % {"max": settings.MAX_ACTIONS_PER_PLAN},
            code="too_many_actions",
        )
    others = plan.actions.exclude(pk=action.pk) if action is not None and action.pk else plan.actions.all()
    needs = text_length(plan.needs.all(), ["text"]) if needs_text is None else needs_text
    check_document_text(text_length(others, ACTION_TEXT) + new_action_text + needs)


def needs_of(plan):
    return plan.needs.order_by("order", "id") if plan.pk is not None else Need.objects.none()


def needs_with_sources(plan):
    """The plan's needs with the needs-analysis answer each was taken from (its question,
    section and response), in one query: the plan page says where a need came from and
    whether the needs analysis changed since."""
    return needs_of(plan).select_related("from_answer__question__section", "from_answer__response")


def analysis_answers(scheme, city=None):
    """The answers of the scheme's mentee cities' needs analyses a need can be taken from:
    the scheme's own only (another scheme's answer is not a choice), with some text. For
    a community city's plan, the answers of that city's own needs analysis."""
    mentees = [city.pk] if city is not None else scheme.parties.filter(side=Side.MENTEE).values("organisation_id")
    return (
        Answer.objects.filter(
            response__scheme=scheme,
            response__template__kind=TemplateKind.NEEDS_ANALYSIS,
            response__organisation_id__in=mentees,
        )
        .exclude(text="")
        .select_related("question__section", "response__organisation")
        .order_by("response__organisation__name", "question__section__order", "question__order", "row")
    )


def need_text_from(answer):
    """A need's text from an answer: the answer's text, cut to the need's length."""
    text = " ".join(answer.text.split())
    limit = Need._meta.get_field("text").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def analysis_changed(need):
    """The answer's new text when the needs analysis changed since the need was taken."""
    answer = need.from_answer
    if answer is None or answer.text == need.answer_text:
        return None
    return answer.text


@transaction.atomic
def need_take(*, plan, answer, actor):
    """Add a need taken from the needs analysis, keeping the link to its answer."""
    plan = _editable(plan)
    if plan.needs.count() >= NEEDS_MAX:
        raise ValidationError(_("An action plan has at most %(max)s needs.") % {"max": NEEDS_MAX}, code="too_many_needs")
    text = need_text_from(answer)
    _check_plan_size(plan, needs_text=text_length(plan.needs.all(), ["text"]) + len(text))
    need = Need(
        plan=plan,
        order=(plan.needs.aggregate(n=Max("order"))["n"] or 0) + 1,
        text=text,
        from_answer=answer,
        answer_text=answer.text,
    )
    need._change_reason = gettext_lazy("Taken from the needs analysis")
    need.save()
    log_action(
        actor=actor,
        action="action_plan.needs_changed",
        obj=plan,
        scheme=plan.scheme,
        label=plan.title,
        data={"needs": plan.needs.count(), "taken": need.pk},
    )
    return need


@transaction.atomic
def need_refresh(*, need, actor):
    """Copy the needs analysis's new text into a need taken from it. Returns False when
    there was nothing to copy (no answer any more, or the same text)."""
    plan = _editable(need.plan)
    need = Need.objects.select_for_update(of=("self",)).select_related("from_answer").get(pk=need.pk)
    new = analysis_changed(need)
    if new is None:
        return False
    text = need_text_from(need.from_answer)
    others = text_length(plan.needs.exclude(pk=need.pk), ["text"])
    _check_plan_size(plan, needs_text=others + len(text))
    need.text, need.answer_text = text, new
    need._change_reason = gettext_lazy("Updated from the needs analysis")
    need.save()
    log_action(
        actor=actor,
        action="action_plan.needs_changed",
        obj=plan,
        scheme=plan.scheme,
        label=plan.title,
        data={"needs": plan.needs.count(), "updated": need.pk},
    )
    return True


def consultations_of(plan):
    if plan.pk is None:
        return PlanConsultation.objects.none()
    return plan.consultations.select_related("recorded_by").order_by("date", "id")


@transaction.atomic
def consultation_save(*, form, plan, actor):
    """Record (or change) the consultation of a department or partner on the draft plan."""
    plan = _editable(plan)
    creating = form.instance.pk is None
    if creating:
        form.instance.plan = plan
        form.instance.recorded_by = actor
    elif form.instance.plan_id != plan.pk:
        raise ValueError("consultation of another plan")
    return form_save_with_history(
        form,
        actor=actor,
        action="action_plan.consultation_added" if creating else "action_plan.consultation_changed",
        scheme=plan.scheme,
        label=form.cleaned_data.get("consulted"),
        reason=gettext_lazy("Recorded") if creating else "",
    )


@transaction.atomic
def consultation_remove(*, consultation, actor):
    plan = _editable(consultation.plan)
    log_action(
        actor=actor,
        action="action_plan.consultation_removed",
        obj=consultation,
        scheme=plan.scheme,
        label=consultation.consulted,
    )
    consultation._change_reason = gettext_lazy("Removed")
    consultation.delete()


def versions_of(plan):
    return plan.versions.all() if plan.pk is not None else ActionPlanVersion.objects.none()


@transaction.atomic
def action_save(*, form, plan, actor, reason=""):
    plan = _editable(plan)
    _check_plan_size(
        plan, action=form.instance, new_action_text=sum(len(form.cleaned_data.get(name) or "") for name in ACTION_TEXT)
    )
    creating = form.instance.pk is None
    if creating:
        form.instance.plan = plan
        form.instance.order = (plan.actions.aggregate(n=Max("order"))["n"] or 0) + 1
    return form_save_with_history(
        form,
        actor=actor,
        action="action.added" if creating else "action.changed",
        scheme=plan.scheme,
        label=form.cleaned_data.get("action"),
        reason=reason,
    )


@transaction.atomic
def action_delete(*, action, actor):
    plan = _editable(action.plan)
    log_action(actor=actor, action="action.removed", obj=action, scheme=plan.scheme, label=action.action)
    attachments_with(list(action.updates.all()), actor)
    action.delete()


@transaction.atomic
def action_move(*, action, up, actor):
    plan = _editable(action.plan)
    moved = move_in_order(action.plan.actions.order_by("order", "id"), action, up=up)
    if moved:
        log_action(actor=actor, action="action.moved", obj=action, scheme=plan.scheme, label=action.action)
    return moved


@transaction.atomic
def needs_save(*, plan, formset, actor):
    plan = _editable(plan)
    kept = [form for form in formset.forms if form not in formset.deleted_forms]
    _check_plan_size(plan, needs_text=sum(len(form.cleaned_data.get("text") or "") for form in kept))
    changed = formset.has_changed()
    save_ordered_rows(formset, plan=plan)
    if changed:
        log_action(
            actor=actor,
            action="action_plan.needs_changed",
            obj=plan,
            scheme=plan.scheme,
            label=plan.title,
            data={"needs": len(kept)},
        )


def snapshot(plan):
    """The plan's content as plain data: what a frozen version keeps."""
    if plan.organisation_id is not None:  # a community city's own plan: the city, no sides
        mentees, mentors = [plan.organisation.name], []
    else:
        mentees, mentors = ([p.organisation.name for p in side] for side in sides(plan.scheme))
    return {
        "title": plan.title,
        "mentee": ", ".join(mentees),
        "mentor": ", ".join(mentors),
        "needs": [need.text for need in needs_of(plan)],
        "actions": [
            {
                "id": action.pk,
                "action": action.action,
                "outcomes": action.outcomes,
                "timeframe": action.timeframe,
                "due_date": action.due_date.isoformat() if action.due_date else "",
                "lead": action.lead,
                "resources": action.resources,
                "evaluation": action.evaluation,
                "key_factors": [kf.number for kf in action.key_factors.all()],
                "needs": [need.text for need in action.needs.all()],
            }
            for action in actions_of(plan)
        ],
    }


class VersionLabelTaken(Exception):
    """Another version of the plan has this label (labels are unique in a plan)."""

    def __init__(self, label):
        super().__init__(label)
        self.label = label

    @property
    def message(self):
        return _("A version of this plan is already called “%(label)s”: choose another label.") % {"label": self.label}


def _names(plan):
    """The labels (in the languages they were frozen in) and the application's names
    (messages) of ``plan``'s versions: one query."""
    rows = list(versions_of(plan).values_list("label", "label_message"))
    return [label for label, _message in rows], [message for _label, message in rows if message]


def label_taken(plan, label, names=None):
    """Whether a version of ``plan`` is called ``label``: by its label, or by the name
    the application gave it, said as now."""
    labels, messages = names or _names(plan)
    wanted = label.casefold()
    return any(given.casefold() == wanted for given in [*labels, *map(VersionName.said, messages)])


def name_taken(plan, message):
    """Whether a version of ``plan`` has the name ``message`` (a ``VersionName`` message)
    already, whatever the language it was frozen in."""
    names = _names(plan)
    return message in names[1] or label_taken(plan, VersionName.said(message), names)


def unique_name(plan, message):
    """``message`` (a ``VersionName`` message), or its second, third… copy when the plan
    has a version of that name already."""
    copy = 1
    while name_taken(plan, message):
        copy += 1
        message = {**message, "copy": copy}
    return message


@transaction.atomic
def version_freeze(*, plan, label, message=None, visit=None, user=None, final=False):
    """Freeze the plan as it is now under ``label``, by ``user`` (None: the application);
    ``message``: the name the application gave it (``VersionName.message``), if it did.
    The label is checked again with the plan's row locked: two people freezing at once
    under one label both pass the form's check, and the second would otherwise meet the
    unique constraint (an error page)."""
    version = _freeze(plan=plan, label=label, message=message, visit=visit, user=user, final=final)
    log_action(
        actor=user,
        action="action_plan.frozen",
        obj=version,
        scheme=version.plan.scheme,
        label=label,
        data={"number": version.number, "visit": visit.order if visit else None, "label_message": message},
    )
    return version


def _freeze(*, plan, label, message=None, visit, user, final):
    plan = _locked(plan)
    if label_taken(plan, label):
        raise VersionLabelTaken(label)
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ActionPlanVersion.objects.create(
        plan=plan,
        number=number,
        label=label,
        label_message=message,
        visit=visit,
        snapshot=snapshot(plan),
        is_final=final,
        created_by=user,
    )
    plan.version = number + 1
    plan._change_reason = _("Version %(number)s frozen: %(label)s") % {"number": number, "label": label}
    plan.save()
    return version


def _text(value):
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def _shown(action, name):
    # Snapshots keep the due date as ISO 8601 data; the reader sees their own format.
    text = _text(action.get(name))
    return iso_date_shown(text) if name == "due_date" else text


def compare(old, new):
    """What changed between two snapshots: actions matched by id, added, removed or
    changed field by field (word-level differences), and the needs."""
    old_actions = {a["id"]: a for a in old["actions"]}
    new_actions = {a["id"]: a for a in new["actions"]}
    changes = []
    for number, action in enumerate(new["actions"], start=1):
        before = old_actions.get(action["id"])
        title = action["action"][:120]
        if before is None:
            changes.append(ItemChange(status="added", key=str(number), title=title, diffs=[]))
            continue
        diffs = [
            Diff(
                field=name,
                label=label,
                old=_shown(before, name),
                new=_shown(action, name),
                words=word_diff(_shown(before, name), _shown(action, name)),
            )
            for name, label in FIELDS.items()
            if _text(before.get(name)).strip() != _text(action.get(name)).strip()
        ]
        if diffs:
            changes.append(ItemChange(status="reworded", key=str(number), title=title, diffs=diffs))
    for action in old["actions"]:
        if action["id"] not in new_actions:
            changes.append(ItemChange(status="removed", key="", title=action["action"][:120], diffs=[]))
    needs = {
        "added": [n for n in new["needs"] if n not in old["needs"]],
        "removed": [n for n in old["needs"] if n not in new["needs"]],
    }
    return changes, needs


@transaction.atomic
def plan_submit(*, plan, user):
    """Submit the final version for approval: frozen as "Final version", then locked."""
    plan = _editable(plan)
    if not plan.actions.exists():
        raise ValueError(_("The plan has no action yet."))
    message = VersionName.message(VersionName.FINAL)
    if name_taken(plan, message):
        message = VersionName.message(VersionName.FINAL_DATED, date=timezone.localdate())
    message = unique_name(plan, message)  # submitted, reopened and submitted again the same day
    version = _freeze(  # the submission's entry says it
        plan=plan, label=VersionName.said(message), message=message, visit=None, user=user, final=True
    )
    plan.refresh_from_db()
    plan.status = ActionPlanStatus.SUBMITTED
    plan._change_reason = gettext_lazy("Submitted for approval")
    plan.save()
    log_action(
        actor=user,
        action="action_plan.submitted",
        obj=plan,
        scheme=plan.scheme,
        label=plan.title,
        data={"version": version.number, "version_label": version.label},
    )
    return plan


@transaction.atomic
def plan_reopen(*, plan, actor):
    if plan.pk is None:  # a plan never changed was never submitted
        raise PlanLocked
    scheme = plan.scheme
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ActionPlanStatus.SUBMITTED:
        raise PlanLocked
    plan.status = ActionPlanStatus.DRAFT
    plan._change_reason = gettext_lazy("Reopened")
    plan.save()
    log_action(actor=actor, action="action_plan.reopened", obj=plan, scheme=scheme, label=plan.title)
    return plan


@transaction.atomic
def plan_approve(*, plan, user, decision_reference):
    if plan.pk is None:
        raise PlanLocked
    scheme = plan.scheme
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ActionPlanStatus.SUBMITTED:
        raise PlanLocked
    plan.status = ActionPlanStatus.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = user
    plan.decision_reference = decision_reference
    plan._change_reason = gettext_lazy("Approved")
    plan.save()
    # The approved version frozen and kept, in force until a revision is approved (issue 23).
    from .plan_revisions import approved_version_freeze

    plan = approved_version_freeze(plan=plan, user=user)
    log_action(
        actor=user,
        action="action_plan.revision_approved" if plan.revision > 1 else "action_plan.approved",
        obj=plan,
        scheme=scheme,
        label=plan.title,
        data={"reference": decision_reference, "revision": plan.revision},
    )
    return plan


def untraced(plan, actions, needs):
    """The focus key factors and the ``needs`` that none of ``actions`` (from
    ``plan_actions_prefetched``) addresses."""
    addressed_factors = {kf.pk for action in actions for kf in action.key_factor_list}
    addressed_needs = {need.pk for action in actions for need in action.need_list}
    factors = [kf for kf in plan.scheme.focus_key_factors.order_by("order") if kf.pk not in addressed_factors]
    return factors, [need for need in needs if need.pk not in addressed_needs]


def is_overdue(action, today=None):
    today = today or timezone.localdate()
    return bool(action.due_date and action.due_date < today and action.status not in FINISHED)


def progress_summary(actions, today=None):
    """Counts per status, overdue actions and the average progress, for the scheme page."""
    actions = list(actions)
    counts = dict.fromkeys(ActionStatus.values, 0)
    for action in actions:
        counts[action.status] += 1
    return {
        "total": len(actions),
        "counts": [(ActionStatus(status).label, count) for status, count in counts.items()],
        "overdue": sum(1 for action in actions if is_overdue(action, today)),
        "average": round(sum(a.progress for a in actions) / len(actions)) if actions else 0,
    }


@transaction.atomic
def update_add(*, form, action, user):
    """Record a dated implementation update; the action takes its status and progress.
    While a revision is drafted the approved version stays in force: its implementation
    goes on being recorded (issue 23)."""
    if action.plan.status != ActionPlanStatus.APPROVED and action.plan.approved_version_id is None:
        raise PlanLocked
    update = form.save(commit=False)
    update.action, update.author = action, user
    update.save()
    latest = action.updates.order_by("-date", "-id").first()
    action.status, action.progress = latest.status, latest.progress
    action._change_reason = _("Implementation update of %(date)s") % {"date": date_format(update.date, "DATE_FORMAT")}
    action.save()
    log_action(
        actor=user,
        action="action.progress_recorded",
        obj=action,
        scheme=action.plan.scheme,
        label=action.action,
        data={"update": update.pk, "date": update.date.isoformat(), "status": update.status, "progress": update.progress},
    )
    return update


@transaction.atomic
def action_comment_add(*, form, action, user):
    """The mentor's (or an organiser's) comment on an action being implemented."""
    comment = form.save(commit=False)
    comment.action, comment.author = action, user
    comment.save()
    log_action(
        actor=user,
        action="action.commented",
        obj=comment,
        scheme=action.plan.scheme,
        label=action.action,
        data={
            "action": action.pk,
            **({"plan_city": action.plan.organisation_id} if action.plan.organisation_id else {}),
            **({"mentions": form.mentioned_ids()} if getattr(form, "people", None) else {}),
        },
    )
    return comment


def plan_actions_prefetched(plan):
    """The plan's actions for its page and its exports, each with its key factors, needs,
    updates (newest first) and comments read as lists (``key_factor_list``,
    ``need_list``, ``update_list``, ``comment_list``): a page of 200 actions reads them
    four times without making a queryset each time."""
    return (
        _plan_actions(plan)
        .select_related("from_recommendation__visit")  # its origin, in the same query
        .prefetch_related(
            Prefetch("key_factors", to_attr="key_factor_list"),
            Prefetch("needs", to_attr="need_list"),
            Prefetch(
                "updates",
                queryset=ImplementationUpdate.objects.select_related("author", "member").order_by("-date", "-id"),
                to_attr="update_list",
            ),
            Prefetch("comments", queryset=ActionComment.objects.select_related("author", "member"), to_attr="comment_list"),
        )
    )
