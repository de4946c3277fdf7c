"""The privacy notice's absolute address, for e-mails: ``{% load privacy %}{% privacy_url %}``.

Built from ``SITE_URL`` like every other link in an e-mail (mentoring/emails.py), so it
works in e-mails sent without a request (a background task) as with one."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def privacy_url():
    return settings.SITE_URL + reverse("privacy")
