"""Reads of drives: which drives a user sees, who may run or tag them, and where a drive's dashboard starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pingan.cases.models import Case
from pingan.cases.selectors import cases_visible_to
from pingan.core.errors import NotFoundError
from pingan.regions.models import Region
from pingan.regions.selectors import jurisdiction_roots, region_for_user_or_404, user_prefixes

from . import figures
from .choices import MANAGER_ROLES, TAGGER_ROLES
from .models import Drive

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pingan.accounts.models import User


def drives_visible_to(user: User | AnonymousUser) -> QuerySet[Drive]:
    """The drives whose region lies inside the user's jurisdiction, or covers it (a city's drive is seen by
    the townships that work it: their figures are limited to their own jurisdiction)."""
    match = Q(pk__in=[])
    for prefix in user_prefixes(user):
        match |= Q(region_code__startswith=prefix) | Q(region__prefix__in=[prefix[:i] for i in range(1, len(prefix))])
    return Drive.objects.filter(match).select_related("region", "lead_org")


def drive_or_404(user: User | AnonymousUser, drive_id: int | str) -> Drive:
    drive = drives_visible_to(user).filter(pk=drive_id).prefetch_related("categories", "target_regions").first()
    if drive is None:
        raise NotFoundError(_("专项行动不存在或不在您的辖区内"))
    return drive


def may_manage(user: User | AnonymousUser, region: Region) -> bool:
    """May create or edit a drive of `region`: staff, head or leader of an organisation whose jurisdiction
    covers it (the drive's level or above)."""
    if not user.is_authenticated:
        return False
    return any(
        m.role in MANAGER_ROLES and region.code.startswith(m.organization.region.prefix)
        for m in user.active_memberships
    )


def may_create(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(*MANAGER_ROLES)


def may_tag(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(*TAGGER_ROLES)


def drive_cases_for(user: User | AnonymousUser, drive: Drive) -> QuerySet[Case]:
    """The drive's cases inside the user's jurisdiction: what every figure of theirs counts."""
    return figures.drive_cases(drive, cases_visible_to(user))


def breakdown_region(user: User, drive: Drive, code: str = "") -> Region:
    """The region whose next level the dashboard breaks down: `code` (inside the drive's region and the
    user's jurisdiction, else 404), by default the drive's region, or where the user's jurisdiction starts
    inside it."""
    if code:
        region = region_for_user_or_404(user, code)
        if not region.is_within(drive.region):
            raise NotFoundError(_("区划“%(code)s”不在专项行动的区划内") % {"code": code})
        return region
    if user.can_see_code(drive.region.code):
        return drive.region
    inside = [root for root in jurisdiction_roots(user) if root.is_within(drive.region)]
    return inside[0] if inside else drive.region
