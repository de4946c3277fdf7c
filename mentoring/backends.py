"""Authentication by e-mail address; demo accounts only work in development."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # PASSWORD_LOGIN off: people sign in through their organisation only (docs/sso.md).
        if not settings.PASSWORD_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


def login_username(request, credentials):
    """The address a login attempt is for, as django-axes counts failures: lower case,
    so that MENTEE@ and mentee@ are one account. A sign-in through the organisation
    (mentoring.sso) is counted under the address the provider gave, once known."""
    value = (credentials or {}).get("username") or request.POST.get("username", "") or getattr(request, "sso_email", "")
    return value.strip().lower()
