"""Template helpers of the staff UI: SLA light badges, state labels, Bootstrap form widgets, readable
timeline parameters, and links that may not exist yet (optional apps)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django import forms, template
from django.urls import resolve, reverse
from django.utils.html import format_html

from pingan.accounts.access import may_open
from pingan.cases import timeline, workflows
from pingan.cases.choices import Light
from pingan.core.errors import ApplicationError

if TYPE_CHECKING:
    from django.forms import BoundField
    from django.template import Context
    from django.utils.safestring import SafeString
    from django_filters import FilterSet

    from pingan.cases.models import Case, CaseEvent

register = template.Library()


class HasLight(Protocol):
    """A case or one of its clocks: what shows a light (正常 / 临期 / 超期 / 挂起 / 已结案)."""

    def light(self) -> str: ...


LIGHT_CLASSES: dict[str, str] = {
    Light.GREEN: "text-bg-success",
    Light.YELLOW: "text-bg-warning",
    Light.RED: "text-bg-danger",
    Light.PAUSED: "text-bg-info",
    Light.DONE: "text-bg-secondary",
}


@register.simple_tag
def light_badge(case_or_light: str | HasLight) -> SafeString:
    """A coloured badge for a case's SLA light (正常 / 临期 / 超期 / 已结案)."""
    light = case_or_light if isinstance(case_or_light, str) else case_or_light.light()
    return format_html(
        '<span class="badge {} light-badge" data-light="{}">{}</span>',
        LIGHT_CLASSES.get(light, "text-bg-light"),
        light,
        Light(light).label if light in Light.values else light,
    )


@register.filter
def status_label(case: Case) -> str:
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
def can_open(context: Context, url_name: str) -> bool:
    """Whether the signed-in user may open the page named `url_name`: the very test the page applies
    (accounts.access), so the navigation never offers what would be refused."""
    return may_open(context["request"].user, resolve(reverse(url_name)).func)


@register.simple_tag(takes_context=True)
def unread_notifications(context: Context) -> int:
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
def bs(bound_field: BoundField) -> SafeString:
    """Render a bound field's widget with Bootstrap classes (and is-invalid when it has errors)."""
    classes = [_widget_class(bound_field.field.widget)]
    existing = bound_field.field.widget.attrs.get("class", "")
    if existing:
        classes.append(existing)
    if bound_field.errors:
        classes.append("is-invalid")
    attrs: dict[str, str | bool] = {"class": " ".join(c for c in classes if c)}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_filtered(filterset: FilterSet) -> bool:
    """Whether a list's filter form narrows the list (its folded 筛选 button then says 已筛选)."""
    data = filterset.data
    return filterset.is_bound and data is not None and any(data.get(name) for name in filterset.filters)


@register.filter
def is_checkbox(bound_field: BoundField) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


# --- timeline parameters ---------------------------------------------------------------------------


@register.simple_tag
def event_params(event: CaseEvent) -> list[tuple[str, str]]:
    """The event's parameters as (label, text) pairs a person can read (see cases.timeline)."""
    return timeline.event_params(event)
