"""The programme's branding at the top of every document (schemes/branding.py):
``{% document_branding programme scheme as brand %}``."""

from django import template

from ..branding import branding

register = template.Library()


@register.simple_tag
def document_branding(programme=None, scheme=None):
    """The header of ``programme`` (or of ``scheme``'s programme); None without either."""
    if not programme and scheme:
        programme = scheme.programme
    return branding(programme or None)
