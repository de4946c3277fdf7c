"""Querysets turned into SQL once per database connection, not on every request.

Building and compiling a queryset costs Django far more than SQLite or PostgreSQL take to
run it: on the scheme home, a quarter of the page's time went to compiling about a dozen
queries whose SQL never changes, only their parameters. ``Precompiled`` builds its
queryset once with stand-in values for the parameters, keeps the compiled SQL and the
compiler (which knows how to turn rows into model instances, ``select_related`` objects
included), and afterwards only puts the real values in place of the stand-ins.

A stand-in must reach the SQL parameters unchanged (an exact lookup: ``pk=``, ``slug=``,
``__in=``); a lookup that rewrites its value (``__contains``, ``__iexact``) is refused
when the query is first compiled. Lists (``__in``) are compiled once per length; a
``FIXED`` value (the bounds of a slice, which Django writes into the SQL itself) once per
value. An int
that no database integer can hold (a number typed into an address) matches no row, as
Django's own lookups treat it, rather than failing in the database driver.
"""

import copy
import datetime
import itertools
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Value
from django.utils.functional import cached_property

# What a database integer can hold (Django's BigIntegerField).
INT_RANGE = range(-(2**63), 2**63)
# A kind of value put in the SQL as it is: the query is compiled once per value.
FIXED = "fixed"
# Compiled queries a database connection keeps (a few hundred kilobytes at most).
MAX_COMPILED = 500
_counter = itertools.count(1)


def _unchanged(value):
    return value


def _stand_in(kind, serial):
    """A value of ``kind`` that the query's own constants will not equal: ints are kept
    within the range of a small positive integer field (a value out of a field's range
    makes Django drop the condition as always false)."""
    if kind is int:
        return 32_767 - serial
    if kind is str:
        return f"\x1fprecompiled-stand-in-{serial}\x1f"
    if kind is datetime.date:
        return datetime.date(1001, 1, 1) + datetime.timedelta(days=serial)
    if kind is datetime.datetime:
        return datetime.datetime(1001, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=serial)
    raise TypeError(f"no stand-in for {kind}")


class Precompiled:
    """``Precompiled(build, user=int, slug=str, ids=[int])``: ``build(**stand_ins)``
    returns the queryset; calling the object with the real values returns its rows, a
    list (of model instances, or of tuples for ``values_list``). ``[int]`` is a list of
    ints; ``FIXED`` a value the SQL is compiled for, once per value. Per connection, so
    per thread: compiled SQL is never shared between threads. A connection keeps at
    most ``MAX_COMPILED`` of them (lengths of lists and bounds of pages vary), and
    compiles again once it has let them go."""

    def __init__(self, build, **kinds):
        self.build = build
        self.kinds = kinds
        self.name = f"precompiled-{next(_counter)}"

    def _compile(self, using, shape):
        serial = itertools.count(1)
        stand_ins = {}
        for name, kind in self.kinds.items():
            if kind == FIXED:
                stand_ins[name] = shape[name]
            elif isinstance(kind, list):
                stand_ins[name] = [_stand_in(kind[0], next(serial)) for _ in range(shape[name])]
            else:
                stand_ins[name] = _stand_in(kind, next(serial))
        queryset = self.build(**stand_ins)
        compiler = queryset.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. ``__in`` an empty list: no rows, as Django answers
            return None
        ops = connections[using].ops
        where = {}
        for name, value in stand_ins.items():
            if self.kinds[name] == FIXED:
                continue
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                # As the database receives it: SQLite gets dates and times as text.
                if isinstance(item, datetime.datetime):
                    adapt = ops.adapt_datetimefield_value
                elif isinstance(item, datetime.date):
                    adapt = ops.adapt_datefield_value
                else:
                    adapt = _unchanged
                sent = adapt(item)
                found = [position for position, param in enumerate(params) if param == sent and isinstance(param, type(sent))]
                if not found:
                    raise ValueError(f"{self.name}: the value of {name!r} does not reach the SQL unchanged")
                for position in found:
                    # psycopg's typed wrappers (Int2 for a small integer field) are kept.
                    wrap = type(params[position])
                    where[position] = (name, index if isinstance(value, list) else None, adapt, None if wrap is type(sent) else wrap)
        return queryset, compiler, sql, tuple(params), where

    @staticmethod
    def _value(values, name, index, adapt, wrap):
        value = adapt(values[name] if index is None else values[name][index])
        return value if wrap is None else wrap(value)

    def __call__(self, using="default", **values):
        if set(values) != set(self.kinds):
            raise TypeError(f"{self.name} takes {sorted(self.kinds)}, not {sorted(values)}")
        if any(kind is int and isinstance(values[name], int) and values[name] not in INT_RANGE for name, kind in self.kinds.items()):
            return []  # compared for equality, it cannot match
        shape = {name: len(values[name]) for name, kind in self.kinds.items() if isinstance(kind, list)}
        shape.update((name, values[name]) for name, kind in self.kinds.items() if kind == FIXED)
        connection = connections[using]
        cache = connection.__dict__.setdefault("_precompiled", {})
        key = (self.name, tuple(sorted(shape.items())))
        if key not in cache:
            if len(cache) >= MAX_COMPILED:
                cache.clear()
            cache[key] = self._compile(using, shape)
        if cache[key] is None:
            return []
        queryset, compiler, sql, params, where = cache[key]
        params = tuple(self._value(values, *where[i]) if i in where else param for i, param in enumerate(params))
        ready = copy.copy(compiler)
        ready.as_sql = lambda *args, **kwargs: (sql, params)
        fresh = queryset._chain()
        fresh.query.get_compiler = lambda *args, **kwargs: ready
        # Read at once: a queryset chained from this one would carry the compiled SQL.
        return list(fresh)


def as_prefetched(instances, name, pairs):
    """Each of ``instances`` answers ``<name>.all()`` without a query, as
    ``prefetch_related`` would have left it: with the related rows ``pairs`` give it, as
    ``(the instance's pk, row)``, in their order (rows read by a precompiled query).
    Returns ``instances``."""
    rows_of = defaultdict(list)
    for pk, row in pairs:
        rows_of[pk].append(row)
    for instance in instances:
        _prefetched(instance, name, rows_of[instance.pk])
    return instances


def _prefetched(instance, name, rows):
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if hasattr(manager, "prefetch_cache_name"):  # many-to-many
        cache_name = manager.prefetch_cache_name
    else:  # the other side of a foreign key: each row knows its instance, as prefetching leaves it
        cache_name = manager.field.remote_field.cache_name
        for row in rows:
            manager.field.set_cached_value(row, instance)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = queryset


def counted(queryset):
    """``queryset.count()`` as a queryset (of one value), which ``Precompiled`` can keep:
    no GROUP BY, so the count of no rows is one row of 0."""
    if queryset.query.distinct or queryset.query.combinator or queryset.query.is_sliced:
        raise ValueError("counted() counts plain querysets only")
    return queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(_count=Count("pk")).values_list("_count", flat=True)


class PrecompiledList:
    """What ``Paginator`` asks of a queryset (its count, and a slice of it) answered by
    two precompiled queries: ``count`` (built with ``counted``) and ``rows`` (taking
    ``start`` and ``stop``, both ``FIXED``), with ``values`` for both."""

    def __init__(self, count, rows, **values):
        self._count, self._rows, self.values = count, rows, values

    @cached_property
    def total(self):
        return self._count(**self.values)[0]

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("PrecompiledList takes slices only")
        start, stop = index.start or 0, self.total if index.stop is None else index.stop
        return self._rows(start=start, stop=stop, **self.values)
