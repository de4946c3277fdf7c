"""Revisions of an approved action plan (issue 23; seed 002: "review progress on the
action plan, with the mentor, and adjust it where necessary"): starting a revision, and
the approved versions printed. The revision is compared with the approved version on the
plan's comparison page, and submitted and approved on the plan's page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from benchmarks.models import KeyFactor
from mentoring.access import refuse
from mentoring.documents import pdf_response, render_document
from mentoring.pages import confirm_page, confirmed

from ..models import OrganisationKind
from ..services.action_plans import FIELDS, plan_for, sides, versions_of
from ..services.plan_revisions import NotApproved, RevisionInProgress, check_revisable, revision_start
from .action_plans import _filename
from .community_plans import plan_view


def _url(scheme, name="action_plan", peer=None, **kwargs):
    if peer is not None:  # a community city's plan (schemes.views.community_plans)
        name, kwargs = f"city_{name}", {"city": peer.organisation_id, **kwargs}
    return reverse(f"schemes:{name}", kwargs={"programme": scheme.programme.slug, "number": scheme.number, **kwargs})


def _context(scheme, peer=None, **extra):
    return {"programme": scheme.programme, "scheme": scheme, "peer": peer, **extra}


def revision_question(plan):
    return {
        "title": _("Start revision %(number)s of the approved action plan?") % {"number": plan.revision + 1},
        "consequences": [
            _("The approved plan is kept as an approved version, and stays in force until the revision is approved."),
            _("The plan becomes a draft again: its actions and needs can be changed, then submitted and approved."),
            _("Implementation updates and their files stay with their actions."),
        ],
        "confirm_label": _("Start the revision"),
    }


@require_POST
@plan_view("revise", "action_plan")
def revision_start_view(request, scheme, access, peer=None):
    # The mentee city's officers (for their own city) and the facilitators, as for drafting
    # (a community city's plan: ``plan_view`` checked the city).
    cities = {party.pk for party in sides(scheme)[0] if party.organisation.kind == OrganisationKind.CITY}
    if peer is None and not access.can_for("revise", "action_plan", cities):
        refuse(
            request.user,
            "may not revise the action plan (not acting for a mentee city)",
            _("Only an officer acting for the mentee city, or a facilitator, may start a revision."),
        )
    plan = plan_for(scheme, peer.organisation if peer else None)
    try:
        if not confirmed(request):
            check_revisable(plan)  # refused before the question, as after it
            return confirm_page(
                request, **revision_question(plan), cancel_url=_url(scheme, peer=peer), context=_context(scheme, peer)
            )
        plan = revision_start(plan=plan, actor=request.user)
    except (RevisionInProgress, NotApproved) as refused:
        messages.error(request, refused.message)
        return redirect(_url(scheme, peer=peer) + "#revisions")
    messages.success(
        request,
        _("Revision %(number)s started: the approved version stays in force until this revision is approved.")
        % {"number": plan.revision},
    )
    return redirect(_url(scheme, peer=peer) + "#revisions")


@require_safe
@plan_view("export", "action_plan_version")
def version_pdf(request, scheme, access, version, peer=None):
    """A frozen version of the plan (an approved one above all) as Annex 6 on A4
    landscape, printed from its frozen content: later changes never alter it."""
    plan = plan_for(scheme, peer.organisation if peer else None)
    frozen = get_object_or_404(versions_of(plan).select_related("approved_by"), number=version)
    # The frozen content keeps key factors by number; the benchmark gives their titles
    # (issue 26: "KF 3 · Title", not a bare number).
    titles = dict(KeyFactor.objects.filter(version_id=scheme.benchmark_id).values_list("number", "title"))
    actions = [
        {
            **action,
            "key_factor_labels": [
                _("KF %(number)s · %(title)s") % {"number": number, "title": titles[number]}
                if number in titles
                else _("KF %(number)s") % {"number": number}
                for number in action.get("key_factors", [])
            ],
        }
        for action in frozen.snapshot.get("actions", [])
    ]
    document = render_document(
        "plan_revisions/version_pdf.html",
        _context(scheme, peer, plan=plan, version=frozen, content=frozen.snapshot, actions=actions, fields=FIELDS),
        filename=f"{_filename(scheme, peer)}-version-{frozen.number}.pdf",
    )
    return pdf_response(
        request,
        document,
        alternatives=[(_("The version on screen"), _url(scheme, "action_plan_version", peer=peer, version=frozen.number))],
    )
