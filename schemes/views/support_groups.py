"""Local support groups (Annex 5): the stakeholders of a city of the scheme, at most ten;
the mentee city's group, and optionally a mirrored group on the mentor side. Each side
edits its own group; facilitators help both; everyone of the scheme reads them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
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
from ..models import MAX_MEMBERS, LocalSupportGroupMember, MemberLink, TemplateKind
from ..services.annex_wording import annex_labels
from ..services.member_links import link_expiry, link_revoke, link_send
from ..services.support_groups import member_add, member_remove, member_save
from .cities import city_party, edits_for_city


def _group(scheme, access, organisation_pk):
    """(city, side, members, may edit, may send links) of the group of a city of the
    scheme; 404 else."""
    party = city_party(scheme, organisation_pk)
    require(access, "view", "local_support_group")
    return (
        party.organisation,
        party.side,
        members_of(scheme, party.organisation),
        edits_for_city(access, "local_support_group", party),
        edits_for_city(access, "local_support_group", party, action="link"),
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
    city, side, members, may_edit, may_link = _group(scheme, access, organisation)
    form = SupportGroupMemberForm(request.POST or None, programme=scheme.programme)
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
    if may_link:
        links = _links(scheme, members)
        for member in members:
            member.link = links.get(member.pk)
    return render(
        request,
        "support_groups/group.html",
        {
            "may_link": may_link,
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
            "annex": form.annex,  # Annex 5's guidance, as the programme's template words it
            "page_title": _("Local support group"),
        },
    )


def _links(scheme, members):
    """Each member's latest personal link (valid, expired or revoked), by member id."""
    latest = {}
    for link in MemberLink.objects.filter(scheme=scheme, member__in=members).order_by("created_at", "id"):
        latest[link.member_id] = link
    return latest


def _member(scheme, city, pk):
    return get_object_or_404(LocalSupportGroupMember, group__scheme=scheme, group__city=city, pk=pk)


@scheme_view("view", "local_support_group")
def support_group_member_edit(request, scheme, access, organisation, pk):
    city, side, members, may_edit, may_link = _group(scheme, access, organisation)
    _require_edit(may_edit, request.user)
    member = _member(scheme, city, pk)
    form = SupportGroupMemberForm(request.POST or None, instance=member, programme=scheme.programme)
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
    city, side, members, may_edit, may_link = _group(scheme, access, organisation)
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
    city, side, members, may_edit, may_link = _group(scheme, access, organisation)
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
            "labels": annex_labels(scheme.programme, TemplateKind.LOCAL_SUPPORT_GROUP),  # Annex 5's column headings
        },
        filename=f"local-support-group-{slugify(city.label)}.pdf",
    )


def _require_link(may_link, user):
    if not may_link:
        refuse(
            user,
            "may not send personal links to this local support group (not the mentee city or a facilitator)",
            _("Only the city's own officers of the mentee side and facilitators send members their personal links."),
        )


def _group_url(scheme, city):
    return reverse(
        "schemes:support_group", kwargs={"programme": scheme.programme.slug, "number": scheme.number, "organisation": city.pk}
    )


@require_POST
@scheme_view("view", "local_support_group")
def support_group_member_link(request, scheme, access, organisation, pk):
    """Send a member their personal link, once the sender has seen what it allows and
    until when (a new link revokes the earlier one)."""
    city, side, members, may_edit, may_link = _group(scheme, access, organisation)
    require(access, "link", "local_support_group", user=request.user)
    _require_link(may_link, request.user)
    member = _member(scheme, city, pk)
    if not member.email:
        messages.error(request, _("%(name)s has no e-mail address: add one to send a personal link.") % {"name": member.name})
        return redirect(_group_url(scheme, city))
    if not confirmed(request):
        expires = date_format(timezone.localtime(link_expiry()), "DATE_FORMAT")
        consequences = [
            _("%(name)s (%(email)s) will receive by e-mail a personal link, valid until %(date)s.")
            % {"name": member.name, "email": member.email, "date": expires},
            _(
                "Without an account, they will be able to say whether they will attend the coming visits, comment on "
                "the draft actions of the action plan, and write progress notes on the actions whose lead names them."
            ),
            _("What they write is shown to the scheme's people with their name and organisation. The link opens nothing else."),
        ]
        if MemberLink.objects.filter(member=member, scheme=scheme).live().exists():
            consequences.append(_("The link sent earlier stops working."))
        consequences.append(_("You can revoke the link at any time on this page."))
        return confirm_page(
            request,
            title=_("Send %(name)s a personal link?") % {"name": member.name},
            consequences=consequences,
            confirm_label=_("Send the link"),
            cancel_url=_group_url(scheme, city),
            context={"programme": scheme.programme, "scheme": scheme},
        )
    link_send(member=member, scheme=scheme, actor=request.user)
    messages.success(request, _("A personal link was sent to %(name)s.") % {"name": member.name})
    return redirect(_group_url(scheme, city))


@require_POST
@scheme_view("view", "local_support_group")
def support_group_member_link_revoke(request, scheme, access, organisation, pk):
    """Revoke a member's personal link, once asked: it stops working at once."""
    city, side, members, may_edit, may_link = _group(scheme, access, organisation)
    require(access, "link", "local_support_group", user=request.user)
    _require_link(may_link, request.user)
    member = _member(scheme, city, pk)
    if not MemberLink.objects.filter(member=member, scheme=scheme).live().exists():
        messages.info(request, _("%(name)s has no valid personal link.") % {"name": member.name})
        return redirect(_group_url(scheme, city))
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("Revoke the personal link of %(name)s?") % {"name": member.name},
            consequences=[
                _("The link stops working at once. What %(name)s wrote with it stays.") % {"name": member.name},
                _("You can send a new link afterwards."),
            ],
            confirm_label=_("Revoke the link"),
            cancel_url=_group_url(scheme, city),
            danger=True,
            context={"programme": scheme.programme, "scheme": scheme},
        )
    link_revoke(member=member, scheme=scheme, actor=request.user)
    messages.success(request, _("The personal link of %(name)s no longer works.") % {"name": member.name})
    return redirect(_group_url(scheme, city))
