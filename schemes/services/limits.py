"""What one document may hold, so that every document stays printable and every page
quick (settings ``MAX_ACTIONS_PER_PLAN``, ``MAX_DOCUMENT_TEXT``, ``MAX_SESSIONS_PER_VISIT``,
``MAX_VISIT_DAYS``). Each write that adds to a document checks, with the document's row
locked, and refuses with a message that names the limit: nothing is cut or dropped."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce, Length
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def text_length(queryset, fields):
    """The number of characters of ``fields`` over the rows of ``queryset`` (one query)."""
    if not fields:
        return 0
    total = sum((Coalesce(Length(name), Value(0)) for name in fields[1:]), Coalesce(Length(fields[0]), Value(0)))
    return queryset.aggregate(total=Coalesce(Sum(total), Value(0)))["total"]


def check_document_text(total):
    """Refuse a document whose text would exceed ``MAX_DOCUMENT_TEXT`` characters."""
    limit = settings.MAX_DOCUMENT_TEXT
    if total > limit:
        raise ValidationError(
            _(
                "This document would hold %(total)s characters of text, more than the %(limit)s one document may "
                "hold. Shorten some of its texts, or keep long material in a separate document."
            )
            % {"total": number_format(total, force_grouping=True), "limit": number_format(limit, force_grouping=True)},
            code="document_too_long",
        )
