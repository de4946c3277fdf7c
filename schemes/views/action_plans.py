"""The action plan of a scheme (Annex 6, journey 4): the mentee drafts it with the
facilitators, freezes a version after each visit, compares versions, submits the final
one and approves it (then it is read-only), and records its implementation, on which the
mentor comments. Fetched through the scheme: another scheme's action is a 404."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import refuse, who_may
from mentoring.activity import last_change
from mentoring.autosave import autosave_form
from mentoring.documents import pdf_response, render_document
from mentoring.exports import csv_response, xlsx_response
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, history_view, removal_question, restore_view
from mentoring.submissions import submission_save

from ..focus import out_of_scope_notice
from ..forms.action_plans import (
    ActionCommentForm,
    ActionForm,
    ApprovalForm,
    FreezeForm,
    NeedFormSet,
    NeedTakeForm,
    PlanConsultationForm,
    UpdateForm,
)
from ..models import Action, ActionPlanStatus, ImplementationUpdate, OrganisationKind, SchemeKind, Side
from ..services.action_plans import (
    FIELDS,
    PlanLocked,
    VersionLabelTaken,
    action_comment_add,
    action_delete,
    action_move,
    action_save,
    actions_of,
    analysis_changed,
    compare,
    consultation_remove,
    consultation_save,
    consultations_of,
    is_overdue,
    need_refresh,
    need_take,
    needs_save,
    needs_with_sources,
    plan_actions_prefetched,
    plan_approve,
    plan_for,
    plan_reopen,
    plan_submit,
    plans_of_cities,
    progress_summary,
    sides,
    snapshot,
    untraced,
    update_add,
    version_freeze,
    versions_of,
)
from ..services.attachments import annexes, form_context, with_attachments
from ..services.mentions import people as mention_people
from .community_plans import may_on_city_plan, plan_view


def _url(scheme, name="action_plan", peer=None, **kwargs):
    """The address of a page of the shared plan, or of the plan of the peer city ``peer``."""
    if peer is not None:
        name, kwargs = f"city_{name}", {"city": peer.organisation_id, **kwargs}
    return reverse(f"schemes:{name}", kwargs={"programme": scheme.programme.slug, "number": scheme.number, **kwargs})


def _sides(scheme, peer):
    """(mentee parties, mentor parties); for a community city's plan, ([the city], the
    other peers): the city writes it, its peers comment."""
    if peer is None:
        return sides(scheme)
    others = scheme.parties.filter(side=Side.PEER).exclude(pk=peer.pk).select_related("organisation").order_by("order", "pk")
    return [peer], list(others)


def _opened(request, name):
    """The id of the action whose form the reader opened (``?record=<id>``), or None."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _city(peer):
    """The organisation whose plan the page shows (None: the scheme's shared plan)."""
    return peer.organisation if peer is not None else None


def _locked(request, scheme, peer):
    messages.error(request, PlanLocked.message)
    return redirect(_url(scheme, peer=peer))


def _action(plan, pk):
    if plan.pk is None:  # a plan not saved yet has no action
        raise Http404
    return get_object_or_404(Action.objects.select_related("plan"), plan=plan, pk=pk)


def _submit_question(scheme):
    return {
        "title": _("Submit the final version of the action plan?"),
        "consequences": [
            _("The plan is frozen as its final version and becomes read-only until the %(mentee)s records its approval.")
            % {"mentee": scheme.programme.terms.mentee},
            _("Who can reopen it as a draft: %(roles)s.") % {"roles": who_may("reopen", "action_plan")},
        ],
        "confirm_label": _("Submit the final version"),
    }


def _approve_question():
    return {
        "title": _("Record the approval of the action plan?"),
        "consequences": [
            _(
                "This version stays as approved: its implementation is recorded from now on, and any later change "
                "is a revision, approved in turn, while this version stays in force."
            ),
        ],
        "confirm_label": _("Record the approval"),
    }


