"""``__in`` on an integer column, for values no such column can hold.

Django's own ``exact``, ``gt``, ``gte``, ``lt`` and ``lte`` lookups on an integer field
answer "nothing matches" for a value outside the column's range (``IntegerFieldOverflow``
in ``django.db.models.lookups``); ``in`` hands such a value to the database driver, and
SQLite's fails (``OverflowError: Python int too large to convert to SQLite INTEGER``).
A form with a multiple choice of objects (``ModelMultipleChoiceField``) checks the ids
it is sent with ``pk__in``, so an id of twenty digits typed into a request made the page
fail with a server error instead of saying "Select a valid choice" (found by sending
every form bad input). This lookup, registered on ``IntegerField`` (every integer field
and primary key inherits it) through Django's documented ``register_lookup``, leaves out
the values outside the range: they match no row, on any database. It does not cover
``__in`` across a relation (``organisation__in``, ``organisation_id__in``): Django uses
its related lookup there, and no request data reaches one.
(docs/decisions/0024-integer-in-lookup-without-overflow.md)
"""

from copy import copy

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    lookup_name = "in"

    def process_rhs(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().process_rhs(compiler, connection)
        low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
        # A copy: the lookup itself stays as the query holds it, whatever database compiles it.
        lookup = copy(self)
        lookup.rhs = [
            value
            for value in self.rhs
            if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
        ]
        return super(IntegerFieldIn, lookup).process_rhs(compiler, connection)
