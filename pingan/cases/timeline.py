"""How a timeline event's parameters read on the page: (label, text) pairs.

The engine labels its own parameters here; each kind adds its own through `Workflow.param_labels`, using
the formatters below (`when`, `label_of`, `money`, `yes_no`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from . import workflows
from .choices import Channel, ClockUnit, EventType, FollowUpMethod, RoutingBasis, Satisfaction

if TYPE_CHECKING:
    from .models import CaseEvent


def yes_no(value: Any) -> str:
    return str(_("是") if value else _("否"))


def when(value: Any) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if isinstance(parsed, datetime.datetime):
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    return str(value)


def label_of(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    def render(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return render


def money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _location(value: Any) -> str:
    """How intake placed the case: located to a grid cell from a point, or by the chosen region."""
    if not isinstance(value, dict):
        return str(value)
    systems = {"wgs84": "WGS-84", "gcj02": _("GCJ-02(国测局坐标)"), "bd09": _("BD-09(百度坐标)")}
    if value.get("resolved_by") == "grid":
        system = value.get("coord_system", "")
        return str(
            _("按定位点落入网格 %(grid)s(%(system)s)")
            % {"grid": value.get("grid", ""), "system": systems.get(system, system)}
        )
    if value.get("given"):
        return str(_("定位点不在任何网格内,按所选区划登记"))
    return str(_("按所选区划登记"))


# key → (label, formatter). Keys not listed here (nor by a kind) are internal: ids, codes shown by name.
PARAM_LABELS: dict[str, tuple[Any, Callable[[Any], str]]] = {
    "location": (_("定位"), _location),
    "channel": (_("受理渠道"), label_of(Channel)),
    "intake_org": (_("登记单位代码"), str),
    "from_org_name": (_("原承办单位"), str),
    "to_org_name": (_("承办单位"), str),
    "basis": (_("分流依据"), label_of(RoutingBasis)),
    "deadline": (_("办理期限"), when),
    "count": (_("督办次数"), str),
    "amount": (_("金额(元)"), money),
    "unit": (_("单位"), label_of(ClockUnit)),
    "approved": (_("审批结果"), lambda v: str(_("同意") if v else _("不同意"))),
    "passed": (_("核查结论"), lambda v: str(_("通过") if v else _("不通过"))),
    "rework_count": (_("返工次数"), str),
    "on_time": (_("按期办结"), yes_no),
    "satisfaction": (_("满意度"), label_of(Satisfaction)),
    "method": (_("回访方式"), label_of(FollowUpMethod)),
    "name": (_("文件"), str),
    "clock_labels": (_("时限"), str),
    "remaining": (_("剩余时限"), str),
    "period_start": (_("不计时期间自"), when),
    "period_end": (_("至"), when),
}

# A key that means something specific for an event type: (event type, key) → (label, formatter).
TYPE_PARAM_LABELS: dict[tuple[str, str], tuple[Any, Callable[[Any], str]]] = {
    (EventType.ROUTED, "to_org_name"): (_("分流至"), str),
    (EventType.EXTENSION_REQUESTED, "amount"): (_("延期时长"), str),
    (EventType.EXTENSION_DECIDED, "amount"): (_("延期时长"), str),
}


def event_params(event: CaseEvent) -> list[tuple[str, str]]:
    """The event's parameters as (label, text) pairs a person can read."""
    labels = {**PARAM_LABELS, **workflows.param_labels()}
    rows = []
    for key, value in (event.params or {}).items():
        if value in ("", None):
            continue
        entry = TYPE_PARAM_LABELS.get((event.type, key)) or labels.get(key)
        if entry is None:
            continue
        label, formatter = entry
        rows.append((str(label), str(formatter(value))))
    return rows
