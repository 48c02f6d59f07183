"""Reads of regions and organisations, always limited to a set of jurisdiction prefixes."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Organization, Region


def _prefix_q(field: str, prefixes: Iterable[str]) -> Q:
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(**{f"{field}__startswith": prefix})
    return query


def regions_within(prefixes: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.filter(_prefix_q("code", prefixes))


def organizations_within(prefixes: Iterable[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(_prefix_q("region__code", prefixes)).select_related("region")


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code, is_active=True).first()