def _mentee_city_may(access, action, mentees):
    """Whether the user may ``action`` the plan as an officer acting for one of the
    mentee parties ``mentees`` that is a city (submitting and approving the plan are the
    mentee city's own acts: its association or a facilitator cannot do them)."""
    cities = {party.pk for party in mentees if party.organisation.kind == OrganisationKind.CITY}
    return access.can_for(action, "action_plan", cities)


def _require_mentee_city(access, action, scheme, user, peer=None):
    if peer is not None:  # a community city's own plan: ``plan_view`` checked its city
        return
    if not _mentee_city_may(access, action, sides(scheme)[0]):
        refuse(
            user,
            f"may not {action} the action plan (not acting for a mentee city)",
            _("Only an officer acting for the mentee city may do this."),
        )


def _drafters(mentees, mentors):
    """The parties whose officers write the draft plan: the mentee side, and the mentor
    side's cities (seed 002: "the mentor and mentee jointly drafting an initial action
    plan"); the mentee city alone submits it and records its approval."""
    return {party.pk for party in mentees} | {party.pk for party in mentors if party.organisation.kind == OrganisationKind.CITY}


def _may_draft(access, mentees, mentors, peer=None):
    if peer is not None:
        return may_on_city_plan(access, "edit", peer)
    return access.can_for("edit", "action_plan_draft", _drafters(mentees, mentors))


def _require_drafter(access, scheme, user, peer=None):
    if peer is not None:  # a community city's own plan: ``plan_view`` checked its city
        return
    if not _may_draft(access, *sides(scheme)):
        refuse(
            user,
            "may not edit the draft action plan (not acting for a mentee party or a mentor city)",
            _("Only the officers of the mentee side and of the mentor city, and facilitators, write the draft plan."),
        )


def draft_view(view):
    """``plan_view("edit", "action_plan_draft")``, and the person acts for a party that
    writes the draft (``_drafters``; a community city's plan: that city)."""

    @wraps(view)
    def checked(request, scheme, access, *args, peer=None, **kwargs):
        _require_drafter(access, scheme, request.user, peer)
        return view(request, scheme, access, *args, peer=peer, **kwargs)

    return plan_view("edit", "action_plan_draft")(checked)


def _context(scheme, peer, **extra):
    # The plan's pages say at their top when the plan or its implementation is outside
    # the scheme's focus (schemes/focus.py); they stay reachable and keep what is in them.
    out_of_scope = out_of_scope_notice(scheme, "action_plan", "approval", "implementation")
    return {"programme": scheme.programme, "scheme": scheme, "peer": peer, "out_of_scope": out_of_scope, **extra}


def _may_own(access, action, mentees, peer):
    """Submitting and approving: the mentee city's (a community city's plan: the city's)."""
    if peer is not None:
        return may_on_city_plan(access, action, peer)
    return _mentee_city_may(access, action, mentees)


def _may_freeze(access, plan, peer):
    """An approved plan is frozen already (its approved version); a revision reopens freezing."""
    if plan.status == ActionPlanStatus.APPROVED:
        return False
    return may_on_city_plan(access, "edit", peer) if peer else access.can_edit_action_plan_version


def _community_plans(request, scheme, access):
    """A community of practice's plan page: each peer city's plan, with its status."""
    return render(
        request,
        "action_plans/community.html",
        _context(scheme, None, plans=plans_of_cities(scheme), page_title=_("Action plans")),
    )


