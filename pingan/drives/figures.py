"""A drive's figures: found (排查), mediated (调解终结), successful (调解成功) and the success rate, in total,
by region (the level below the region looked at) and by week of registration; and the drill-down to the very
cases behind each number.

Every figure is a filter (a Q over Case columns) applied to the drive's cases (`Drive.cases_q`, narrowed to
the user's jurisdiction): the count is a COUNT filtered by it — all figures of a table in ONE aggregate query —
and the drill-down is the same queryset filtered by the same Q, so the two cannot disagree.

The definitions are the statistics' (docs/indicators.md, 调解成功率 v1.0): 调解终结数 = the disputes whose
mediation concluded (outcome 成功 or 不成功), 调解成功数 = those concluded with an agreement; a case sent
back by verification (outcome cleared) is not counted until it concludes again. One thing is added for a
time-boxed drive: the conclusion must have been reached by the drive's end (`Drive.as_of`: its end, or now
while it runs — the statistics' as-of rule). While a drive runs, its figures therefore equal the statistics'
for the same window and scope; once it has ended, what is concluded later no longer counts towards it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.cases.choices import Outcome
from pingan.cases.models import Case
from pingan.core.errors import ApplicationError
from pingan.disputes.choices import KIND as DISPUTE
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

from .models import Drive, local_midnight

PRECISION = 4  # rates as ratios rounded to 4 places, as the statistics do

FIGURES = ("found", "mediated", "successful")
FIGURE_NAMES = {
    "found": gettext_lazy("排查数"),
    "mediated": gettext_lazy("调解终结数"),
    "successful": gettext_lazy("调解成功数"),
}
FIGURE_DEFINITIONS = {
    "found": gettext_lazy(
        "计入专项行动的案件:期间内登记、属于目标类型和类别、位于排查区域的案件,加手工纳入、减手工排除的案件"
    ),
    "mediated": gettext_lazy("其中调解已终结(结果为成功或不成功)、且终结于专项行动结束前的矛盾纠纷"),
    "successful": gettext_lazy("其中调解成功、且终结于专项行动结束前的矛盾纠纷"),
}
BREAKDOWNS = ("region", "week")

# The code length of the regions one level below a region (a grid cell stands for itself).
LEVEL_BELOW_LENGTH: dict[int, int] = {
    RegionLevel.PROVINCE: 6,
    RegionLevel.CITY: 6,
    RegionLevel.COUNTY: 9,
    RegionLevel.TOWNSHIP: 12,
    RegionLevel.COMMUNITY: 15,
    RegionLevel.GRID: 15,
}


def figure_q(code: str, as_of: datetime.datetime) -> Q:
    """The filter of one figure over the drive's cases."""
    if code == "found":
        return Q()
    concluded = Q(kind=DISPUTE, resolved_at__lt=as_of)
    if code == "mediated":
        return concluded & Q(outcome__in=[Outcome.SUCCESS, Outcome.FAILURE])
    if code == "successful":
        return concluded & Q(outcome=Outcome.SUCCESS)
    raise ApplicationError(_("figure 应为:%(choices)s") % {"choices": "、".join(FIGURES)}, field="figure")


def rate(successful: int, mediated: int) -> float | None:
    """调解成功率 = 调解成功数 ÷ 调解终结数 (None when nothing concluded)."""
    return round(successful / mediated, PRECISION) if mediated else None


