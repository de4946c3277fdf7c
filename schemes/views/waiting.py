"""The home page's "Send a polite reminder": the people a document waits for hear of it
by e-mail, at most once a day per document and sender (schemes/services/waiting.py)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.access import scheme_view

from ..models import OrganisationKind
from ..services.waiting import DOCUMENTS, AlreadySent, polite_reminder_send, waiting_for_others


@require_POST
@scheme_view("view", "scheme")
def polite_reminder(request, scheme, access, document, organisation):
    if document not in DOCUMENTS:
        raise Http404(_("No such document."))
    # The documents are a city's; a city sits on one side only (an association may sit on
    # both, so it is not looked up by organisation alone).
    party = get_object_or_404(
        scheme.parties.select_related("organisation"), organisation_id=organisation, organisation__kind=OrganisationKind.CITY
    )
    item = next(
        (
            w
            for w in waiting_for_others(request.user)
            if w.scheme.pk == scheme.pk and w.document == document and w.organisation.pk == party.organisation_id
        ),
        None,
    )
    if item is None:
        messages.info(request, _("This document is not waiting for someone else on your behalf any more."))
        return redirect("home")
    try:
        people = polite_reminder_send(item=item, user=request.user)
    except AlreadySent as sent:
        messages.info(
            request,
            _("You sent a reminder about this today at %(time)s; one a day is enough.")
            % {"time": time_format(localtime(sent.sent_at), "TIME_FORMAT")},
        )
    else:
        messages.success(
            request,
            _("A polite reminder was sent to %(names)s.")
            % {"names": ", ".join(person.get_full_name() or person.email for person in people)},
        )
    return redirect("home")
