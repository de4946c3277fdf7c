"""The page of a local support group member's personal link (/m/<token>/): no login,
outside the scheme's addresses. The token stands for one member in one scheme; the page
shows only the scheme's name, the member's own name, the upcoming visits, the draft
actions and the actions the member leads, each with its short form. An unknown,
revoked or expired token, or a visit or action that is not one the page offers, is a
404 and nothing is written (``schemes.services.member_links``). The page links nowhere
into the signed-in site, and asks search engines and caches to keep nothing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ..forms.member_links import MemberCommentForm, ProgressNoteForm, VisitReplyForm
from ..models import VisitReply
from ..services.member_links import (
    draft_actions,
    led_actions,
    link_for_token,
    member_comment_add,
    member_progress_note,
    member_visit_reply,
    upcoming_visits,
)


def _private(response):
    # The middleware already says "no-store" to caches; the token's address must not be
    # indexed either (the page's <meta> says it too).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request, token, *, bound=None, status=200):
    """The member's page; ``bound``: (kind, object id, form) of a form sent with a
    problem, shown again with what the member typed."""
    link = link_for_token(token)
    member, scheme = link.member, link.scheme
    visits = list(upcoming_visits(scheme))
    replies = dict(
        VisitReply.objects.filter(member=member, visit__in=[visit.pk for visit in visits]).values_list("visit_id", "attending")
    )
    bound_kind, bound_pk, bound_form = bound or (None, None, None)
    for visit in visits:
        visit.reply = replies.get(visit.pk)
        visit.form = bound_form if (bound_kind, bound_pk) == ("visit", visit.pk) else VisitReplyForm(prefix=f"visit-{visit.pk}")
    drafts = list(draft_actions(scheme))
    for action in drafts:
        action.form = (
            bound_form if (bound_kind, bound_pk) == ("comment", action.pk) else MemberCommentForm(prefix=f"comment-{action.pk}")
        )
    led = led_actions(scheme, member)
    for action in led:
        action.form = (
            bound_form if (bound_kind, bound_pk) == ("note", action.pk) else ProgressNoteForm(prefix=f"note-{action.pk}")
        )
    context = {
        "token": token,
        "member": member,
        "scheme": scheme,
        "link": link,
        "visits": visits,
        "drafts": drafts,
        "led": led,
        "bound_form": bound_form,
        "page_title": scheme.title,
    }
    return _private(render(request, "member_links/page.html", context, status=status))


@require_safe
def member_page(request, token):
    return _page(request, token)


def _done(request, token, anchor, message):
    messages.success(request, message)
    return _private(redirect(reverse("member_link", kwargs={"token": token}) + f"#{anchor}"))


@require_POST
def member_visit_reply_view(request, token, visit):
    link = link_for_token(token)  # a bad token is a 404 before anything else
    form = VisitReplyForm(request.POST, prefix=f"visit-{visit}")
    if not form.is_valid():
        if not upcoming_visits(link.scheme).filter(pk=visit).exists():
            raise Http404(_("Nothing of this kind to answer here."))
        return _page(request, token, bound=("visit", visit, form), status=400)
    reply = member_visit_reply(token=token, visit_pk=visit, attending=form.cleaned_data["attending"])
    message = _("Thank you: you will attend.") if reply.attending else _("Thank you: you will not attend.")
    return _done(request, token, f"visit-{visit}", message)


@require_POST
def member_action_comment_view(request, token, pk):
    link = link_for_token(token)
    form = MemberCommentForm(request.POST, prefix=f"comment-{pk}")
    if not form.is_valid():
        if not draft_actions(link.scheme).filter(pk=pk).exists():
            raise Http404(_("Nothing of this kind to answer here."))
        return _page(request, token, bound=("comment", pk, form), status=400)
    member_comment_add(token=token, action_pk=pk, text=form.cleaned_data["text"])
    return _done(request, token, f"action-{pk}", _("Thank you: your comment is recorded."))


@require_POST
def member_action_note_view(request, token, pk):
    link = link_for_token(token)
    form = ProgressNoteForm(request.POST, prefix=f"note-{pk}")
    if not form.is_valid():
        if not any(action.pk == pk for action in led_actions(link.scheme, link.member)):
            raise Http404(_("Nothing of this kind to answer here."))
        return _page(request, token, bound=("note", pk, form), status=400)
    member_progress_note(token=token, action_pk=pk, text=form.cleaned_data["text"])
    return _done(request, token, f"led-{pk}", _("Thank you: your progress note is recorded."))
