"""Pieces every page uses: pagination, the generic form page, the page that asks before
something is locked or removed, and the history page with restore, so that each
document's views stay a few lines long."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .access import require
from .forms import has_conflict
from .history import history_page, history_restore

PAGE_SIZE = 25


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of ``queryset``; a bad page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def form_page(request, form, *, title, submit_label, cancel_url, context=None, template="pages/form.html"):
    """Render a form page (crispy-forms) with a heading, a submit button and Cancel; a
    form refused because someone else saved first answers 409 Conflict."""
    return render(
        request,
        template,
        {"form": form, "title": title, "submit_label": submit_label, "cancel_url": cancel_url, **(context or {})},
        status=409 if form.is_bound and has_conflict(form) else 200,
    )


def confirmed(request):
    """True when a POST that locks or removes something carries the person's "yes"."""
    return request.POST.get("confirmed") == "1"


def removal_question(what, *, kept=None):
    """What the person is asked before ``what`` is removed."""
    return {
        "title": _("Remove “%(what)s”?") % {"what": what},
        "consequences": [kept or _("It stays in the history, where it can still be read.")],
        "confirm_label": _("Remove"),
        "danger": True,
    }


def confirm_page(request, *, title, consequences, confirm_label, cancel_url, danger=False, context=None, action=None):
    """The page that asks before something is locked or removed, naming what happens and
    who can undo it. Its form posts the same request again, with ``confirmed`` (so it works
    without JavaScript; with it, a dialog asks on the page and this page is skipped), or,
    with ``action``, just ``confirmed`` to that address (what was posted is saved already)."""
    carried = (
        []
        if action
        else [
            (key, value)
            for key in request.POST
            for value in request.POST.getlist(key)
            if key not in {"csrfmiddlewaretoken", "confirmed"}
        ]
    )
    return render(
        request,
        "pages/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "danger": danger,
            "carried": carried,
            "action": action or request.path,
            "page_title": title,
            **(context or {}),
        },
    )


def history_view(request, obj, access, document, *, context, authors=None):
    """The history page of ``obj``: who changed what and when, newest first. ``authors``
    (a set of user ids), for a record several programmes share: the people whose names
    may be shown; anyone else is "someone from another programme"."""
    from schemes.services.attachments import file_history

    require(access, "view", document, user=request.user)
    page, entries = history_page(obj, request.GET.get("page"))
    if authors is not None:
        for entry in entries:
            user_id = entry["record"].history_user_id
            entry["author_elsewhere"] = user_id is not None and user_id not in authors
    return render(
        request,
        "pages/history.html",
        {
            "object": obj,
            "page_obj": page,
            "entries": entries,
            "can_restore": access.can("edit", document),
            # Its attached files, added and removed (their own history rows).
            "file_events": file_history(obj),
            "access": access,
            **context,
        },
    )


def restore_view(request, obj, access, document, history_id, *, scheme=None, programme=None):
    """POST (views decorate with require_POST): restore ``obj`` (of ``scheme`` or
    ``programme``) to the state of one of its own history rows, then show the history
    page again."""
    require(access, "edit", document, user=request.user)
    try:
        history_restore(obj=obj, history_id=history_id, actor=request.user, scheme=scheme, programme=programme)
    except ObjectDoesNotExist as exc:
        raise Http404(_("No such version.")) from exc
    except ValidationError as exc:
        messages.error(request, _("This version cannot be restored: %(reason)s") % {"reason": " ".join(exc.messages)})
    else:
        messages.success(request, _("The earlier version is restored. The restore is in the history too."))
    return redirect(request.path.rsplit("/", 3)[0] + "/")


def archive_question(obj):
    return {
        "title": _("Archive “%(name)s”?") % {"name": obj},
        "consequences": [
            _("It becomes read-only for everyone: nothing in it can change, and its documents can still be read and printed."),
            _("A coordinator can bring it back from the archive."),
        ],
        "confirm_label": _("Archive"),
        "danger": True,
    }


def archive_toggle(request, obj, *, archived_message, restored_message, context=None):
    """POST: archive ``obj`` (``archived`` absent or anything but "false") once the person
    has confirmed, or bring it back, with a message, then show it again."""
    from schemes.services.setup import archived_set

    archive = request.POST.get("archived") != "false"
    if archive and not confirmed(request):
        return confirm_page(request, **archive_question(obj), cancel_url=obj.get_absolute_url(), context=context)
    archived_set(obj=obj, archived=archive, actor=request.user)
    messages.success(request, archived_message if archive else restored_message)
    return redirect(obj)


def safe_next(request, default="home"):
    """The ``next`` address the request carries (posted, else in the query string) when it
    is of this site; else ``default`` (an address or a URL name, for ``redirect``)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
