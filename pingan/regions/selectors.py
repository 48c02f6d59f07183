"""Reads of regions and organisations, always limited to a set of jurisdiction prefixes or to a user's
jurisdiction (its top regions, the regions they may pick, one region asked for by code or 404)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pingan.core.errors import NotFoundError

from .choices import RegionLevel
from .models import Organization, Region, prefix_q

if TYPE_CHECKING:
    from pingan.accounts.models import User


def user_prefixes(user) -> list[str]:
    """The code prefixes of the user's jurisdiction; none for anyone not signed in (sees nothing)."""
    return user.jurisdiction_prefixes() if getattr(user, "is_authenticated", False) else []


def regions_within(prefixes: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.filter(prefix_q("code", prefixes))


def organizations_within(prefixes: Iterable[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(prefix_q("region__code", prefixes)).select_related("region")


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code, is_active=True).first()


def jurisdiction_roots(user: User) -> list[Region]:
    """The regions at the top of the user's jurisdiction (one per organisation not covered by another)."""
    prefixes = set(user.jurisdiction_prefixes())
    roots = {m.organization.region for m in user.active_memberships if m.organization.region.prefix in prefixes}
    return sorted(roots, key=lambda region: region.code)


def regions_for_filter(user: User) -> list[Region]:
    """The regions a user may pick on the dashboard: their roots and the counties and townships below them."""
    prefixes = user.jurisdiction_prefixes()
    if not prefixes:
        return []
    return list(regions_within(prefixes).filter(level__lte=RegionLevel.TOWNSHIP, is_active=True).order_by("code"))


def region_for_user_or_404(user: User, code: str) -> Region:
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None or not user.can_see_code(region.code):
        raise NotFoundError(_("区划“%(code)s”不存在或不在您的辖区内") % {"code": code})
    return region
