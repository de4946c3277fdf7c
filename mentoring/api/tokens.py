"""Personal API keys: made, found and revoked (the account page's writes).

A key is 40 random characters (``secrets.token_urlsafe(30)``); the person sees it once,
when it is made. The row keeps its first eight characters, to tell keys apart on the
account page, and its SHA-256: a key is found by the hash of what a request presents.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..activity import log_action
from ..models import ApiToken

PREFIX_LENGTH = 8
# ``last_used_at`` is written at most this often per key: a client reading every second
# must not write a row every second.
LAST_USED_EVERY = timedelta(minutes=1)


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name):
    """A new key for ``user``. Returns (token, key): the key itself is never stored."""
    key = secrets.token_urlsafe(30)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=key_hash(key))
    log_action(actor=user, action="api_token.created", obj=token, label=name)
    return token, key


@transaction.atomic
def api_token_revoke(*, token, actor):
    """Revoke ``token`` (its next request is refused). Returns False if it was already."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(actor=actor, action="api_token.revoked", obj=token, label=token.name)
    return True


def api_token_for_key(key):
    """The active key ``key`` with its person, or None (unknown, revoked)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None or token.revoked_at is not None:
        return None
    return token


def api_token_touch(token, now=None):
    """Note that ``token`` was used, at most once a minute (a save of one field of one
    row: the model has no history to bypass)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
