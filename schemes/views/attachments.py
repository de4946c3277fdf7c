"""Attachments of a scheme's documents: add (a multipart POST), download, remove (asks
first). Everything goes through the scheme (``scheme_view``), then the object's kind
(``TARGETS``): another scheme's object or attachment is a 404, and the object's own rule
decides (``edit`` adds and removes, ``view`` downloads). The storage is never linked to:
the file is streamed from here, with headers that keep a browser from running it."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from mentoring.access import require, scheme_view
from mentoring.pages import confirm_page, confirmed, removal_question

from ..services.attachments import (
    ALLOWED,
    ALLOWED_TYPES,
    TARGETS,
    AttachmentRefused,
    SizeLimitHandler,
    attachment_add,
    attachment_remove,
    form_context,
    retention,
    target_of,
    too_large_message,
)


def _target(scheme, kind, pk):
    target = TARGETS.get(kind)
    if target is None:
        raise Http404(_("No such page."))
    return target, get_object_or_404(target.objects(scheme), pk=pk)


def _attachment(scheme, pk):
    """An attachment of ``scheme`` not removed, with its kind and object; else 404."""
    attachment = get_object_or_404(scheme.attachments.present().select_related("content_type"), pk=pk)
    try:
        kind, target, obj = target_of(attachment, scheme)
    except (KeyError, ObjectDoesNotExist) as exc:
        raise Http404(_("No such file.")) from exc
    return attachment, kind, target, obj


# The size of a file is counted as it arrives, so the upload handler is set before the
# request's body is read: Django's "Modifying upload handlers on the fly" pattern, the
# outer view exempt from the CSRF check that the inner one then makes.
@csrf_exempt
@require_POST
@scheme_view("view")  # the scheme; the object's own rule is checked below
def attachment_add_view(request, scheme, access, kind, target):
    handler = SizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return _attachment_add(request, scheme, access, kind, target, handler)


@csrf_protect
def _attachment_add(request, scheme, access, kind, pk, handler):
    target, obj = _target(scheme, kind, pk)
    require(access, "edit", target.document, user=request.user)
    back = target.url(scheme, obj)
    upload = request.FILES.get("file")
    if handler.too_large:
        error = too_large_message()
    elif upload is None:
        error = _("Choose a file to attach.")
    else:
        try:
            attachment = attachment_add(scheme=scheme, kind=kind, obj=obj, upload=upload, actor=request.user)
        except AttachmentRefused as exc:
            error = str(exc)
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": attachment.name})
            return redirect(back)
    # Refused: the page says why and offers the form again; nothing was written.
    return render(
        request,
        "attachments/refused.html",
        {
            "programme": scheme.programme,
            "scheme": scheme,
            "object": obj,
            "error": error,
            "back": back,
            "kind": kind,
            "allowed_types": ALLOWED_TYPES,
            **form_context(),
            "add_url": request.path,
            "page_title": _("The file was not attached"),
        },
        status=400,
    )


@require_safe
@scheme_view("view")
def attachment_download(request, scheme, access, pk):
    attachment, _kind, target, _obj = _attachment(scheme, pk)
    require(access, "view", target.document, user=request.user)
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404(_("This file cannot be read at the moment.")) from exc
    _label, inline = ALLOWED.get(attachment.mime, ("", False))
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.name, content_type=attachment.mime or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in the browser, an image runs nothing and reaches nothing. A PDF is shown by
    # the browser's own viewer, which a sandbox or "object-src 'none'" (the site's policy)
    # blocks: its policy lets only that viewer run; a PDF with JavaScript or any other
    # active content is refused when it is attached.
    if attachment.mime == "application/pdf":
        response["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'"
    else:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_POST
@scheme_view("view")
def attachment_remove_view(request, scheme, access, pk):
    attachment, kind, target, obj = _attachment(scheme, pk)
    require(access, "edit", target.document, user=request.user)
    back = target.url(scheme, obj)
    locked = target.locked and target.locked(obj)
    if locked:
        messages.error(request, locked)
        return redirect(back)
    if not confirmed(request):
        days = retention().days
        return confirm_page(
            request,
            **removal_question(
                attachment.name,
                kept=_("It stays in the history of “%(object)s”: restoring an earlier version brings it back, for %(days)s days.")
                % {"object": obj, "days": days},
            ),
            cancel_url=back,
            context={"programme": scheme.programme, "scheme": scheme},
        )
    try:
        attachment_remove(scheme=scheme, kind=kind, obj=obj, attachment=attachment, actor=request.user)
    except AttachmentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.name})
    return redirect(back)
