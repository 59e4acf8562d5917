"""Query pieces the ORM does not spell the way PostgreSQL likes best."""

from django.core.exceptions import EmptyResultSet
from django.db.models.lookups import In


class AnyOf(In):
    """``field IN values``, sent to PostgreSQL as ``field = ANY(%s)`` with one array parameter.

    For lists of hundreds or thousands of values (an import batch's blind indexes):
    an IN list of as many placeholders costs more to build and to parse than the
    rows take to find. Used as an expression: ``filter(AnyOf(F("email_index"), values))``.
    Elsewhere than PostgreSQL it is a plain IN.
    """

    def as_postgresql(self, compiler, connection):
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, values)
