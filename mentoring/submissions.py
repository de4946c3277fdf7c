"""One form sent, one thing saved.

A double click, a reload that posts again or the back button sends a create form twice,
sometimes twice at the same instant, and each request used to save its own row (two
actions, two comments, two live invitation links).

Every form that creates something carries a random one-time token in a hidden field
(``SubmitOnceMixin``: a new token each time the empty form is drawn, the same one when a
refused form is drawn again). ``submission_save`` first claims the token, a row with a
unique token (``Submission``), then saves, then records on that row the page that shows
what was saved, all in one transaction. A second request with the same token finds it
claimed and answers with that page and the message ``ALREADY_SAVED`` instead of saving
again; if it runs at the same instant as the first, its claim waits on the unique index
until the first has committed, then fails the same way. A save that fails (a refused
form, a locked plan) rolls its claim back, so the form can be sent again.

The token is per form drawn, not per person or page: two forms drawn one after the other
(two tabs, "Save and add another") are two submissions. A POST without the field (a
script, a page opened before the field existed) is saved as before.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Submission

TOKEN_LENGTH = 64  # the longest token accepted (a generated one is 32 characters)
KEEP = timedelta(days=30)  # a person's tokens older than this are removed as they save again
ALREADY_SAVED = _("This was already saved: the form was sent twice, and what it saves is kept once.")


class SubmitOnceMixin(forms.Form):
    """For forms that create something: the hidden one-time token of the form drawn."""

    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=TOKEN_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission"].initial = secrets.token_urlsafe(24)

    def submission_token(self):
        """The token as posted, read before validation: a second post is recognised even
        when what the first one saved now makes the form invalid (a session overlapping
        itself, a label already used)."""
        if not self.is_bound:
            return ""
        token = self.data.get(self.add_prefix("submission"), "")
        return token if isinstance(token, str) and 0 < len(token) <= TOKEN_LENGTH else ""


@dataclass
class Saved:
    """What ``submission_save`` saved (``object``, None when an earlier post of the same
    form saved it: ``again``) and the page that shows it (``url``)."""

    object: object
    url: str
    again: bool = False


def _earlier(request, token):
    """The result of an earlier post of this token by this person, with the message that
    says so; None if there was none."""
    if not token:
        return None
    url = Submission.objects.filter(token=token, user=request.user).values_list("url", flat=True).first()
    if url is None:
        return None
    messages.info(request, ALREADY_SAVED)
    return Saved(None, url, again=True)


def submission_save(request, form, save, *, url, valid=None):
    """Validate ``form`` (or call ``valid()``, for a form with formsets) and run ``save()``
    once per token; ``url(saved)`` is the page that shows what ``save()`` returned.

    Returns ``Saved``, or None when the form is not valid (its errors say why). What
    ``save()`` raises goes to the caller, with nothing recorded."""
    token = form.submission_token()
    earlier = _earlier(request, token)
    if earlier is not None:
        return earlier
    if not (valid() if valid is not None else form.is_valid()):
        # The same form sent at the same instant may have saved meanwhile, and what it
        # saved made this one invalid: say it was saved rather than show the errors.
        return _earlier(request, token)
    if not token:
        saved = save()
        return Saved(saved, url(saved))
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = Submission.objects.create(token=token, user=request.user)
        except IntegrityError:
            claim = None  # claimed by an earlier post, committed meanwhile
        if claim is not None:
            saved = save()
            claim.url = url(saved)
            claim.save(update_fields=["url"])
            Submission.objects.filter(user=request.user, created_at__lt=timezone.now() - KEEP).delete()
            return Saved(saved, claim.url)
    earlier = _earlier(request, token)
    if earlier is None:
        raise SuspiciousOperation("A submission token posted by someone else than the person it was drawn for.")
    return earlier
