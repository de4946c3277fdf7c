"""Sessions in the database, as Django's own backend keeps them, with the query every
page runs (reading the session) compiled once per connection (mentoring.precompiled)."""

import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from .precompiled import Precompiled

SESSION_QUERY = Precompiled(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now), key=str, now=datetime.datetime
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        rows = SESSION_QUERY(key=self.session_key, now=timezone.now())
        if not rows:  # unknown or expired: a new session, as Django's backend does
            self._session_key = None
            return None
        return rows[0]
