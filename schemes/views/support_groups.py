"""Local support groups (Annex 5): the stakeholders of a city of the scheme, at most ten;
the mentee city's group, and optionally a mirrored group on the mentor side. Each side
edits its own group; facilitators help both; everyone of the scheme reads them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import refuse, require, scheme_view
from mentoring.activity import last_change
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page, removal_question
from mentoring.submissions import submission_save

from ..forms.support_groups import SupportGroupMemberForm
from ..models import MAX_MEMBERS, LocalSupportGroupMember
from ..services.support_groups import member_add, member_remove, member_save
from .cities import city_party, edits_for_city


def _group(scheme, access, organisation_pk):
    """(city, side, members, may edit) of the group of a city of the scheme; 404 else."""
    party = city_party(scheme, organisation_pk)
    require(access, "view", "local_support_group")
    return (
        party.organisation,
        party.side,
        members_of(scheme, party.organisation),
        edits_for_city(access, "local_support_group", party),
    )


def members_of(scheme, city):
    return list(LocalSupportGroupMember.objects.filter(group__scheme=scheme, group__city=city).order_by("order", "name"))


def _require_edit(may_edit, user):
    if not may_edit:
        refuse(
            user,
            "may not edit this local support group (not acting for its city)",
            _("Only the city's own officers and facilitators edit its local support group."),
        )


@scheme_view("view", "local_support_group")
def support_group(request, scheme, access, organisation):
    city, side, members, may_edit = _group(scheme, access, organisation)
    form = SupportGroupMemberForm(request.POST or None)
    if request.method == "POST":
        _require_edit(may_edit, request.user)
        try:
            saved = submission_save(
                request,
                form,
                lambda: member_add(scheme=scheme, city=city, form=form, actor=request.user),
                url=lambda member: request.path,
            )
        except ValidationError as error:  # the group is full
            form.add_error(None, error)
            saved = None
        if saved:
            if not saved.again:
                messages.success(request, _("%(name)s added to the local support group.") % {"name": form.instance.name})
            return redirect(saved.url)
    return render(
        request,
        "support_groups/group.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "access": access,
            "city": city,
            "side": side,
            "members": members,
            "form": form,
            "may_edit": may_edit,
            "max_members": MAX_MEMBERS,
            "full": len(members) >= MAX_MEMBERS,
            "page_title": _("Local support group"),
        },
    )


def _member(scheme, city, pk):
    return get_object_or_404(LocalSupportGroupMember, group__scheme=scheme, group__city=city, pk=pk)


@scheme_view("view", "local_support_group")
def support_group_member_edit(request, scheme, access, organisation, pk):
    city, side, members, may_edit = _group(scheme, access, organisation)
    _require_edit(may_edit, request.user)
    member = _member(scheme, city, pk)
    form = SupportGroupMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            member_save(form=form, scheme=scheme, city=city, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:support_group", programme=scheme.programme.slug, number=scheme.number, organisation=city.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": member.name},
        submit_label=_("Save"),
        cancel_url=f"{scheme.get_absolute_url()}support-groups/{city.pk}/",
        context={"programme": scheme.programme, "scheme": scheme},
    )


@require_POST
@scheme_view("view", "local_support_group")
def support_group_member_delete(request, scheme, access, organisation, pk):
    city, side, members, may_edit = _group(scheme, access, organisation)
    _require_edit(may_edit, request.user)
    member = _member(scheme, city, pk)
    if not confirmed(request):
        return confirm_page(
            request,
            **removal_question(member.name),
            context={"programme": scheme.programme, "scheme": scheme},
            cancel_url=f"{scheme.get_absolute_url()}support-groups/{city.pk}/",
        )
    member_remove(member=member, scheme=scheme, city=city, actor=request.user)
    messages.success(request, _("%(name)s removed from the local support group.") % {"name": member.name})
    return redirect("schemes:support_group", programme=scheme.programme.slug, number=scheme.number, organisation=city.pk)


@require_safe
@scheme_view("view", "local_support_group")
def support_group_roster(request, scheme, access, organisation):
    city, side, members, may_edit = _group(scheme, access, organisation)
    require(access, "export", "local_support_group", user=request.user)
    return pdf_response(request, roster_document(scheme, city, members))


def roster_document(scheme, city, members=None):
    """The roster of the local support group of ``city``. The download and the background
    rendering (schemes.documents) both make it here."""
    return render_document(
        "documents/support_group_roster.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "city": city,
            "members": members if members is not None else members_of(scheme, city),
            "as_of": last_change(scheme, "member."),
        },
        filename=f"local-support-group-{slugify(city.label)}.pdf",
    )
