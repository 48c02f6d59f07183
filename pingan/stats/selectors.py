"""Reads for statistics: what a user may count (their visible cases, narrowed to a region and a kind), where
their statistics start and the regions they may choose, and the validated request parameters shared by the
API and the dashboard."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases import workflows
from pingan.cases.models import Case
from pingan.cases.selectors import cases_visible_to
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.jurisdiction import prefix_q
from pingan.gridwork.selectors import grids_of_user
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import jurisdiction_roots, organizations_within, region_for_user_or_404

from .indicators import Period, this_year

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR = 1990  # 同比 needs a year before, and nothing older is ever counted


# The breakdown one level below a region (a grid cell has nothing below: it stands for itself).
BREAKDOWN_BELOW: dict[int, str] = {
    RegionLevel.PROVINCE: "district",
    RegionLevel.CITY: "district",
    RegionLevel.COUNTY: "township",
    RegionLevel.TOWNSHIP: "community",
    RegionLevel.COMMUNITY: "grid",
    RegionLevel.GRID: "grid",
}


def statistics_roots(user: User) -> list[Region]:
    """Where a user's statistics start: the top regions of their jurisdiction; for a grid worker (网格员, no
    other role), the grid cells they work, when they have any."""
    memberships = user.active_memberships
    if memberships and all(m.role == Role.GRID_WORKER for m in memberships):
        grids = list(grids_of_user(user).order_by("code"))
        if grids:
            return grids
    return jurisdiction_roots(user)


@dataclass(frozen=True)
class StatsScope:
    """What a statistic counts: the cases a user may see, inside `region`, or (None) inside `roots`, where
    their statistics start (statistics_roots)."""

    user: User
    region: Region | None
    kind: str
    period: Period
    roots: tuple[Region, ...] = ()
    owner_org: Organization | None = None  # risks of one owner unit (责任单位), for the 风险防控 drill-downs

    @property
    def cases(self) -> QuerySet[Case]:
        cases = cases_visible_to(self.user)
        if self.region is not None:
            cases = cases.filter(region_code__startswith=self.region.prefix)
        else:
            cases = cases.filter(prefix_q("region_code", [root.prefix for root in self.roots]))
        if self.kind:
            cases = cases.filter(kind=self.kind)
        if self.owner_org is not None:
            cases = cases.filter(risk__owner_org=self.owner_org)
        return cases

    @property
    def level(self) -> int:
        """The level of the tree the scope starts at (the highest of several roots)."""
        if self.region is not None:
            return self.region.level
        return min((root.level for root in self.roots), default=RegionLevel.CITY)

    @property
    def region_breakdown(self) -> str:
        """The breakdown by the level below the scope (by district for a city, … by grid for a community)."""
        return BREAKDOWN_BELOW[self.level]

    @property
    def roots_name(self) -> str:
        """What the scope without a region is called: a grid worker's cells, or the whole jurisdiction."""
        if self.roots and all(root.level == RegionLevel.GRID for root in self.roots):
            return _("我的网格")
        return _("全部辖区")

    def region_dict(self) -> dict:
        if self.region is None:
            return {"code": None, "name": self.roots_name}
        return {"code": self.region.code, "name": self.region.name}

    def query(self) -> dict[str, str]:
        """The parameters that reproduce this scope (for links to drill-downs and the API)."""
        params = {**self.period.as_dict()}
        if self.region is not None:
            params["region"] = self.region.code
        if self.kind:
            params["kind"] = self.kind
        if self.owner_org is not None:
            params["owner_org"] = self.owner_org.code
        return params


def _parse_date(value: str, field: str) -> datetime.date:
    value = (value or "").strip()
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(_("日期格式应为 YYYY-MM-DD,且须为有效日期"), field=field) from None
    if day.year < MIN_YEAR:
        raise ApplicationError(_("日期不能早于%(year)d年") % {"year": MIN_YEAR}, field=field)
    return day


def stats_scope(*, user: User, params: Mapping[str, str]) -> StatsScope:
    """Validate `region`, `date_from`, `date_to` and `kind` from a request.

    Bad input raises ApplicationError (400, Chinese message, per field); a region outside the user's
    jurisdiction raises NotFoundError (404). Defaults: where the user's statistics start (their jurisdiction
    root or a grid worker's grid; all of them when there are several), this year to date, every kind."""
    errors: dict[str, list[str]] = {}
    default = this_year()
    dates = {}
    for field, fallback in (("date_from", default.date_from), ("date_to", default.date_to)):
        raw = params.get(field)
        try:
            dates[field] = _parse_date(raw, field) if raw else fallback
        except ApplicationError as exc:
            errors.update(exc.fields)
    if not errors and dates["date_from"] > dates["date_to"]:
        errors["date_to"] = [_("结束日期不能早于开始日期")]
    kind = (params.get("kind") or "").strip()
    if kind and kind not in {w.kind for w in workflows.kinds()}:
        errors["kind"] = [_("未知的案件类型:%(kind)s") % {"kind": kind}]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)

    roots = statistics_roots(user)
    code = (params.get("region") or "").strip()
    region: Region | None
    if code:
        region = region_for_user_or_404(user, code)
    else:
        region = roots[0] if len(roots) == 1 else None
    period = Period(dates["date_from"], dates["date_to"])
    owner_org = None
    owner_code = (params.get("owner_org") or "").strip()
    if owner_code:  # a risk owner unit: one of the user's jurisdiction, else not found
        owner_org = organizations_within(user.jurisdiction_prefixes()).filter(code=owner_code).first()
        if owner_org is None:
            raise NotFoundError(_("责任单位不存在或不在您的辖区内"))
    return StatsScope(user=user, region=region, kind=kind, period=period, roots=tuple(roots), owner_org=owner_org)
