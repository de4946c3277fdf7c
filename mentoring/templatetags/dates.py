"""Date filters beyond Django's: an agenda's day heading, and ISO dates kept as text.

Every date shown goes through a named format of the reader's language (DATE_FORMAT,
DATETIME_FORMAT, TIME_FORMAT... in mentoring/formats/); tests/test_dates.py refuses a
template that spells a format out.
"""

import datetime

from django import template
from django.utils.formats import date_format, get_format

register = template.Library()


@register.filter
def day_heading(value):
    """The heading of a day of an agenda, weekday first ("Sunday 6 December 2026").

    Django has no named format for it, so the project's format modules name one,
    DAY_HEADING_FORMAT; a language without a module here (one added with just its
    catalogue, docs/languages.md) gets the weekday before its own DATE_FORMAT."""
    if value in (None, ""):
        return ""
    heading = get_format("DAY_HEADING_FORMAT")
    if heading == "DAY_HEADING_FORMAT":  # get_format gives back a name it does not know
        heading = "l " + get_format("DATE_FORMAT")
    return date_format(value, heading)


@register.filter
def as_date(value):
    """A date kept as ISO 8601 text (a frozen action plan, a date answer) as a date, to
    be shown with ``|date:"DATE_FORMAT"``; other text as it is."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def iso_date_shown(value):
    """ISO 8601 text as the reader's DATE_FORMAT ("2026-12-05" is "5 Dec 2026"); other
    text as it is. For Python that shows such text (differences, answers)."""
    date = as_date(value)
    return date_format(date, "DATE_FORMAT") if isinstance(date, datetime.date) else value
