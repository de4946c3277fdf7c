"""Counts read with the rows that own them: a correlated subquery per count, so that a
list of schemes (or a plan) comes with its figures in the same query."""

from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce


def row_count(queryset, column, *, distinct=False):
    """How many rows of ``queryset`` (filtered on ``OuterRef`` to the outer row) there
    are, as an expression of the outer query, 0 when none. ``column``: the column those
    rows share (the outer row's key), grouped on. ``distinct``: count each row once when
    the queryset's joins repeat it."""
    counted = queryset.order_by().values(column).annotate(n=Count("pk", distinct=distinct)).values("n")
    return Coalesce(Subquery(counted), 0)
