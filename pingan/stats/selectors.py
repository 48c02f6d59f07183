"""Reads for statistics: what a user may count (their visible cases, narrowed to a region and a kind), where
their statistics start and the regions they may choose, and the validated request parameters shared by the
API and the dashboard."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases import workflows
from pingan.cases.models import Case
from pingan.cases.selectors import cases_visible_to
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.jurisdiction import prefix_q
from pingan.gridwork.selectors import grids_of_user
from pingan.lawguard.choices import ProviderRole
from pingan.lawguard.models import Workstation
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import jurisdiction_roots, organizations_within, region_for_user_or_404, user_prefixes

from .indicators import Period, Source, this_year
from .lawguard_indicators import case_link_q

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
    workstation: Workstation | None = None  # 法治护航: what one workstation is credited with (the ledger)
    provider_role: str = ""  # 法治护航: what one provider role delivered (ServiceLink.provider_role)

    def inside(self, field: str) -> Q:
        if self.region is not None:
            return Q(**{f"{field}__startswith": self.region.prefix})
        return prefix_q(field, [root.prefix for root in self.roots])

    def records(self, source: Source) -> QuerySet:
        """A source's records the user may see (by its region field, inside their jurisdiction), inside the
        scope's region, for the workstation and provider role asked for; a source that cannot be split by
        one of them gives nothing (the ledger shows no such figure)."""
        records = source.queryset().filter(prefix_q(source.region_field, user_prefixes(self.user)))
        records = records.filter(self.inside(source.region_field))
        for name, value in (("workstation", self.workstation), ("provider_role", self.provider_role)):
            if not value:
                continue
            path = source.dimension(name)
            if path is None:
                return records.none()
            records = records.filter(**{path: value.organization.code if isinstance(value, Workstation) else value})
        return records

    @property
    def cases(self) -> QuerySet[Case]:
        cases = cases_visible_to(self.user).filter(self.inside("region_code"))
        if self.workstation is not None or self.provider_role:
            cases = cases.filter(case_link_q(workstation=self.workstation, provider_role=self.provider_role))
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
        if self.workstation is not None:
            params["workstation"] = self.workstation.organization.code
        if self.provider_role:
            params["provider_role"] = self.provider_role
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
    provider_role = (params.get("provider_role") or "").strip()
    if provider_role and provider_role not in ProviderRole.values:
        errors["provider_role"] = [_("服务人员角色无效")]
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
    workstation = None
    station_code = (params.get("workstation") or "").strip()
    if station_code:  # a 法治护航工作站 of the user's jurisdiction, else not found
        workstation = workstations_visible_to(user).filter(organization__code=station_code).first()
        if workstation is None:
            raise NotFoundError(_("工作站不存在或不在您的辖区内"))
    return StatsScope(
        user=user,
        region=region,
        kind=kind,
        period=period,
        roots=tuple(roots),
        owner_org=owner_org,
        workstation=workstation,
        provider_role=provider_role,
    )


def workstations_visible_to(user: User) -> QuerySet[Workstation]:
    """法治护航工作站 whose organisation lies inside the user's jurisdiction."""
    return Workstation.objects.filter(prefix_q("organization__region__code", user_prefixes(user))).select_related(
        "organization__region"
    )
