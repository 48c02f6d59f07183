"""Reads of regions and organisations, always limited to a set of jurisdiction prefixes."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Organization, Region, prefix_q


def regions_within(prefixes: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.filter(prefix_q("code", prefixes))


def organizations_within(prefixes: Iterable[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(prefix_q("region__code", prefixes)).select_related("region")


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code, is_active=True).first()
