from collections import defaultdict

from django.db.models import F, Q

from core.lookups import AnyOf
from suppression.models import Opposition


def opposed_scopes(identifier_indexes: dict[str, list[str]]) -> dict[tuple[str, str], set[str]]:
    """Scopes on the suppression list for each (type, index) given, in one indexed query."""
    condition = Q()
    for identifier_type, indexes in identifier_indexes.items():
        if indexes:
            condition |= Q(identifier_type=identifier_type) & Q(
                AnyOf(F("identifier_index"), indexes)
            )
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    if not condition:
        return found
    for identifier_type, index, scope in Opposition.objects.filter(condition).values_list(
        "identifier_type", "identifier_index", "scope"
    ):
        found[(identifier_type, index)].add(scope)
    return found
