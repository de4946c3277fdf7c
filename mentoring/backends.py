"""Authentication by e-mail address; demo accounts only work in development."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .precompiled import Precompiled


def _user_query(pk):
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.filter(pk=pk)


# Every page reads the signed-in person: compiled once (mentoring.precompiled).
USER_QUERY = Precompiled(_user_query, pk=int)


class EmailBackend(ModelBackend):
    def get_user(self, user_id):
        """As Django's ModelBackend.get_user, through a precompiled query."""
        rows = USER_QUERY(pk=int(user_id))
        return rows[0] if rows and self.user_can_authenticate(rows[0]) else None

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


def login_username(request, credentials):
    """The address a login attempt is for, as django-axes counts failures: lower case,
    so that MENTEE@ and mentee@ are one account."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return value.strip().lower()
