"""Reads of regions and organisations, always limited to a set of jurisdiction prefixes or to a user's
jurisdiction (its top regions, the regions they may pick, one region asked for by code or 404)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.jurisdiction import prefix_q

from .choices import RegionLevel
from .models import Organization, Region

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pingan.accounts.models import User


def user_prefixes(user: User | AnonymousUser | None) -> list[str]:
    """The code prefixes of the user's jurisdiction; none for anyone not signed in (sees nothing)."""
    return user.jurisdiction_prefixes() if user is not None and user.is_authenticated else []


def regions_within(prefixes: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.filter(prefix_q("code", prefixes))


def organizations_within(prefixes: Iterable[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(prefix_q("region__code", prefixes)).select_related("region")


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code, is_active=True).first()


def organization_by_code(code: str, *, field: str) -> Organization:
    """The active organisation with this code (its region loaded), else a 400 on `field`."""
    org = Organization.objects.select_related("region").filter(code=code, is_active=True).first()
    if org is None:
        raise ApplicationError(_("单位代码“%(code)s”不存在或已停用") % {"code": code}, field=field)
    return org


def jurisdiction_roots(user: User) -> list[Region]:
    """The regions at the top of the user's jurisdiction (one per organisation not covered by another)."""
    prefixes = set(user.jurisdiction_prefixes())
    roots = {m.organization.region for m in user.active_memberships if m.organization.region.prefix in prefixes}
    return sorted(roots, key=lambda region: region.code)


def region_for_user_or_404(user: User, code: str) -> Region:
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None or not user.can_see_code(region.code):
        raise NotFoundError(_("区划“%(code)s”不存在或不在您的辖区内") % {"code": code})
    return region


SEARCH_LIMIT = 20


def region_paths(regions: Iterable[Region]) -> dict[int, str]:
    """Each region's place in the tree as people say it, "天元区 › 嵩山路街道": its ancestors from the county
    down (the city and province are the same for everyone), then itself. One query for all ancestors."""
    regions = list(regions)
    chains = {
        row.pk: row.tree_path
        for row in Region.objects.with_tree_fields().filter(pk__in=[r.pk for r in regions]).only("pk")
    }
    names = {
        row.pk: row.name
        for row in Region.objects.filter(
            pk__in={pk for chain in chains.values() for pk in chain}, level__gte=RegionLevel.COUNTY
        ).only("pk", "name")
    }
    return {
        region.pk: " › ".join([*(names[pk] for pk in chains.get(region.pk, [])[:-1] if pk in names), region.name])
        for region in regions
    }


def region_search(*, user: User | AnonymousUser, query: str, limit: int = SEARCH_LIMIT) -> list[Region]:
    """Regions of the user's jurisdiction whose name contains `query` (or whose code starts with it),
    the higher levels first; each carries `path` (see region_paths). Nothing outside the jurisdiction."""
    query = query.strip()
    if not query:
        return []
    match = Q(name__icontains=query) | Q(code__startswith=query) if query.isdigit() else Q(name__icontains=query)
    regions = list(regions_within(user_prefixes(user)).filter(match, is_active=True).order_by("level", "code")[:limit])
    paths = region_paths(regions)
    for region in regions:
        region.path = paths[region.pk]
    return regions
