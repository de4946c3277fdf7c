"""Single sign-on on the login and invitation pages (docs/sso.md):
``{% load sso %}{% sso_options as sso %}``, then ``sso.enabled``, ``sso.provider`` (the
name the button gives) and ``sso.password_login``."""

from django import template
from django.conf import settings

from mentoring.sso import provider_name, sso_enabled

register = template.Library()


@register.simple_tag
def sso_options():
    return {"enabled": sso_enabled(), "provider": provider_name(), "password_login": settings.PASSWORD_LOGIN}
