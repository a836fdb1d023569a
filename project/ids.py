"""Ids in URLs: a number no database row can have is not found (404), never a database error.

Django's ``<int:…>`` converter takes any run of digits. Looked up by primary key, a number past
the largest id is no row (Django's lookups know the column's range), but looked up through a
foreign key (``support_request_id=``, a mentor's ``user_id``) or by viewflow's process pages it
reaches the database driver, and SQLite's raises OverflowError: a 500. ``bounded`` gives every
``<int:…>`` pattern (ours, viewflow's, the admin's) a converter that refuses such a number, so the
URL does not match and the person gets the ordinary 404.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

# The largest value of a 64-bit signed integer: the largest id (BigAutoField) on PostgreSQL and
# SQLite alike, and the largest of any other integer column.
LARGEST_ID = 2**63 - 1


class IdConverter(IntConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > LARGEST_ID:
            raise ValueError("Beyond the largest id")
        return number


ID = IdConverter()


def bounded(patterns):
    """Every ``<int:…>`` in ``patterns`` (and all they include) answers 404 for a number past the largest id."""
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern) and any(type(c) is IntConverter for c in pattern.converters.values()):
            # A new dict: the one Django made may be shared by every pattern with the same route.
            pattern.converters = {
                name: ID if type(converter) is IntConverter else converter
                for name, converter in pattern.converters.items()
            }
        if isinstance(entry, URLResolver):
            bounded(entry.url_patterns)
        elif not isinstance(entry, URLPattern):
            raise TypeError(f"Not a URL pattern: {entry!r}")
    return patterns
