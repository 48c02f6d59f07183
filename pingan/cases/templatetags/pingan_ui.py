"""Template helpers of the staff UI: SLA light badges, state labels, Bootstrap form widgets, readable
timeline parameters, and links that may not exist yet (optional apps)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import forms, template
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pingan.accounts.access import may_open
from pingan.cases import workflows
from pingan.cases.choices import (
    Channel,
    ClockUnit,
    EventType,
    FollowUpMethod,
    Light,
    Outcome,
    RoutingBasis,
    Satisfaction,
)
from pingan.core.errors import ApplicationError

register = template.Library()

LIGHT_CLASSES = {
    Light.GREEN: "text-bg-success",
    Light.YELLOW: "text-bg-warning",
    Light.RED: "text-bg-danger",
    Light.DONE: "text-bg-secondary",
}


@register.simple_tag
def light_badge(case_or_light) -> str:
    """A coloured badge for a case's SLA light (正常 / 临期 / 超期 / 已结案)."""
    light = case_or_light if isinstance(case_or_light, str) else case_or_light.light()
    return format_html(
        '<span class="badge {} light-badge" data-light="{}">{}</span>',
        LIGHT_CLASSES.get(light, "text-bg-light"),
        light,
        Light(light).label if light in Light.values else light,
    )


@register.filter
def status_label(case) -> str:
    """The case's state in its kind's words (e.g. 调解中)."""
    return state_label(case.status, case.kind)


@register.simple_tag
def state_label(value: str, kind: str) -> str:
    if not value:
        return ""
    try:
        return workflows.get(kind).state_label(value)
    except ApplicationError:
        return value


@register.filter
def kind_label(kind: str) -> str:
    try:
        return str(workflows.get(kind).label)
    except ApplicationError:
        return kind


@register.simple_tag(takes_context=True)
def can_open(context, url_name: str) -> bool:
    """Whether the signed-in user may open the page named `url_name`: the very test the page applies
    (accounts.access), so the navigation never offers what would be refused."""
    return may_open(context["request"].user, resolve(reverse(url_name)).func)


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many reminders the signed-in user has not read (shown in the navigation bar)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from pingan.cases.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- Bootstrap form rendering ----------------------------------------------------------------------


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.filter
def bs(bound_field):
    """Render a bound field's widget with Bootstrap classes (and is-invalid when it has errors)."""
    classes = [_widget_class(bound_field.field.widget)]
    existing = bound_field.field.widget.attrs.get("class", "")
    if existing:
        classes.append(existing)
    if bound_field.errors:
        classes.append("is-invalid")
    attrs = {"class": " ".join(c for c in classes if c)}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_filtered(filterset) -> bool:
    """Whether a list's filter form narrows the list (its folded 筛选 button then says 已筛选)."""
    return filterset.is_bound and any(filterset.data.get(name) for name in filterset.filters)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


# --- timeline parameters ---------------------------------------------------------------------------


def _yes_no(value) -> str:
    return _("是") if value else _("否")


def _when(value) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if isinstance(parsed, datetime.datetime):
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _label_of(choices):
    def render(value) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return render


def _money(value) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _advised_route(value) -> str:
    from pingan.disputes.choices import AdvisedRoute

    return _label_of(AdvisedRoute)(value) if value else ""


# key → (label, formatter). Keys not listed here are internal (ids, codes shown by name elsewhere).
def _location(value) -> str:
    """How intake placed the case: located to a grid cell from a point, or by the chosen region."""
    if not isinstance(value, dict):
        return str(value)
    systems = {"wgs84": "WGS-84", "gcj02": _("GCJ-02(国测局坐标)"), "bd09": _("BD-09(百度坐标)")}
    if value.get("resolved_by") == "grid":
        return _("按定位点落入网格 %(grid)s(%(system)s)") % {
            "grid": value.get("grid", ""),
            "system": systems.get(value.get("coord_system"), value.get("coord_system", "")),
        }
    if value.get("given"):
        return _("定位点不在任何网格内,按所选区划登记")
    return _("按所选区划登记")


PARAM_LABELS = {
    "location": (_("定位"), _location),
    "channel": (_("受理渠道"), _label_of(Channel)),
    "intake_org": (_("登记单位代码"), str),
    "from_org_name": (_("原承办单位"), str),
    "to_org_name": (_("承办单位"), str),
    "basis": (_("分流依据"), _label_of(RoutingBasis)),
    "deadline": (_("办理期限"), _when),
    "count": (_("督办次数"), str),
    "amount": (_("时长/金额"), str),
    "unit": (_("单位"), _label_of(ClockUnit)),
    "approved": (_("审批结果"), lambda v: _("同意") if v else _("不同意")),
    "mediator_name": (_("调解员"), str),
    "held_at": (_("调解时间"), _when),
    "outcome": (_("调解结果"), _label_of(Outcome)),
    "advised_route": (_("引导途径"), _advised_route),
    "passed": (_("核查结论"), lambda v: _("通过") if v else _("不通过")),
    "rework_count": (_("返工次数"), str),
    "on_time": (_("按期办结"), _yes_no),
    "satisfaction": (_("满意度"), _label_of(Satisfaction)),
    "method": (_("回访方式"), _label_of(FollowUpMethod)),
    "court_name": (_("受理法院"), str),
    "child_number": (_("后续案件"), str),
    "route": (_("途径"), _advised_route),
    "name": (_("文件"), str),
}

# Which keys to show for an event type when a key means something specific to it.
AMOUNT_LABELS = {
    EventType.EXTENSION_REQUESTED: _("延期时长"),
    EventType.EXTENSION_DECIDED: _("延期时长"),
}


@register.simple_tag
def event_params(event) -> list[tuple[str, str]]:
    """The event's parameters as (label, text) pairs a person can read."""
    params = event.params or {}
    rows = []
    for key, value in params.items():
        if key not in PARAM_LABELS or value in ("", None):
            continue
        label, formatter = PARAM_LABELS[key]
        if key == "to_org_name" and event.type == EventType.ROUTED:
            label = _("分流至")
        if key == "amount":
            label, formatter = (
                (AMOUNT_LABELS[event.type], str) if event.type in AMOUNT_LABELS else (_("金额(元)"), _money)
            )
        rows.append((str(label), str(formatter(value))))
    return rows
