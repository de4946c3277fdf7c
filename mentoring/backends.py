"""Authentication by e-mail address; demo accounts only work in development."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


def login_username(request, credentials):
    """The address a login attempt is for, as django-axes counts failures: lower case,
    so that MENTEE@ and mentee@ are one account."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return value.strip().lower()