@require_safe
@plan_view("view", "action_plan")
def plan_detail(request, scheme, access, peer=None):
    if peer is None and scheme.kind == SchemeKind.COMMUNITY:
        return _community_plans(request, scheme, access)
    plan = plan_for(scheme, _city(peer), summary=True)
    # Comments on the actions: the mentor side on a mentoring plan once approved; the
    # other peers on a community city's plan, draft or approved.
    may_comment = access.can("comment", "community_plan") if peer else access.can_comment_implementation_update
    may_record = may_on_city_plan(access, "edit", peer) if peer else access.can_edit_implementation_update
    # Updates are recorded once the plan is approved (a revision keeps the approved one in force).
    implementing = plan.status == ActionPlanStatus.APPROVED or bool(plan.approved_version_id)
    # The comment forms: a peer's on a community city's plan, else once the plan is approved.
    comment_forms = may_comment and (peer is not None or implementing)
    actions = list(plan_actions_prefetched(plan))
    today = timezone.localdate()
    # Each action offers a link that opens its form under it (``?record=<id>``,
    # ``?comment=<id>``): the page carries the one form the reader opened, not one per
    # action (a plan of 200 actions took 400 ms more to draw them).
    recording, commenting = _opened(request, "record"), _opened(request, "comment")
    # The same for the upload form of an update's files (``?attach=<update id>``).
    attaching = _opened(request, "attach")
    by_pk = {action.pk: action for action in actions}
    for action in actions:
        action.overdue = is_overdue(action, today)
    recorded = by_pk.get(recording) if may_record and implementing else None
    if recorded is not None:
        recorded.update_form = UpdateForm(prefix=f"update-{recorded.pk}")
    commented = by_pk.get(commenting) if comment_forms else None
    if commented is not None:
        commented.comment_form = ActionCommentForm(prefix=f"comment-{commented.pk}")
    # The formal decision of the approval and the proofs of the updates: one query.
    with_attachments([plan if plan.pk else None, *(update for action in actions for update in action.update_list)])
    needs = list(needs_with_sources(plan))
    for need in needs:
        need.analysis_now = analysis_changed(need)
    mentees, mentors = _sides(scheme, peer)
    may_draft = _may_draft(access, mentees, mentors, peer)
    editable = plan.status == ActionPlanStatus.DRAFT
    # What no action addresses yet: a help to those drafting the plan.
    factors, untraced_needs = untraced(plan, actions, needs) if editable and may_draft else ([], [])
    return render(
        request,
        "action_plans/detail.html",
        _context(
            scheme,
            peer,
            access=access,
            plan=plan,
            actions=actions,
            untraced_factors=factors,
            untraced_needs=untraced_needs,
            needs=needs,
            may_draft=may_draft,
            need_refresh_question={
                "title": _("Update the need from the needs analysis?"),
                "consequences": [
                    _("The need takes the needs analysis's new text."),
                    _("Its earlier text stays in the history."),
                ],
                "confirm_label": _("Update"),
            },
            mentees=mentees,
            mentors=mentors,
            progress=progress_summary(actions, today),
            editable=editable,
            approved=plan.status == ActionPlanStatus.APPROVED,
            approval_form=ApprovalForm(),
            **form_context(),
            page_title=_("Action plan"),
            mention_people=[person.display_name for person in mention_people(scheme)] if commented else [],
            may_submit=_may_own(access, "submit", mentees, peer),
            may_approve=_may_own(access, "approve", mentees, peer),
            comment_forms=comment_forms,
            may_record=may_record,
            attaching=attaching,
            may_freeze=_may_freeze(access, plan, peer),
            may_reopen=access.can("reopen", "community_plan" if peer else "action_plan"),
            may_revise=may_on_city_plan(access, "revise", peer) if peer else access.can_revise_action_plan,
            may_attach=may_on_city_plan(access, "edit", peer) if peer else access.can_edit_action_plan,
            submit_question=_submit_question(scheme),
            approve_question=_approve_question(),
        ),
    )


@draft_view
def needs_edit(request, scheme, access, peer=None):
    plan = plan_for(scheme, _city(peer))
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    formset = NeedFormSet(request.POST or None, instance=plan, prefix="needs")
    return _needs_page(request, scheme, peer, plan, formset, NeedTakeForm(scheme=scheme, city=_city(peer)))


