"""The people of a programme or scheme: their roles, invitations, giving and removing
roles. Roles, invitations and organisations are all fetched through the programme or
scheme, and the roles offered are those the user may grant (``access.GRANTS``)."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.access import programme_view, require, scheme_view
from mentoring.pages import confirm_page, confirmed
from mentoring.submissions import submission_save

from ..forms.bulk_invitations import BulkInvitationForm
from ..forms.people import InvitationForm, RoleGrantForm
from ..models import Invitation, Organisation, ProgrammeRole, SchemeRole
from ..services.bulk_invitations import MAX_PEOPLE, batch_apply, batch_check, expiry
from ..services.invitations import AlreadyInvited, invitation_create, invitation_withdraw, role_grant, role_remove


def _organisations(programme, scheme):
    """Who a person may act for: the scheme's parties, or the programme's organisations,
    plus the coordinating body and facilitator organisations (subqueries, so no
    DISTINCT over joins)."""
    if scheme is not None:
        scope = Q(pk__in=scheme.parties.values("organisation_id"))
    else:
        scope = Q(pk__in=programme.cities.through.objects.filter(programme=programme).values("organisation_id"))
    scope |= Q(pk=programme.coordinating_body_id) | Q(
        pk__in=programme.facilitator_organisations.through.objects.filter(programme=programme).values("organisation_id")
    )
    return Organisation.objects.filter(scope).order_by("kind", "name")


def _people_page(request, *, programme, scheme, access, roles, invitations, where):
    if request.method == "POST":
        require(access, "invite", where, user=request.user)
    grantable = access.grantable(where)
    organisations = _organisations(programme, scheme)  # read once, by the first form
    action = request.POST.get("action") if request.method == "POST" else None
    invite_form = InvitationForm(
        request.POST if action == "invite" else None,
        roles=grantable,
        organisations=organisations,
        scheme=scheme,
        terms=programme.terms,
        prefix="invite",
    )
    grant_form = RoleGrantForm(
        request.POST if action == "grant" else None,
        roles=grantable,
        organisations=organisations,
        programme=programme,
        scheme=scheme,
        giver=request.user,
        prefix="grant",
    )
    if action is not None:
        if action == "invite":

            def invite():
                data = invite_form.cleaned_data
                return invitation_create(
                    programme=programme,
                    scheme=scheme,
                    email=data["email"],
                    role=data["role"],
                    organisation=data["organisation"],
                    party=invite_form.party,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    message=data["message"],
                    invited_by=request.user,
                    build_url=request.build_absolute_uri,
                    drawn_at=data["drawn_at"],
                )

            try:
                saved = submission_save(request, invite_form, invite, url=lambda sent: request.path)
            except AlreadyInvited as error:
                invite_form.add_error("email", error.message)
                saved = None
            if saved:
                if not saved.again:
                    sent = saved.object
                    messages.success(
                        request,
                        _("Invitation sent to %(email)s. The link works once and expires in %(days)s days.")
                        % {"email": sent.invitation.email, "days": settings.INVITATION_VALID_DAYS},
                    )
                    if sent.replaced:
                        messages.info(
                            request, _("The earlier invitation to this address is withdrawn: its link no longer works.")
                        )
                return redirect(saved.url)
        if action == "grant" and grant_form.is_valid():
            data = grant_form.cleaned_data
            role_grant(
                user=grant_form.user,
                programme=programme,
                scheme=scheme,
                role=data["role"],
                party=grant_form.party,
                actor=request.user,
            )
            messages.success(request, _("%(email)s now has the role.") % {"email": grant_form.user.email})
            return redirect(request.path)
    return render(
        request,
        "schemes/people.html",
        {
            "programme": programme,
            "scheme": scheme,
            "access": access,
            "roles": roles,
            "invitations": invitations,
            "invite_form": invite_form,
            "grant_form": grant_form,
            "may_invite": bool(grantable) and access.can("invite", where),
        },
    )


def role_question(role, terms):
    return {
        "title": _("Remove %(name)s's role as %(role)s?")
        % {"name": role.user.display_name, "role": terms.officer_label(role.role)},
        "consequences": [
            _("They no longer see or do what this role gave them here; their account and what they wrote stay."),
            _("The role can be given again at any time."),
        ],
        "confirm_label": _("Remove the role"),
        "danger": True,
    }


def withdrawal_question(invitation):
    return {
        "title": _("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
        "consequences": [_("Its link stops working at once. You can invite the same address again later.")],
        "confirm_label": _("Withdraw the invitation"),
        "danger": True,
    }


@programme_view("view")
def programme_people(request, programme, access):
    return _people_page(
        request,
        programme=programme,
        scheme=None,
        access=access,
        where="programme",
        roles=programme.roles.select_related("user__organisation").order_by("role", "user__last_name"),
        invitations=programme.invitations.filter(scheme=None).select_related("invited_by", "organisation")[:50]
        if access.can("invite", "programme")
        else [],
    )


@scheme_view("view")
def scheme_people(request, scheme, access):
    return _people_page(
        request,
        programme=scheme.programme,
        scheme=scheme,
        access=access,
        where="scheme",
        roles=scheme.roles.select_related("user__organisation", "party__organisation").order_by("role", "user__last_name"),
        invitations=scheme.invitations.select_related("invited_by", "organisation")[:50]
        if access.can("invite", "scheme")
        else [],
    )


@require_POST
@programme_view("invite")
def programme_role_remove(request, programme, access, pk):
    role = get_object_or_404(ProgrammeRole, programme=programme, pk=pk)
    if role.role not in access.grantable("programme"):
        messages.error(request, _("You may not remove this role."))
        return redirect("schemes:programme_people", programme=programme.slug)
    if role.user_id == request.user.pk and role.role == "coordinator" and programme.roles.filter(role="coordinator").count() == 1:
        messages.error(request, _("A programme keeps at least one coordinator."))
        return redirect("schemes:programme_people", programme=programme.slug)
    if not confirmed(request):
        return confirm_page(
            request,
            **role_question(role, programme.terms),
            context={"programme": programme},
            cancel_url=reverse("schemes:programme_people", kwargs={"programme": programme.slug}),
        )
    role_remove(role=role, actor=request.user)
    messages.success(request, _("Role removed."))
    return redirect("schemes:programme_people", programme=programme.slug)


@require_POST
@scheme_view("invite")
def scheme_role_remove(request, scheme, access, pk):
    role = get_object_or_404(SchemeRole, scheme=scheme, pk=pk)
    if role.role not in access.grantable("scheme"):
        messages.error(request, _("You may not remove this role."))
    elif not confirmed(request):
        return confirm_page(
            request,
            **role_question(role, scheme.programme.terms),
            context={"programme": scheme.programme, "scheme": scheme},
            cancel_url=reverse("schemes:scheme_people", kwargs={"programme": scheme.programme.slug, "number": scheme.number}),
        )
    else:
        role_remove(role=role, actor=request.user)
        messages.success(request, _("Role removed."))
    return redirect("schemes:scheme_people", programme=scheme.programme.slug, number=scheme.number)


@require_POST
@programme_view("invite")
def programme_invitation_withdraw(request, programme, access, pk):
    invitation = get_object_or_404(Invitation, programme=programme, scheme=None, pk=pk)
    if not confirmed(request):
        return confirm_page(
            request,
            **withdrawal_question(invitation),
            context={"programme": programme},
            cancel_url=reverse("schemes:programme_people", kwargs={"programme": programme.slug}),
        )
    invitation_withdraw(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn: its link no longer works."))
    return redirect("schemes:programme_people", programme=programme.slug)


@require_POST
@scheme_view("invite")
def scheme_invitation_withdraw(request, scheme, access, pk):
    invitation = get_object_or_404(Invitation, scheme=scheme, pk=pk)
    if not confirmed(request):
        return confirm_page(
            request,
            **withdrawal_question(invitation),
            context={"programme": scheme.programme, "scheme": scheme},
            cancel_url=reverse("schemes:scheme_people", kwargs={"programme": scheme.programme.slug, "number": scheme.number}),
        )
    invitation_withdraw(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn: its link no longer works."))
    return redirect("schemes:scheme_people", programme=scheme.programme.slug, number=scheme.number)


def _bulk_page(request, *, programme, scheme, access, where, people_url):
    """Invite several people: "Preview" shows each line's outcome and writes nothing;
    "Send" reads the same list again, checks it again and applies it in one transaction,
    then shows what was done. A list changed since its preview is previewed again
    instead of sent."""
    grantable = access.grantable(where)
    organisations = _organisations(programme, scheme)

    def bound(data=None, files=None):
        return BulkInvitationForm(data, files, roles=grantable, organisations=organisations, scheme=scheme, terms=programme.terms)

    form = bound(request.POST or None, request.FILES or None) if request.method == "POST" else bound()
    context = {
        "programme": programme,
        "scheme": scheme,
        "access": access,
        "people_url": people_url,
        "max_people": MAX_PEOPLE,
        "expires": expiry(),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = {
            "lines": form.lines,
            "default_role": data["role"],
            "default_organisation": data["organisation"],
            "grantable": grantable,
            "organisations": organisations,
        }
        previewed = form.previewed_outcomes()
        if request.POST.get("action") == "apply" and previewed is not None:
            saved = submission_save(
                request,
                form,
                lambda: batch_apply(
                    programme=programme,
                    scheme=scheme,
                    invited_by=request.user,
                    message=data["message"],
                    previewed=previewed,
                    **check,
                ),
                url=lambda batch: people_url,
            )
            if saved.again:
                return redirect(saved.url)
            return render(request, "schemes/people_bulk.html", {**context, "applied": saved.object})
        if request.POST.get("action") == "apply":
            messages.warning(
                request,
                _("The list or the choices changed since the preview, so nothing was sent: check this preview, then send."),
            )
        batch = batch_check(programme=programme, scheme=scheme, giver=request.user, **check)
        context.update(batch=batch, warning=form.warning)
        # Drawn again with the list as read (a file's text in the box) and the preview's
        # signed outcomes, so that "Send" posts exactly what was previewed; and a new
        # one-time token per preview: "Send" twice from one preview sends once, but the
        # next list, previewed after going back to the form, is a list of its own.
        again = request.POST.copy()
        again["people"], again["previewed"] = data["people"], form.sign(batch)
        again["submission"] = secrets.token_urlsafe(24)
        form = bound(again)
    context["form"] = form
    return render(request, "schemes/people_bulk.html", context)


@programme_view("invite")
def programme_people_bulk(request, programme, access):
    return _bulk_page(
        request,
        programme=programme,
        scheme=None,
        access=access,
        where="programme",
        people_url=reverse("schemes:programme_people", kwargs={"programme": programme.slug}),
    )


@scheme_view("invite")
def scheme_people_bulk(request, scheme, access):
    return _bulk_page(
        request,
        programme=scheme.programme,
        scheme=scheme,
        access=access,
        where="scheme",
        people_url=reverse("schemes:scheme_people", kwargs={"programme": scheme.programme.slug, "number": scheme.number}),
    )
