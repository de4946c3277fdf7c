"""Revisions of an approved action plan (issue 23).

Seed 002: a visit "allows the IC to review progress on the action plan, with the mentor,
and adjust it where necessary". An approved plan is adjusted through a revision: starting
one freezes the approved plan as an approved version (if it is not frozen yet), records it
as the version in force, and makes the plan a draft again ("revision 2"), on the same
rows, so the actions keep their implementation updates and their files. The revision is
compared with the approved version (the plan's version comparison), then submitted and
approved through the plan's usual path; that approval freezes the new approved version.
Every approved version stays, frozen, openable and printable.

While a revision is drafted the approved version stays in force: the plan's approval
(``ActionPlan.approved_at``...) is kept, implementation is still recorded, and the
timeline's approval and implementation steps stay done.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action

from ..models import ActionPlan, ActionPlanStatus, ActionPlanVersion
from ..models.action_plans import VersionName
from .action_plans import snapshot, unique_name


class NotApproved(Exception):
    message = gettext_lazy("Only an approved action plan can be revised.")


class RevisionInProgress(Exception):
    """A revision of the plan is already being drafted or waits for its approval."""

    def __init__(self, plan):
        super().__init__(plan.revision)
        self.revision = plan.revision
        self.status = plan.status

    @property
    def message(self):
        if self.status == ActionPlanStatus.SUBMITTED:
            then = _("it is submitted and waits for the mentee city's approval.")
        else:
            then = _("finish it and submit it for approval before starting another.")
        return _("Revision %(number)s is already in progress: %(then)s Nothing was changed.") % {
            "number": self.revision,
            "then": then,
        }


def revision_in_progress(plan):
    """Whether a revision of the approved plan is being drafted or waits for approval
    (the approved version is then still in force)."""
    return plan.approved_version_id is not None and plan.status != ActionPlanStatus.APPROVED


def in_force(plan):
    """Whether an approved version of the plan is in force (approved, or being revised)."""
    return plan.status == ActionPlanStatus.APPROVED or plan.approved_version_id is not None


def approved_versions(plan):
    """The plan's approved versions, oldest first, with who approved them: one query."""
    if plan.pk is None:
        return ActionPlanVersion.objects.none()
    return plan.versions.filter(approved_at__isnull=False).select_related("approved_by").order_by("number")


def _approved_name(plan, number, approved_at):
    message = VersionName.message(VersionName.APPROVED, number=number, date=timezone.localtime(approved_at).date())
    return unique_name(plan, message)  # a version someone froze under this label by hand


def _freeze_approved(plan, *, user):
    """Freeze the approved plan ``plan`` (its row locked) as an approved version with its
    approval, and make it the version in force. The caller saves the plan."""
    number = plan.versions.filter(approved_at__isnull=False).count() + 1
    approved_at = plan.approved_at or timezone.now()
    message = _approved_name(plan, number, approved_at)
    version_number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ActionPlanVersion.objects.create(
        plan=plan,
        number=version_number,
        label=VersionName.said(message),
        label_message=message,
        snapshot=snapshot(plan),
        created_by=user,
        approved_at=approved_at,
        approved_by=plan.approved_by,
        decision_reference=plan.decision_reference,
    )
    plan.version = version_number + 1
    plan.approved_version = version
    log_action(
        actor=user,
        action="action_plan.frozen",
        obj=version,
        scheme=plan.scheme,
        label=version.label,
        data={"number": version.number, "visit": None, "label_message": version.label_message},
    )
    return version


def _locked(plan):
    scheme = plan.scheme
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    locked.scheme = scheme
    return locked


@transaction.atomic
def approved_version_freeze(*, plan, user):
    """After the approval of ``plan`` (``action_plans.plan_approve``): its approved version
    frozen and in force. Returns the plan's row as saved."""
    plan = _locked(plan)
    version = _freeze_approved(plan, user=user)
    plan._change_reason = _("Approved version frozen: %(label)s") % {"label": version.label}
    plan.save()
    return plan


def check_revisable(plan):
    """Refuse a plan that is not approved, or whose revision is in progress."""
    if plan.pk is None:
        raise NotApproved
    if revision_in_progress(plan):
        raise RevisionInProgress(plan)
    if plan.status != ActionPlanStatus.APPROVED:
        raise NotApproved


@transaction.atomic
def revision_start(*, plan, actor):
    """Start revision N+1 of the approved ``plan``: the approved version frozen (if it is
    not yet) and kept in force, the plan a draft again. Refused while a revision is in
    progress (nothing changes); two people starting one at once make one revision (the
    plan's row is locked, and the second finds the first's revision)."""
    if plan.pk is None:
        raise NotApproved
    plan = _locked(plan)
    check_revisable(plan)  # again, the row locked: the first of two at once has started it
    if plan.approved_version_id is None:
        # Approved before approved versions were frozen at the approval.
        _freeze_approved(plan, user=actor)
    approved = plan.approved_version
    plan.revision += 1
    plan.status = ActionPlanStatus.DRAFT
    plan._change_reason = _("Revision %(number)s started (the approved version stays in force)") % {"number": plan.revision}
    plan.save()
    log_action(
        actor=actor,
        action="action_plan.revision_started",
        obj=plan,
        scheme=plan.scheme,
        label=plan.title,
        data={"revision": plan.revision, "approved_version": approved.number, "approved_label": approved.label},
    )
    return plan
