"""Named indicators (统计指标): a written formula, an explicit denominator and a version for every figure.

Most indicators count cases (the case source, below). An indicator may instead declare a `Source`: another
record set (法治护航's suggestions, recovered losses, ratings; workstations, enterprises, experts), with the
filter that makes its period cohort (or, for a stock, its state at the period's end), the field that places a
record in a region, and what is measured — a count of records, or the sum or average of a field over them.
The same rule holds for every source: the figure and the drill-down read one filter (docs/indicators.md).

Cohort (统计队列): the cases registered (登记) in the period [date_from, date_to], local dates in
Asia/Shanghai, both ends inclusive. Every numerator and denominator is a subset of the cohort described by
one Q object over columns of Case, so the figure (a COUNT filtered by it, all indicators in one aggregate
query) and the drill-down (a queryset filtered by the same Q) cannot disagree.

Outcomes (closed, on time, rated …) are read as they stand when the figure is computed: a past period's
rates can still rise while its cases are being closed. The overdue test is made as of the end of the period
or now, whichever is earlier.

应结案数, the denominator of 结案率, 按期结案率 and 超期率, counts the cohort cases that were due (as 数字城管
reports count it): closed, or still open and past their deadline at that instant. An open case whose deadline
has not come yet is left out, so a period's young cases do not pull its rates down (docs/indicators.md).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.cases.choices import Outcome, Satisfaction
from pingan.cases.models import Case, closed_on_time_q, due_q, open_overdue_q
from pingan.core.errors import ApplicationError
from pingan.disputes.choices import KIND as DISPUTE
from pingan.regions.choices import RegionLevel

RATE = "%"
COUNT = "件"
YUAN = "元"  # a sum of money (value: yuan, 2 decimals)
SCORE = "分"  # an average score (value: 2 decimals)
PRECISION = 4
MONEY_PRECISION = 2
# The indicators a summary lists when no group is asked for (the case dashboard's): the cases' and the risk
# register's. Other groups (法治护航's "lawguard") are asked for by name.
DEFAULT_GROUPS = ("", "risks")

# --- periods -------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _is_month_end(day: datetime.date) -> bool:
    return day == _month_end(day.year, day.month)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def _year_earlier(day: datetime.date) -> datetime.date:
    if _is_month_end(day):  # 2024-02-29 → 2023-02-28, 2023-02-28 → 2022-02-28
        return _month_end(day.year - 1, day.month)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Period:
    """A statistics period: local dates, both ends inclusive."""

    date_from: datetime.date
    date_to: datetime.date

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")

    @property
    def start(self) -> datetime.datetime:
        return _local_midnight(self.date_from)

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the period (exclusive)."""
        return _local_midnight(self.date_to + datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def is_whole_months(self) -> bool:
        return self.date_from.day == 1 and _is_month_end(self.date_to)

    def as_of(self, now: datetime.datetime) -> datetime.datetime:
        return min(self.end, now)

    def cohort_q(self) -> Q:
        return self.range_q("registered_at")

    def range_q(self, field: str, *, dates: bool = False) -> Q:
        """Records whose `field` falls in the period: a datetime field by local instants, a date field
        (`dates`) by the dates themselves, both ends inclusive."""
        if dates:
            return Q(**{f"{field}__gte": self.date_from, f"{field}__lte": self.date_to})
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def same_period_last_year(self) -> Period:
        """上年同期: the same dates one year earlier (a month end stays a month end)."""
        return Period(_year_earlier(self.date_from), _year_earlier(self.date_to))

    def previous(self) -> Period:
        """环比的上期: the preceding period of equal length; whole calendar months step back by whole months
        (March → February, Q2 → Q1), any other period by the same number of days."""
        if self.is_whole_months:
            months = (self.date_to.year - self.date_from.year) * 12 + self.date_to.month - self.date_from.month + 1
            prev_to = self.date_from - datetime.timedelta(days=1)
            index = prev_to.year * 12 + prev_to.month - 1 - (months - 1)
            return Period(datetime.date(index // 12, index % 12 + 1, 1), prev_to)
        length = datetime.timedelta(days=self.days)
        return Period(self.date_from - length, self.date_to - length)

    def months(self) -> list[datetime.date]:
        """The first day of every calendar month the period touches."""
        out, year, month = [], self.date_from.year, self.date_from.month
        while (year, month) <= (self.date_to.year, self.date_to.month):
            out.append(datetime.date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def as_dict(self) -> dict[str, str]:
        return {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}


def this_year(today: datetime.date | None = None) -> Period:
    """The default period: 本年累计, 1 January to today (so that 同比 compares like with like)."""
    today = today or timezone.localdate()
    return Period(datetime.date(today.year, 1, 1), today)


# --- the registry --------------------------------------------------------------------------------

FilterFn = Callable[[datetime.datetime], Q]  # as_of → a filter on the cohort


@dataclass(frozen=True)
class Source:
    """A record set an indicator counts, other than the cases (the default source).

    `queryset()` gives every record (the caller narrows it to a user's jurisdiction and a region by
    `region_field`, the region code that places a record); `period_filter(period)` the records of a period:
    a cohort (created in the period) or, for a stock, the state at the period's end; `row(record)` one line
    of the drill-down (id, label, enterprise, region_code, date, value, status); `dimensions` the lookups by
    which the ledger's tables split it ("workstation": the workstation's organisation code, "provider_role")."""

    key: str
    name: str | Promise
    queryset: Callable[[], QuerySet]
    region_field: str
    period_filter: Callable[[Period], Q]
    period_definition: str | Promise
    row: Callable[[Any], dict]
    order_by: tuple[str, ...] = ("id",)
    related: tuple[str, ...] = ()
    dimensions: tuple[tuple[str, str], ...] = ()
    stock: bool = False  # a point-in-time count at the period's end, not a cohort

    def dimension(self, name: str) -> str | None:
        return dict(self.dimensions).get(name)


Records = Callable[[Source], QuerySet]  # a source → its records visible in a scope


@dataclass(frozen=True)
class Indicator:
    """One named indicator. `numerator_filter` and `denominator_filter` take the instant the overdue test is
    made (`as_of`) and return a Q over Case columns that narrows the cohort; a count indicator (件) has no
    denominator and its value is the numerator."""

    code: str
    name: str | Promise
    formula: str | Promise
    numerator_definition: str | Promise
    denominator_definition: str | Promise
    unit: str
    version: str
    numerator_filter: FilterFn
    denominator_filter: FilterFn | None = None
    better: str = "up"  # which way is good news: "up", "down", or "" (a plain count)
    group: str = ""  # "" the cases' indicators; "risks" the risk register's; "lawguard" 法治护航's
    source: Source | None = None  # None: the cases registered in the period
    measure: str = "count"  # "count" of the numerator's records, or "sum"/"avg" of `measure_field` over them
    measure_field: str = ""

    @property
    def source_key(self) -> str:
        return self.source.key if self.source is not None else "case"

    def period_q(self, period: Period) -> Q:
        return period.cohort_q() if self.source is None else self.source.period_filter(period)

    @property
    def has_denominator(self) -> bool:
        return self.denominator_filter is not None

    def numerator(
        self, base: QuerySet[Any], date_from: datetime.date, date_to: datetime.date, *, now=None
    ) -> QuerySet[Any]:
        """The cases (or the source's records) counted in the numerator."""
        period = Period(date_from, date_to)
        return base.filter(self.period_q(period)).filter(self.numerator_filter(period.as_of(now or timezone.now())))

    def denominator(
        self, base: QuerySet[Any], date_from: datetime.date, date_to: datetime.date, *, now=None
    ) -> QuerySet[Any] | None:
        """The cases (or records) counted in the denominator (None for a count indicator)."""
        if self.denominator_filter is None:
            return None
        period = Period(date_from, date_to)
        return base.filter(self.period_q(period)).filter(self.denominator_filter(period.as_of(now or timezone.now())))

    def value(self, numerator: int, denominator: int | None, measured: Any = None) -> float | int | None:
        if self.measure != "count":  # a sum or an average over the numerator's records
            if measured is None:
                return 0 if self.measure == "sum" else None
            return round(float(Decimal(measured)), MONEY_PRECISION)
        if not self.has_denominator:
            return numerator
        if not denominator:
            return None
        return round(numerator / denominator, PRECISION)

    def describe(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": str(self.name),
            "formula": str(self.formula),
            "numerator_definition": str(self.numerator_definition),
            "denominator_definition": str(self.denominator_definition),
            "unit": self.unit,
            "version": self.version,
            "better": self.better,
            "group": self.group,
            "source": self.source_key,
            "measure": self.measure,
        }


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in _REGISTRY:
        raise ValueError(f"indicator {indicator.code} registered twice")
    _REGISTRY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise ApplicationError(_("未知的统计指标:%(code)s") % {"code": code}, field="indicator") from None


def all_indicators(group: str | None = None) -> list[Indicator]:
    """The indicators of one group ("" the cases', "risks" the risk register's, "lawguard" 法治护航's), or
    (None) those of the case dashboard's groups, DEFAULT_GROUPS, all counted over cases."""
    groups = DEFAULT_GROUPS if group is None else (group,)
    return [ind for ind in _REGISTRY.values() if ind.group in groups]


def every_indicator() -> list[Indicator]:
    return list(_REGISTRY.values())


def groups() -> list[str]:
    return list(dict.fromkeys(ind.group for ind in _REGISTRY.values()))


def _cohort(as_of) -> Q:
    return Q()


def _closed(as_of) -> Q:
    return Q(closed_at__isnull=False)


def _open_overdue(as_of) -> Q:
    return open_overdue_q(as_of)


def _due(as_of) -> Q:
    """应结案: closed, or still open and past its deadline at `as_of`; an open case not yet due is left out."""
    return due_q(as_of)


DUE_DEFINITION = gettext_lazy(
    "应结案数:统计队列中已结案的案件,加上截至统计期末(或当前,取较早者)仍未结案且已过办理期限的案件;"
    "未到办理期限的在办案件不计入"
)


register(
    Indicator(
        code="received",
        name=gettext_lazy("受理数"),
        formula=gettext_lazy("受理数 = 统计期内登记的案件数"),
        numerator_definition=gettext_lazy("登记时间在统计期内的案件(统计队列)"),
        denominator_definition="",
        unit=COUNT,
        version="1.0",
        better="",
        numerator_filter=_cohort,
    )
)
register(
    Indicator(
        code="closed",
        name=gettext_lazy("结案数"),
        formula=gettext_lazy("结案数 = 统计期内登记且已结案的案件数"),
        numerator_definition=gettext_lazy("统计队列中已结案(有结案时间)的案件"),
        denominator_definition="",
        unit=COUNT,
        version="1.0",
        better="",
        numerator_filter=_closed,
    )
)
register(
    Indicator(
        code="closure_rate",
        name=gettext_lazy("结案率"),
        formula=gettext_lazy("结案率 = 结案数 ÷ 应结案数"),
        numerator_definition=gettext_lazy("结案数:统计队列中已结案的案件"),
        denominator_definition=DUE_DEFINITION,
        unit=RATE,
        version="2.0",
        numerator_filter=_closed,
        denominator_filter=_due,
    )
)
register(
    Indicator(
        code="on_time_rate",
        name=gettext_lazy("按期结案率"),
        formula=gettext_lazy("按期结案率 = 按期结案数 ÷ 应结案数"),
        numerator_definition=gettext_lazy("按期结案数:统计队列中已结案且结案时未超过办理期限的案件"),
        denominator_definition=DUE_DEFINITION,
        unit=RATE,
        version="2.0",
        numerator_filter=lambda as_of: closed_on_time_q(),
        denominator_filter=_due,
    )
)
register(
    Indicator(
        code="mediation_success_rate",
        name=gettext_lazy("调解成功率"),
        formula=gettext_lazy("调解成功率 = 调解成功数 ÷ 调解终结数"),
        numerator_definition=gettext_lazy("调解成功数:统计队列中调解结果为“成功”的矛盾纠纷"),
        denominator_definition=gettext_lazy("调解终结数:统计队列中调解已终结(结果为成功或不成功)的矛盾纠纷"),
        unit=RATE,
        version="1.0",
        numerator_filter=lambda as_of: Q(kind=DISPUTE, outcome=Outcome.SUCCESS),
        denominator_filter=lambda as_of: Q(kind=DISPUTE, outcome__in=[Outcome.SUCCESS, Outcome.FAILURE]),
    )
)
register(
    Indicator(
        code="satisfaction_rate",
        name=gettext_lazy("满意率"),
        formula=gettext_lazy("满意率 = (满意数 + 基本满意数) ÷ 回访数"),
        numerator_definition=gettext_lazy("统计队列中回访评价为“满意”或“基本满意”的案件"),
        denominator_definition=gettext_lazy("回访数:统计队列中已回访评价的案件"),
        unit=RATE,
        version="1.0",
        numerator_filter=lambda as_of: Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]),
        denominator_filter=lambda as_of: Q(satisfaction__in=Satisfaction.values),
    )
)
register(
    Indicator(
        code="overdue_rate",
        name=gettext_lazy("超期率"),
        formula=gettext_lazy("超期率 = 超期数 ÷ 应结案数"),
        numerator_definition=gettext_lazy(
            "超期数:统计队列中超期结案的案件,加上截至统计期末(或当前,取较早者)未结案且已过办理期限的案件"
        ),
        denominator_definition=DUE_DEFINITION,
        unit=RATE,
        version="2.0",
        # A case closed late is counted by its frozen verdict; an open one by its deadline at `as_of`.
        # (One open at `as_of` and closed later was necessarily closed late, so nothing is counted twice.)
        # Both parts are due, so the numerator stays inside the denominator.
        numerator_filter=lambda as_of: Q(closed_at__isnull=False, on_time=False) | _open_overdue(as_of),
        denominator_filter=_due,
        better="down",
    )
)
register(
    Indicator(
        code="rework_rate",
        name=gettext_lazy("返工率"),
        formula=gettext_lazy("返工率 = 返工案件数 ÷ 核查案件数"),
        numerator_definition=gettext_lazy("返工案件数:统计队列中至少一次核查不通过、被退回重办的案件"),
        denominator_definition=gettext_lazy("核查案件数:统计队列中经过核查的案件(核查通过,或至少一次核查不通过被退回)"),
        unit=RATE,
        version="1.0",
        # The denominator counts a case sent back and not yet re-verified too, so the rate cannot pass 100%.
        numerator_filter=lambda as_of: Q(rework_count__gt=0),
        denominator_filter=lambda as_of: Q(verified_at__isnull=False) | Q(rework_count__gt=0),
        better="down",
    )
)

# --- computing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: int
    denominator: int | None
    measured: Any = None  # the sum or average, for an indicator that measures a field

    @property
    def value(self) -> float | int | None:
        return self.indicator.value(self.numerator, self.denominator, self.measured)


def _resolve(codes: Iterable[str] | None) -> list[Indicator]:
    return all_indicators() if codes is None else [get(code) for code in codes]


def measure_aggregate(ind: Indicator, condition: Q) -> Sum | Avg:
    """The sum or average of the indicator's field over the records `condition` selects."""
    return (Sum if ind.measure == "sum" else Avg)(ind.measure_field, filter=condition)


def _records(records: Records | None, source: Source) -> QuerySet:
    if records is None:
        raise ValueError(f"indicators of the source {source.key} need the records of a scope")
    return records(source)


def evaluate(
    base: QuerySet[Case],
    periods: Mapping[str, Period],
    *,
    codes: Iterable[str] | None = None,
    now: datetime.datetime | None = None,
    records: Records | None = None,
) -> dict[str, dict[str, Figure]]:
    """Every indicator for every period: {period name: {code: Figure}}. The case indicators in ONE aggregate
    query over `base`; those of another source in one query per source, over `records(source)`."""
    indicators = _resolve(codes)
    now = now or timezone.now()
    by_source: dict[str, list[Indicator]] = {}
    for ind in indicators:
        by_source.setdefault(ind.source_key, []).append(ind)
    counts: dict[str, Any] = {}
    for members in by_source.values():
        source = members[0].source
        queryset = base if source is None else _records(records, source)
        aggregates: dict[str, Any] = {}
        any_period = Q(pk__in=[])
        for index, period in enumerate(periods.values()):
            cohort, as_of = members[0].period_q(period), period.as_of(now)
            any_period |= cohort
            for ind in members:
                numerator = cohort & ind.numerator_filter(as_of)
                aggregates[f"p{index}_{ind.code}_n"] = Count("pk", filter=numerator)
                if ind.denominator_filter is not None:
                    aggregates[f"p{index}_{ind.code}_d"] = Count("pk", filter=cohort & ind.denominator_filter(as_of))
                if ind.measure != "count":
                    aggregates[f"p{index}_{ind.code}_m"] = measure_aggregate(ind, numerator)
        if aggregates:
            counts.update(queryset.filter(any_period).aggregate(**aggregates))
    return {
        name: {
            ind.code: Figure(
                ind,
                counts[f"p{index}_{ind.code}_n"] or 0,
                (counts[f"p{index}_{ind.code}_d"] or 0) if ind.has_denominator else None,
                counts.get(f"p{index}_{ind.code}_m"),
            )
            for ind in indicators
        }
        for index, name in enumerate(periods)
    }


def _change(value, reference) -> tuple[float | None, float | None]:
    """(relative change, absolute difference) of a value against a reference value."""
    if value is None or reference is None:
        return None, None
    difference = round(value - reference, PRECISION)
    relative = round((value - reference) / reference, PRECISION) if reference else None
    return relative, difference


def display(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == RATE:
        return f"{value * 100:.2f}%"
    if unit == YUAN:
        return f"{value:,.2f}{unit}"
    if unit == SCORE:
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


def summary(
    base: QuerySet[Case],
    period: Period,
    *,
    codes: Iterable[str] | None = None,
    now: datetime.datetime | None = None,
    records: Records | None = None,
) -> dict:
    """Indicators for a period with 同比 and 环比, in one query (per source).

    For each indicator: `yoy_value` is the value of the same period last year, `yoy` the relative change
    (本期 − 上年同期) ÷ 上年同期, `yoy_change` the difference (for rates: in ratio units, ×100 = percentage
    points, the honest comparison for rates); `mom_*` the same against the previous period."""
    last_year, previous = period.same_period_last_year(), period.previous()
    figures = evaluate(
        base, {"current": period, "yoy": last_year, "mom": previous}, codes=codes, now=now, records=records
    )
    results = []
    for code, figure in figures["current"].items():
        ind, value = figure.indicator, figure.value
        yoy_value, mom_value = figures["yoy"][code].value, figures["mom"][code].value
        yoy, yoy_change = _change(value, yoy_value)
        mom, mom_change = _change(value, mom_value)
        results.append(
            {
                **ind.describe(),
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "value": value,
                "display": display(value, ind.unit),
                "yoy_value": yoy_value,
                "yoy": yoy,
                "yoy_change": yoy_change,
                "mom_value": mom_value,
                "mom": mom,
                "mom_change": mom_change,
            }
        )
    return {
        **period.as_dict(),
        "yoy_period": last_year.as_dict(),
        "mom_period": previous.as_dict(),
        "indicators": results,
    }


# --- breakdowns -----------------------------------------------------------------------------------

BREAKDOWN_CODES = ("received", "closed", "closure_rate", "mediation_success_rate", "satisfaction_rate")
# Region breakdowns: the level of the tree and how many leading digits of the region code name it.
REGION_BREAKDOWNS = {
    "district": (RegionLevel.COUNTY, 6),
    "township": (RegionLevel.TOWNSHIP, 9),
    "community": (RegionLevel.COMMUNITY, 12),
    "grid": (RegionLevel.GRID, 15),
}
BREAKDOWNS = (*REGION_BREAKDOWNS, "category", "month")


def breakdown(base: QuerySet[Case], period: Period, by: str, *, now: datetime.datetime | None = None) -> list[dict]:
    """The breakdown indicators per county-level district (区县, first 6 digits of the region code), township
    (乡镇街道, first 9), community (村社区, first 12), grid cell (网格, 15), category or calendar month
    (Asia/Shanghai), in one grouped query (plus one for region names). Cases registered at a region above
    the level (a township's own cases in a breakdown by community) form a row of that region, "(本级)"."""
    from pingan.regions.models import Region

    if by not in BREAKDOWNS:
        raise ApplicationError(_("分组方式应为:%(choices)s") % {"choices": "、".join(BREAKDOWNS)}, field="by")
    now = now or timezone.now()
    as_of = period.as_of(now)
    indicators = [get(code) for code in BREAKDOWN_CODES]
    aggregates = {}
    for ind in indicators:
        aggregates[f"{ind.code}_n"] = Count("pk", filter=ind.numerator_filter(as_of))
        if ind.denominator_filter is not None:
            aggregates[f"{ind.code}_d"] = Count("pk", filter=ind.denominator_filter(as_of))
    cohort = base.filter(period.cohort_q())
    grouped: QuerySet[Any, Any]  # values() rows of one of the groupings
    if by == "category":
        grouped = cohort.annotate(key=F("category__code"), label=F("category__name")).values("key", "label")
    elif by == "month":
        tz = timezone.get_default_timezone()
        grouped = cohort.annotate(key=TruncMonth("registered_at", tzinfo=tz)).values("key")
    else:
        grouped = cohort.annotate(key=Substr("region_code", 1, REGION_BREAKDOWNS[by][1])).values("key")
    raw: list[Any] = list(grouped.annotate(**aggregates).order_by("key"))

    def row(key: str, label: str, counts: Mapping) -> dict:
        figures = {
            ind.code: Figure(
                ind,
                counts.get(f"{ind.code}_n") or 0,
                (counts.get(f"{ind.code}_d") or 0) if ind.has_denominator else None,
            )
            for ind in indicators
        }
        return {
            "key": key,
            "label": label,
            **{code: figure.value for code, figure in figures.items()},
            "figures": {
                code: {"numerator": f.numerator, "denominator": f.denominator, "value": f.value}
                for code, f in figures.items()
            },
        }

    if by == "month":
        by_month = {
            timezone.localtime(r["key"], tz).strftime("%Y-%m")
            if isinstance(r["key"], datetime.datetime)
            else r["key"].strftime("%Y-%m"): r
            for r in raw
        }
        return [
            row(
                f"{m:%Y-%m}",
                _("%(year)d年%(month)d月") % {"year": m.year, "month": m.month},
                by_month.get(f"{m:%Y-%m}", {}),
            )
            for m in period.months()
        ]
    if by == "category":
        rows = [row(r["key"], r["label"], r) for r in raw]
        return sorted(rows, key=lambda r: (-r["received"], r["key"]))
    level = REGION_BREAKDOWNS[by][0]
    labels = {
        code: name if region_level >= level else _("%(name)s(本级)") % {"name": name}
        for code, name, region_level in Region.objects.filter(code__in=[r["key"] for r in raw]).values_list(
            "code", "name", "level"
        )
    }
    return [row(r["key"], labels.get(r["key"], r["key"]), r) for r in raw]


# --- drill-down -----------------------------------------------------------------------------------

PARTS = ("numerator", "denominator")


def drilldown(
    base: QuerySet[Case],
    period: Period,
    code: str,
    part: str,
    *,
    now: datetime.datetime | None = None,
    records: Records | None = None,
) -> QuerySet:
    """The exact cases (or, for another source, records) behind an indicator's numerator or denominator (the
    same filter the count used)."""
    indicator = get(code)
    if part not in PARTS:
        raise ApplicationError(_("part 应为 numerator(分子)或 denominator(分母)"), field="part")
    source = indicator.source
    if source is not None:
        base = _records(records, source)
    found: QuerySet | None
    if part == "numerator":
        found = indicator.numerator(base, period.date_from, period.date_to, now=now)
    else:
        found = indicator.denominator(base, period.date_from, period.date_to, now=now)
        if found is None:
            raise ApplicationError(_("指标“%(name)s”是计数指标,没有分母") % {"name": indicator.name}, field="part")
    if source is not None:
        found = found.select_related(*source.related) if source.related else found
        return found.order_by(*source.order_by)
    return found.order_by("registered_at", "id")


# The risk register's indicators (风险防控) and 法治护航's register themselves like the ones above.
from . import lawguard_indicators, risk_indicators  # noqa: E402, F401
