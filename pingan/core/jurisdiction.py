"""Jurisdiction by code prefix: every record that belongs to a place carries the place's region code, and
"inside a jurisdiction" is a prefix match on that indexed column (the region tree itself is `regions`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def prefix_q(field: str, prefixes: Iterable[str]) -> models.Q:
    """Records whose region code in `field` lies inside any of the jurisdictions `prefixes` (none: nothing)."""
    query = models.Q(pk__in=[])
    for prefix in prefixes:
        query |= models.Q(**{f"{field}__startswith": prefix})
    return query