def display(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _aggregates(as_of: datetime.datetime) -> dict[str, Count]:
    return {code: Count("pk", filter=figure_q(code, as_of)) for code in FIGURES}


def _figures(counts: Mapping[str, Any]) -> dict[str, Any]:
    found, mediated, successful = (counts.get(code) or 0 for code in FIGURES)
    value = rate(successful, mediated)
    return {
        "found": found,
        "mediated": mediated,
        "successful": successful,
        "success_rate": value,
        "success_rate_display": display(value),
    }


def drive_cases(drive: Drive, visible: QuerySet[Case]) -> QuerySet[Case]:
    """The drive's cases among `visible` (the user's jurisdiction, `cases_visible_to`)."""
    return visible.filter(drive.cases_q())


def totals(drive: Drive, cases: QuerySet[Case], *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The drive's figures, in one aggregate query."""
    as_of = drive.as_of(now)
    return {**_figures(cases.aggregate(**_aggregates(as_of))), "as_of": as_of}


# --- breakdowns -----------------------------------------------------------------------------------


def area_length(region: Region) -> int:
    return LEVEL_BELOW_LENGTH[region.level]


def by_region(drive: Drive, cases: QuerySet[Case], region: Region, *, now=None) -> list[dict[str, Any]]:
    """The figures by the regions one level below `region` (the first digits of the case's region code), in
    one grouped query (plus one for the names). Cases registered at a region above that level form a row of
    their own, "(本级)". A row's `key` is what the drill-down's `area` takes."""
    length = area_length(region)
    grouped = (
        cases.filter(region_code__startswith=region.prefix)
        .annotate(key=Substr("region_code", 1, length))
        .values("key")
        .annotate(**_aggregates(drive.as_of(now)))
        .order_by("key")
    )
    raw = list(grouped)
    names = {
        code: (name, level)
        for code, name, level in Region.objects.filter(code__in=[r["key"] for r in raw]).values_list(
            "code", "name", "level"
        )
    }
    rows = []
    for r in raw:
        name, level = names.get(r["key"], (r["key"], RegionLevel.GRID))
        own = len(r["key"]) < length or level <= region.level
        rows.append(
            {
                "key": r["key"],
                "label": _("%(name)s(本级)") % {"name": name} if own else name,
                "drillable": not own and level < RegionLevel.GRID,
                **_figures(r),
            }
        )
    return rows


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def by_week(drive: Drive, cases: QuerySet[Case], *, now=None) -> list[dict[str, Any]]:
    """The figures by week of registration (Monday to Sunday, Asia/Shanghai), in one grouped query. Every week
    of the drive's window is listed (weeks without cases are 0), and any week outside it where a case tagged
    in by hand was registered."""
    tz = timezone.get_default_timezone()
    grouped = (
        cases.annotate(key=TruncWeek("registered_at", tzinfo=tz))
        .values("key")
        .annotate(**_aggregates(drive.as_of(now)))
    )
    counted: dict[datetime.date, Mapping[str, Any]] = {}
    for r in grouped:
        key = r["key"]
        day = timezone.localtime(key, tz).date() if isinstance(key, datetime.datetime) else key
        counted[day] = r
    weeks = []
    monday = _monday(drive.start_date)
    while monday <= drive.end_date:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    weeks = sorted(set(weeks) | set(counted))
    return [
        {
            "key": week.isoformat(),
            "label": _("%(month)d月%(day)d日起") % {"month": week.month, "day": week.day},
            "week_start": week,
            "week_end": week + datetime.timedelta(days=6),
            **_figures(counted.get(week, {})),
        }
        for week in weeks
    ]


def week_q(value: str) -> Q:
    """The cases registered in the week starting on Monday `value` (YYYY-MM-DD), local time."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(_("week 应为某周星期一的日期(YYYY-MM-DD)"), field="week") from None
    if day.weekday() != 0:
        raise ApplicationError(_("week 应为某周星期一的日期(YYYY-MM-DD)"), field="week")
    start = local_midnight(day)
    return Q(registered_at__gte=start, registered_at__lt=local_midnight(day + datetime.timedelta(days=7)))


def drilldown(
    drive: Drive,
    cases: QuerySet[Case],
    *,
    figure: str = "found",
    region: Region | None = None,
    area: str = "",
    week: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[Case]:
    """The very cases behind a number: a figure, optionally of one row of the region breakdown under
    `region` (`area`, the row's key: the same Substr the grouping used) or of one week."""
    selected = cases.filter(figure_q(figure, drive.as_of(now)))
    if area:
        if region is None or not area.startswith(region.prefix):
            raise ApplicationError(_("area 须为所选区划下的分组代码"), field="area")
        selected = selected.annotate(area=Substr("region_code", 1, area_length(region))).filter(
            region_code__startswith=region.prefix, area=area
        )
    if week:
        selected = selected.filter(week_q(week))
    return selected.order_by("registered_at", "id")
