"""Links that print a document in another language than the interface's."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.inclusion_tag("includes/print_in.html")
def print_in(url, label=""):
    """A "Print in another language" menu for the document at ``url`` (its query, such as a
    stage, kept): one plain link per language offered, named in its own language, so it
    works without JavaScript. ``label`` names the document for screen readers."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "lang"]
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = get_language_info(code)
        address = urlunsplit(parts._replace(query=urlencode([*query, ("lang", code)])))
        links.append({"code": code, "name": info["name_local"], "url": address})
    return {"links": links, "label": label}


@register.simple_tag(takes_context=True)
def original_url(context, show_original):
    """This page's address with (``show_original``) or without ``original=1``, its other
    parameters (a stage, a page) kept: the switch between a translation and its original."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    query.pop("original", None)
    if show_original:
        query["original"] = "1"
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path
