"""Saving as people type (static/js/autosave.js): the same form, posted in the
background a few seconds after typing stops and when the page is hidden, through the
same save path as the Save button (the merge, the conflict check, the history), answered
with a short JSON report instead of a page.

An automatic save is written to the history like any other, with the change reason
``AUTOSAVE``; history pages fold a person's automatic saves of a few minutes into one
entry (``fold_autosaves``), and every row stays, so nothing is lost and a colleague's
three-way merge still finds the version they saw.
"""

from datetime import timedelta

from django.http import JsonResponse
from django.utils import formats, timezone

AUTOSAVE = "autosave"
# Automatic saves of one person closer together than this are one entry on a history page.
FOLD_WITHIN = timedelta(minutes=5)


def is_autosave(request):
    return request.method == "POST" and request.headers.get("X-Autosave") == "1"


def autosave_response(status="saved", *, http_status=200, **report):
    """The report an automatic save answers: ``status`` (saved, conflict, invalid,
    locked), the time it was saved, and what the page must update (``fields``: name ->
    value, such as the versions the next save builds on)."""
    saved_at = formats.time_format(timezone.localtime(), "TIME_FORMAT")
    return JsonResponse({"status": status, "saved_at": saved_at, **report}, status=http_status)


def form_errors(form):
    """{field name: [messages]} of a refused form, for the page's status line."""
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def fold_autosaves(entries, *, who, when, object_of, is_autosave, merge):
    """Fold the history ``entries`` (newest first) of automatic saves of one object by
    one person, each within ``FOLD_WITHIN`` of the next, into one entry:
    ``merge(newer, older)`` makes it (from before the oldest to after the newest). Any
    other save of that object in between (someone else's, a Save button) ends the fold."""
    folded, groups = [], {}  # object -> (index in folded, time of its oldest save so far)
    for entry in entries:
        key = object_of(entry)
        group = groups.get(key)
        if (
            group is not None
            and is_autosave(entry)
            and who(folded[group[0]]) == who(entry)
            and group[1] - when(entry) <= FOLD_WITHIN
        ):
            folded[group[0]] = merge(folded[group[0]], entry)
            groups[key] = (group[0], when(entry))
            continue
        folded.append(entry)
        groups[key] = (len(folded) - 1, when(entry)) if is_autosave(entry) else None
    return folded


def autosave_form(request, form, save, *, locked=()):
    """The answer to an automatic save of an edit form (``ConcurrentEditMixin``): run
    ``save(reason)`` and report, with the version the next save builds on; None when the
    request is not an automatic save (the view goes on as for the Save button). The
    exceptions ``locked`` mean the document was locked meanwhile."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from .forms import EditConflict, latest_history_id

    if not is_autosave(request):
        return None
    if not form.is_valid():
        if _conflict(form):
            return autosave_response("conflict", http_status=409)
        return autosave_response("invalid", http_status=400, errors=form_errors(form))
    try:
        save(AUTOSAVE)
    except EditConflict:
        return autosave_response("conflict", http_status=409)
    except locked:
        return autosave_response("locked", http_status=409)
    except ValidationError as error:
        return autosave_response("invalid", http_status=400, errors={NON_FIELD_ERRORS: error.messages})
    return autosave_response(fields={form.add_prefix("seen_version"): latest_history_id(form.instance)})


def _conflict(form):
    from .forms import has_conflict

    return has_conflict(form)
