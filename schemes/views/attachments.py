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

from mentoring.access import programme_view, refuse, require, scheme_view
from mentoring.pages import confirm_page, confirmed, removal_question

from ..models import ActionPlan
from ..services.attachments import (
    ALLOWED,
    ALLOWED_TYPES,
    PROGRAMME_TARGETS,
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


def _answer_rule(scheme, access, action, answer, user):
    """The section's rule: those who may edit the section add and remove (the lock says
    when it is submitted); those who may view the document download."""
    from .questionnaires import load

    filling = load(scheme, access, answer.response.template.kind, answer.response.organisation_id)
    return action == "view" or filling.may("edit", answer.question.section)


def _comment_rule(scheme, access, action, comment, user):
    """Those who see the document download; the comment's author adds and removes, while
    they may comment on its section (the lock says when the thread is resolved)."""
    from .questionnaires import load

    filling = load(scheme, access, comment.response.template.kind, comment.response.organisation_id)
    return action == "view" or (comment.author_id == user.pk and filling.can_comment(comment.section))


def _key_factor_rule(scheme, access, action, row, user):
    """Those who see self-assessments download; the city's officers (and facilitators)
    who edit its self-assessment add and remove."""
    from .cities import city_party, edits_for_city

    party = city_party(scheme, row.assessment.city_id)
    require(access, action, "self_assessment", user=user)
    return action == "view" or edits_for_city(access, "self_assessment", party)


def _practice_rule(scheme, access, action, practice, user):
    """Everyone in the programme who may see good practices downloads; the officers of
    the practice's city (and its facilitators) who may edit good practices add and remove."""
    from ..services.practice import owned_cities

    require(access, action, "good_practice", user=user)
    return action == "view" or owned_cities(user, practice.programme).filter(pk=practice.city_id).exists()


def _plan_rule(scheme, access, action, obj, user, target):
    """The decision of a plan's approval and the proofs of its implementation: the rule
    of the kind's document for the shared plan; for a community city's plan (issue 23),
    everyone of the scheme downloads and the city's own officers (and facilitators) add
    and remove."""
    from .community_plans import may_on_city_plan, peer_party

    plan = obj if target.model is ActionPlan else obj.action.plan
    if plan.organisation_id is None:
        require(access, action, target.document, user=user)
        return True
    peer = peer_party(scheme, plan.organisation_id)
    require(access, "view" if action == "view" else "edit", "community_plan", user=user)
    return action == "view" or may_on_city_plan(access, "edit", peer)


RULES = {"answer": _answer_rule, "comment": _comment_rule, "key_factor": _key_factor_rule, "practice": _practice_rule}


def _require(scheme, access, action, kind, target, obj, user):
    """403 unless the user may ``action`` (``edit``: add and remove; ``view``: download)
    the files of ``obj``: the kind's own rule, else its document's."""
    if not target.rule:
        require(access, action, target.document, user=user)
    elif target.rule == "plan":
        if not _plan_rule(scheme, access, action, obj, user, target):
            refuse(user, f"may not {action} the files of {kind} {obj.pk}", _("You may not change the files here."))
    elif not RULES[target.rule](scheme, access, action, obj, user):
        refuse(user, f"may not {action} the files of {kind} {obj.pk}", _("You may not change the files here."))


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
def _attachment_add(request, scheme, access, kind, pk, handler, programme=None):
    if scheme is None:
        target = PROGRAMME_TARGETS.get(kind)
        if target is None:
            raise Http404(_("No such page."))
        obj = get_object_or_404(target.objects(programme), pk=pk)
        owner = programme
    else:
        target, obj = _target(scheme, kind, pk)
        owner = scheme
    _require(scheme, access, "edit", kind, target, obj, request.user)
    back = target.url(owner, obj)
    upload = request.FILES.get("file")
    if handler.too_large:
        error = too_large_message()
    elif upload is None:
        error = _("Choose a file to attach.")
    else:
        try:
            attachment = attachment_add(scheme=scheme, programme=programme, kind=kind, obj=obj, upload=upload, actor=request.user)
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
            "programme": programme or scheme.programme,
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
    attachment, kind, target, obj = _attachment(scheme, pk)
    _require(scheme, access, "view", kind, target, obj, request.user)
    return _download(attachment)


def _download(attachment):
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
    # the browser's own viewer, which some browsers block under a sandbox or
    # "object-src 'none'" (the site's policy): its policy lets only that viewer run (Debian's
    # Chromium shows it: tests/browser/test_journey_evidence.py); a PDF with JavaScript or
    # any other active content is refused when it is attached.
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
    return _remove(request, scheme, None, access, attachment, kind, target, obj)


def _remove(request, scheme, programme, access, attachment, kind, target, obj):
    _require(scheme, access, "edit", kind, target, obj, request.user)
    back = target.url(scheme or programme, obj)
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
            context={"programme": programme or scheme.programme, "scheme": scheme},
        )
    try:
        attachment_remove(scheme=scheme, programme=programme, kind=kind, obj=obj, attachment=attachment, actor=request.user)
    except AttachmentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.name})
    return redirect(back)


# A programme's own files (a good practice's), through the programme (``programme_view``):
# another programme's practice or file is a 404.


def _programme_attachment(programme, pk):
    attachment = get_object_or_404(
        programme.attachments.filter(scheme__isnull=True).present().select_related("content_type"), pk=pk
    )
    try:
        kind, target, obj = target_of(attachment, None, programme=programme)
    except (KeyError, ObjectDoesNotExist) as exc:
        raise Http404(_("No such file.")) from exc
    return attachment, kind, target, obj


@csrf_exempt
@require_POST
@programme_view("view", "good_practice")
def practice_attachment_add(request, programme, access, pk):
    handler = SizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return _attachment_add(request, None, access, "practice", pk, handler, programme=programme)


@require_safe
@programme_view("view", "good_practice")
def practice_attachment_download(request, programme, access, pk):
    attachment, kind, target, obj = _programme_attachment(programme, pk)
    _require(None, access, "view", kind, target, obj, request.user)
    return _download(attachment)


@require_POST
@programme_view("view", "good_practice")
def practice_attachment_remove(request, programme, access, pk):
    attachment, kind, target, obj = _programme_attachment(programme, pk)
    return _remove(request, None, programme, access, attachment, kind, target, obj)
