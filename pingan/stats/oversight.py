"""Reads for a leader's first screen (领导驾驶舱, Role.LEADER): the open cases past or near their deadline by
the level below the leader's jurisdiction and by organisation, the 督办 queue, and the organisations with
the worst 按期结案率. Everything starts from cases_visible_to, so a city leader sees the city and a district
leader the district; the rate uses the indicator's own filters (indicators.get("on_time_rate")), so the
figures agree with the dashboard for the same window. A constant number of queries, whatever the number of
cases and organisations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cases.choices import Light
from pingan.cases.models import Case, open_light_q
from pingan.cases.selectors import cases_visible_to
from pingan.regions.models import Region
from pingan.regions.selectors import jurisdiction_roots

from .indicators import REGION_BREAKDOWNS, Period, display, get
from .selectors import BREAKDOWN_BELOW

RATE_WINDOW_DAYS = 90  # the on-time rate counts the cases registered in the last 90 days, today included
RATE_MIN_DUE = 5  # an organisation with fewer 应结案 cases in the window is not ranked: one case is no rate
TOP_ORGANIZATIONS = 10
SUPERVISED_LIMIT = 20


@dataclass(frozen=True)
class Oversight:
    now: datetime.datetime
    totals: dict[str, int]  # red, yellow, supervised: open cases in the jurisdiction
    level_label: str  # what the rows of `by_region` are (区县, 乡镇街道 …)
    by_region: list[dict]  # {code, name, linked, red, yellow}
    by_organization: list[dict]  # {code, name, linked, red, yellow}
    supervised: list[Case]
    period: Period
    worst_on_time: list[dict]  # {code, name, numerator, denominator, value, display}
    min_due: int = RATE_MIN_DUE


def _lights(now: datetime.datetime) -> dict[str, Count]:
    """超期 (red) and 临期 (yellow) among open cases: the workbench's lights (CaseQuerySet.with_light)."""
    return {light: Count("pk", filter=open_light_q(light, now)) for light in (Light.RED, Light.YELLOW)}


def leader_oversight(*, user: User, now: datetime.datetime | None = None) -> Oversight:
    now = now or timezone.now()
    visible = cases_visible_to(user)
    # Rows annotated from **_lights(), whose names the django-stubs plugin cannot follow: checked as any model's.
    open_cases: QuerySet[Any] = visible.open()
    lights = _lights(now)
    totals = open_cases.aggregate(**lights, supervised=Count("pk", filter=Q(supervision_count__gt=0)))
    flagged = open_cases.filter(open_light_q(Light.RED, now) | open_light_q(Light.YELLOW, now))  # not paused ones

    roots = jurisdiction_roots(user)
    breakdown = BREAKDOWN_BELOW[min((root.level for root in roots), default=0)]
    level, digits = REGION_BREAKDOWNS[breakdown]
    region_rows = list(
        flagged.annotate(key=Substr("region_code", 1, digits))
        .values("key")
        .annotate(**lights)
        .order_by("-red", "-yellow", "key")
    )
    regions = {region.code: region for region in Region.objects.filter(code__in=[row["key"] for row in region_rows])}
    by_region = []
    for row in region_rows:
        region = regions.get(row["key"])
        # Cases registered above the level (a city's own cases in a breakdown by district) form a row of
        # their own, not linked: the region filter would take in everything below it.
        linked = region is not None and region.level >= level
        name = region.name if region else row["key"]
        if region is not None and not linked:
            name = _("%(name)s(本级)") % {"name": name}
        by_region.append(
            {"code": row["key"], "name": name, "linked": linked, "red": row["red"], "yellow": row["yellow"]}
        )

    by_organization = [
        {**row, "linked": True}
        for row in flagged.filter(assigned_org__isnull=False)
        .values(code=F("assigned_org__code"), name=F("assigned_org__name"))
        .annotate(**lights)
        .order_by("-red", "-yellow", "code")[:TOP_ORGANIZATIONS]
    ]

    supervised = list(
        open_cases.filter(supervision_count__gt=0)
        .select_related("category", "region", "assigned_org")
        .order_by("deadline", "id")[:SUPERVISED_LIMIT]
    )

    today = timezone.localdate(now)
    period = Period(today - datetime.timedelta(days=RATE_WINDOW_DAYS - 1), today)
    on_time_rate, as_of = get("on_time_rate"), period.as_of(now)
    assert on_time_rate.denominator_filter is not None  # 按期结案率 is a rate
    rates = (
        visible.filter(period.cohort_q(), assigned_org__isnull=False)
        .values(code=F("assigned_org__code"), name=F("assigned_org__name"))
        .annotate(
            numerator=Count("pk", filter=on_time_rate.numerator_filter(as_of)),
            denominator=Count("pk", filter=on_time_rate.denominator_filter(as_of)),
        )
        .filter(denominator__gte=RATE_MIN_DUE)
    )
    worst: list[dict[str, Any]] = []
    for row in rates:
        value = on_time_rate.value(row["numerator"], row["denominator"])
        worst.append({**row, "value": value, "display": display(value, on_time_rate.unit)})
    worst.sort(key=lambda row: (row["value"], -row["denominator"], row["code"]))

    return Oversight(
        now=now,
        totals=totals,
        level_label=str(level.label),
        by_region=by_region,
        by_organization=by_organization,
        supervised=supervised,
        period=period,
        worst_on_time=worst[:TOP_ORGANIZATIONS],
    )