def _needs_page(request, scheme, peer, plan, formset, take_form):
    """The needs page: the needs as rows, and the needs analysis's answers to take one from."""
    if request.method == "POST" and formset.is_valid():
        try:
            needs_save(plan=plan, formset=formset, actor=request.user)
        except PlanLocked:
            return _locked(request, scheme, peer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Needs saved."))
            return redirect(_url(scheme, peer=peer))
    return render(
        request,
        "action_plans/needs.html",
        _context(
            scheme,
            peer,
            formset=formset,
            take_form=take_form,
            heading=_("Needs the plan answers"),
            page_title=_("Needs"),
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@draft_view
def need_take_view(request, scheme, access, peer=None):
    """Add a need taken from one of the scheme's needs-analysis answers."""
    plan = plan_for(scheme, _city(peer))
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    form = NeedTakeForm(request.POST, scheme=scheme, city=_city(peer))
    if form.is_valid():
        try:
            saved = submission_save(
                request,
                form,
                lambda: need_take(plan=plan, answer=form.cleaned_data["answer"], actor=request.user),
                url=lambda need: _url(scheme, "action_plan_needs", peer=peer),
            )
        except PlanLocked:
            return _locked(request, scheme, peer)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved:
                if not saved.again:
                    messages.success(request, _("Need taken from the needs analysis."))
                return redirect(saved.url)
    # The needs as they are, and the choice with its error.
    return _needs_page(request, scheme, peer, plan, NeedFormSet(instance=plan, prefix="needs"), form)


def _need_refresh_question(need, new_text):
    return {
        "title": _("Update the need from the needs analysis?"),
        "consequences": [
            _("The need “%(need)s” becomes: “%(text)s”.") % {"need": need.text, "text": Truncator(new_text).chars(500)},
            _("Its earlier text stays in the history."),
        ],
        "confirm_label": _("Update"),
    }


@require_POST
@draft_view
def need_refresh_view(request, scheme, access, pk, peer=None):
    """Copy the needs analysis's new text into a need taken from it (confirmed first)."""
    plan = plan_for(scheme, _city(peer))
    if plan.pk is None:
        raise Http404
    need = get_object_or_404(plan.needs.select_related("from_answer"), pk=pk)
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    new_text = analysis_changed(need)
    if new_text is None:
        messages.info(request, _("This need is as the needs analysis says: nothing to update."))
        return redirect(_url(scheme, peer=peer) + f"#need-{need.pk}")
    if not confirmed(request):
        return confirm_page(
            request,
            **_need_refresh_question(need, new_text),
            cancel_url=_url(scheme, peer=peer) + f"#need-{need.pk}",
            context=_context(scheme, peer),
        )
    try:
        need_refresh(need=need, actor=request.user)
    except PlanLocked:
        return _locked(request, scheme, peer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url(scheme, peer=peer) + f"#need-{need.pk}")
    messages.success(request, _("Need updated from the needs analysis."))
    return redirect(_url(scheme, peer=peer) + f"#need-{need.pk}")


def _action_page(request, scheme, peer, plan, action):
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    form = ActionForm(request.POST or None, instance=action, plan=plan)
    if action is not None:
        autosaved = autosave_form(
            request,
            form,
            lambda reason: action_save(form=form, plan=plan, actor=request.user, reason=reason),
            locked=(PlanLocked,),
        )
        if autosaved:
            return autosaved
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: action_save(form=form, plan=plan, actor=request.user),
                url=lambda saved: _url(scheme, peer=peer) + f"#action-{saved.pk}",
            )
        except PlanLocked:
            return _locked(request, scheme, peer)
        except EditConflict:
            saved = None  # the form says someone saved first, with what the writer typed
        except ValidationError as error:
            form.add_error(None, error)
            saved = None
        if saved:
            if saved.again:
                return redirect(saved.url)
            messages.success(request, _("Action saved."))
            if "add_another" in request.POST:
                return redirect(_url(scheme, "action_create", peer=peer))
            return redirect(saved.url)
    title = _("Edit an action") if action else _("Add an action")
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save"),
        cancel_url=_url(scheme, peer=peer),
        context=_context(scheme, peer, page_title=title, add_another=action is None, autosave=action is not None),
    )


@draft_view
def action_create(request, scheme, access, peer=None):
    return _action_page(request, scheme, peer, plan_for(scheme, _city(peer)), None)


@draft_view
def action_edit(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    return _action_page(request, scheme, peer, plan, _action(plan, pk))


@require_POST
@draft_view
def action_move_view(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    action = _action(plan, pk)
    try:
        action_move(action=action, up=request.POST.get("direction") == "up", actor=request.user)
    except PlanLocked:
        return _locked(request, scheme, peer)
    return redirect(_url(scheme, peer=peer) + f"#action-{action.pk}")


@require_POST
@draft_view
def action_delete_view(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    action = _action(plan, pk)
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    if not confirmed(request):
        question = removal_question(
            Truncator(action.action).chars(80), kept=_("It stays in the history and in the plan's frozen versions.")
        )
        return confirm_page(
            request, **question, cancel_url=_url(scheme, peer=peer) + f"#action-{action.pk}", context=_context(scheme, peer)
        )
    try:
        action_delete(action=action, actor=request.user)
    except PlanLocked:
        return _locked(request, scheme, peer)
    messages.success(request, _("Action removed (it stays in the history and in frozen versions)."))
    return redirect(_url(scheme, peer=peer))


def _versions_page(request, scheme, peer, plan, form):
    """The plan's frozen versions, the way to compare them, and (to whom may freeze one)
    the form that freezes the plan as it is now."""
    return render(
        request,
        "action_plans/versions.html",
        _context(
            scheme,
            peer,
            plan=plan,
            versions=versions_of(plan).select_related("visit", "created_by"),
            freeze_form=form,
            page_title=_("Versions of the action plan"),
        ),
    )


@require_safe
@plan_view("view", "action_plan_version")
def versions_page(request, scheme, access, peer=None):
    plan = plan_for(scheme, _city(peer))
    form = FreezeForm(plan=plan) if _may_freeze(access, plan, peer) else None
    return _versions_page(request, scheme, peer, plan, form)


@require_POST
@plan_view("edit", "action_plan_version")
def version_freeze_view(request, scheme, access, peer=None):
    """Freeze the plan as it is now; refused input is shown again on the versions page,
    with what was typed."""
    plan = plan_for(scheme, _city(peer))
    if not _may_freeze(access, plan, peer):
        messages.error(request, _("An approved plan is frozen already: its approved version is kept."))
        return redirect(_url(scheme, "action_plan_versions", peer=peer))
    form = FreezeForm(request.POST, plan=plan)
    try:
        saved = submission_save(
            request,
            form,
            lambda: version_freeze(
                plan=plan, label=form.cleaned_data["label"], visit=form.cleaned_data["visit"], user=request.user
            ),
            url=lambda version: _url(scheme, peer=peer) + "#versions",
        )
    except VersionLabelTaken as taken:  # frozen under this label by someone else a moment before
        form.add_error("label", taken.message)
        saved = None
    if saved is None:
        return _versions_page(request, scheme, peer, plan, form)
    if not saved.again:
        version = saved.object
        messages.success(request, _("Version %(number)s “%(label)s” frozen.") % {"number": version.number, "label": version.name})
    return redirect(saved.url)


@require_safe
@plan_view("view", "action_plan_version")
def version_detail(request, scheme, access, version, peer=None):
    plan = plan_for(scheme, _city(peer))
    frozen = get_object_or_404(versions_of(plan).select_related("visit"), number=version)
    return render(
        request,
        "action_plans/version.html",
        _context(scheme, peer, plan=plan, version=frozen, content=frozen.snapshot, fields=FIELDS, page_title=frozen.name),
    )


@require_safe
@plan_view("view", "action_plan_version")
def version_compare(request, scheme, access, peer=None):
    """Two versions (or a version and the current plan) side by side, field by field."""
    plan = plan_for(scheme, _city(peer))
    versions = {str(v.number): v for v in versions_of(plan)}
    errors = []
    current = []

    def now():
        if not current:
            current.append(snapshot(plan))
        return current[0]

    def pick(name, default):
        raw = request.GET.get(name, default)
        if raw == "current":
            return "current", _("Current plan"), now()
        if raw in versions:
            return raw, versions[raw].name, versions[raw].snapshot
        errors.append(_("There is no version “%(value)s” of this plan.") % {"value": raw[:20]})
        return "current", _("Current plan"), now()

    latest = max(versions, key=int, default="current")
    old = pick("from", latest)
    new = pick("to", "current")
    changes, needs = compare(old[2], new[2])
    return render(
        request,
        "action_plans/compare.html",
        _context(
            scheme,
            peer,
            plan=plan,
            versions=list(versions.values()),
            old=old,
            new=new,
            changes=changes,
            needs=needs,
            errors=errors,
            page_title=_("Compare versions"),
        ),
        status=400 if errors else 200,
    )


@require_POST
@plan_view("submit", "action_plan")
def plan_submit_view(request, scheme, access, peer=None):
    _require_mentee_city(access, "submit", scheme, request.user, peer)
    plan = plan_for(scheme, _city(peer))
    if plan.status == ActionPlanStatus.DRAFT and not confirmed(request):
        return confirm_page(
            request, **_submit_question(scheme), cancel_url=_url(scheme, peer=peer), context=_context(scheme, peer)
        )
    try:
        plan_submit(plan=plan, user=request.user)
    except PlanLocked:
        return _locked(request, scheme, peer)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(_url(scheme, peer=peer))
    messages.success(
        request,
        _("The final version is frozen and submitted for approval by the %(mentee)s.")
        % {"mentee": scheme.programme.terms.mentee},
    )
    return redirect(_url(scheme, peer=peer))


@require_POST
@plan_view("reopen", "action_plan")
def plan_reopen_view(request, scheme, access, peer=None):
    try:
        plan_reopen(plan=plan_for(scheme, _city(peer)), actor=request.user)
    except PlanLocked:
        return _locked(request, scheme, peer)
    messages.success(request, _("The plan is a draft again."))
    return redirect(_url(scheme, peer=peer))


@require_POST
@plan_view("approve", "action_plan")
def plan_approve_view(request, scheme, access, peer=None):
    _require_mentee_city(access, "approve", scheme, request.user, peer)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reference of the formal decision that approved the plan."))
        return redirect(_url(scheme, peer=peer) + "#approval")
    plan = plan_for(scheme, _city(peer))
    if plan.status == ActionPlanStatus.SUBMITTED and not confirmed(request):
        question = _approve_question()
        question["title"] = _("Record the approval of the action plan (decision “%(reference)s”)?") % {
            "reference": form.cleaned_data["decision_reference"]
        }
        return confirm_page(request, **question, cancel_url=_url(scheme, peer=peer) + "#approval", context=_context(scheme, peer))
    try:
        plan_approve(plan=plan, user=request.user, decision_reference=form.cleaned_data["decision_reference"])
    except PlanLocked:
        messages.error(request, _("Only a submitted plan can be approved."))
        return redirect(_url(scheme, peer=peer))
    messages.success(request, _("The action plan is approved. Its implementation can now be recorded."))
    return redirect(_url(scheme, peer=peer))


@require_POST
@plan_view("edit", "implementation_update")
def update_create(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    action = _action(plan, pk)
    form = UpdateForm(request.POST, prefix=f"update-{action.pk}")
    try:
        saved = submission_save(
            request,
            form,
            lambda: update_add(form=form, action=action, user=request.user),
            url=lambda update: _url(scheme, peer=peer) + f"#action-{action.pk}",
        )
    except PlanLocked:
        messages.error(request, _("Implementation is recorded once the plan is approved."))
        return redirect(_url(scheme, peer=peer) + f"#action-{action.pk}")
    if saved:
        if not saved.again:
            messages.success(request, _("Update recorded."))
        return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Record progress"),
        submit_label=_("Save"),
        cancel_url=_url(scheme, peer=peer),
        context=_context(scheme, peer, page_title=_("Record progress")),
    )


@require_POST
@plan_view("comment", "implementation_update")
def action_comment(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    action = _action(plan, pk)
    form = ActionCommentForm(request.POST, prefix=f"comment-{action.pk}", people=mention_people(scheme))
    saved = submission_save(
        request,
        form,
        lambda: action_comment_add(form=form, action=action, user=request.user),
        url=lambda comment: _url(scheme, peer=peer) + f"#action-{action.pk}",
    )
    if saved:
        if not saved.again:
            messages.success(request, _("Comment added."))
        return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Comment on an action"),
        submit_label=_("Save"),
        cancel_url=_url(scheme, peer=peer),
        context=_context(scheme, peer, page_title=_("Comment on an action")),
    )


@require_safe
@plan_view("view", "action_plan")
def consultations_page(request, scheme, access, peer=None):
    """The consultation of departments and partners on the draft, each with its history."""
    plan = plan_for(scheme, _city(peer))
    mentees, mentors = _sides(scheme, peer)
    return render(
        request,
        "action_plans/consultations.html",
        _context(
            scheme,
            peer,
            plan=plan,
            consultations=consultations_of(plan),
            editable=plan.status == ActionPlanStatus.DRAFT,
            may_draft=_may_draft(access, mentees, mentors, peer),
            page_title=_("Consultation on the action plan"),
        ),
    )


def _consultations_url(scheme, peer):
    return _url(scheme, "plan_consultations", peer=peer)


def _consultation(plan, pk):
    if plan.pk is None:  # a plan not saved yet has no consultation
        raise Http404
    return get_object_or_404(plan.consultations.select_related("plan"), pk=pk)


def _consultation_page(request, scheme, peer, plan, consultation):
    """Record (or edit) the consultation of a department or partner on the draft plan."""
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    form = PlanConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST":
        try:
            saved = submission_save(
                request,
                form,
                lambda: consultation_save(form=form, plan=plan, actor=request.user),
                url=lambda saved: _consultations_url(scheme, peer) + f"#consultation-{saved.pk}",
            )
        except PlanLocked:
            return _locked(request, scheme, peer)
        except EditConflict:
            saved = None  # the form says someone saved first, with what the writer typed
        if saved:
            if not saved.again:
                messages.success(request, _("Consultation saved."))
            return redirect(saved.url)
    title = _("Edit the consultation") if consultation else _("Record a consultation on the plan")
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save"),
        cancel_url=_consultations_url(scheme, peer),
        context=_context(scheme, peer, page_title=title),
    )


@draft_view
def consultation_create(request, scheme, access, peer=None):
    return _consultation_page(request, scheme, peer, plan_for(scheme, _city(peer)), None)


@draft_view
def consultation_edit(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    return _consultation_page(request, scheme, peer, plan, _consultation(plan, pk))


@require_POST
@draft_view
def consultation_delete(request, scheme, access, pk, peer=None):
    plan = plan_for(scheme, _city(peer))
    consultation = _consultation(plan, pk)
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    if not confirmed(request):
        return confirm_page(
            request,
            **removal_question(consultation.consulted),
            cancel_url=_consultations_url(scheme, peer) + f"#consultation-{consultation.pk}",
            context=_context(scheme, peer),
        )
    try:
        consultation_remove(consultation=consultation, actor=request.user)
    except PlanLocked:
        return _locked(request, scheme, peer)
    messages.success(request, _("Consultation removed (it stays in the history)."))
    return redirect(_consultations_url(scheme, peer))


@require_safe
@plan_view("view", "action_plan_draft")
def consultation_history(request, scheme, access, pk, peer=None):
    consultation = _consultation(plan_for(scheme, _city(peer)), pk)
    return history_view(
        request,
        consultation,
        access,
        "action_plan_draft",
        context=_context(scheme, peer, title=str(consultation)),
    )


@require_POST
@draft_view
def consultation_restore(request, scheme, access, pk, history_id, peer=None):
    plan = plan_for(scheme, _city(peer))
    consultation = _consultation(plan, pk)
    if plan.status != ActionPlanStatus.DRAFT:
        return _locked(request, scheme, peer)
    return restore_view(request, consultation, access, "action_plan_draft", history_id, scheme=scheme)


def _rows(plan, peer=None):
    """The actions with their updates, as rows for CSV and XLSX (a community city's plan:
    the city first on every row)."""
    header = [str(label) for label in FIELDS.values()] + [_("Status"), _("Progress (%)"), _("Update date"), _("Update")]
    rows = []
    city = [peer.organisation.name] if peer is not None else []
    for number, action in enumerate(plan_actions_prefetched(plan), start=1):
        cells = [
            action.action,
            action.outcomes,
            action.timeframe,
            action.due_date or "",
            action.lead,
            action.resources,
            action.evaluation,
            ", ".join(kf.number for kf in action.key_factor_list),
            "; ".join(n.text for n in action.need_list),
            action.get_status_display(),
            action.progress,
        ]
        updates = action.update_list
        if not updates:
            rows.append([*city, number, *cells, "", ""])
        for update in updates:
            rows.append([*city, number, *cells, update.date, update.text])
    return [*([_("City")] if city else []), _("No."), *header], rows


def _filename(scheme, peer=None):
    """``action-plan-<programme>-<number>``, and the city's name for a community city's plan."""
    city = f"-{slugify(peer.organisation.name) or peer.organisation_id}" if peer is not None else ""
    return f"action-plan-{scheme.programme.slug}-{scheme.number}{city}"


@require_safe
@plan_view("export", "action_plan")
def plan_csv(request, scheme, access, peer=None):
    header, rows = _rows(plan_for(scheme, _city(peer)), peer)
    return csv_response(_filename(scheme, peer), header, rows)


@require_safe
@plan_view("export", "action_plan")
def plan_xlsx(request, scheme, access, peer=None):
    header, rows = _rows(plan_for(scheme, _city(peer)), peer)
    return xlsx_response(_filename(scheme, peer), _("Actions"), header, rows)


def _cities(parties):
    """The cities among a side's parties (Annex 6 names the mentee and the mentor city;
    their associations support them); the side's parties when none is a city."""
    cities = [p for p in parties if p.organisation.kind == OrganisationKind.CITY]
    return cities or list(parties)


def plan_document(scheme, plan=None, peer=None):
    """Annex 6 on A4 landscape: the header, then the six columns; the table header repeats
    on every page and a row is not split where it fits on one page. The download and the
    background rendering (schemes.documents) both make it here. ``peer``: a community
    city's plan, printed with the city's name."""
    plan = plan if plan is not None else plan_for(scheme, _city(peer))
    mentees, mentors = _sides(scheme, peer)
    updates = (
        ImplementationUpdate.objects.filter(action__plan=plan).select_related("action").order_by("action__order", "date", "pk")
        if plan.pk is not None
        else []
    )
    needs = list(plan.needs.order_by("order", "pk")) if plan.pk is not None else []
    number = {need.pk: index for index, need in enumerate(needs, start=1)}
    actions = list(actions_of(plan))
    for action in actions:
        action.need_numbers = sorted(number[need.pk] for need in action.needs.all() if need.pk in number)
    mentee_cities, mentor_cities = _cities(mentees), _cities(mentors)
    return render_document(
        "documents/action_plan.html",
        _context(
            scheme,
            peer,
            plan=plan,
            actions=actions,
            needs=needs,
            consultations=consultations_of(plan),
            mentees=mentees,
            mentors=mentors,
            mentee_cities=mentee_cities,
            mentor_cities=mentor_cities,
            supporters=[p for p in (*mentees, *mentors) if p not in mentee_cities and p not in mentor_cities],
            signatories=[peer] if peer is not None else [*mentee_cities, *mentor_cities],
            annexes=annexes(
                [
                    (plan, _("The formal decision of approval")),
                    *(
                        (
                            update,
                            _("Progress on “%(action)s”, %(date)s")
                            % {"action": update.action, "date": date_format(update.date, "DATE_FORMAT")},
                        )
                        for update in updates
                    ),
                ]
            )
            if plan.pk is not None
            else [],
            # The date of the plan's last change, not of the printing: the same plan prints the same.
            today=last_change(scheme, "action.", "action_plan.") or timezone.localdate(),
        ),
        filename=f"{_filename(scheme, peer)}.pdf",
    )


@require_safe
@plan_view("export", "action_plan")
def plan_pdf(request, scheme, access, peer=None):
    return pdf_response(
        request,
        plan_document(scheme, peer=peer),
        alternatives=[
            (_("Actions as CSV"), _url(scheme, "action_plan_csv", peer=peer)),
            (_("Actions as XLSX"), _url(scheme, "action_plan_xlsx", peer=peer)),
        ],
    )
