"""Template filters of the risk register's links outward: level colours and names, the matrix for the
level preview."""

from __future__ import annotations

import json

from django import template

from pingan.risks.choices import RiskLevel

register = template.Library()

# Bootstrap classes per level: 红 / 橙 / 黄 / 蓝 (the map's colours are in map.risk_layer.LEVEL_COLOURS).
LEVEL_CLASSES = {
    RiskLevel.RED: "text-bg-danger",
    RiskLevel.ORANGE: "text-bg-warning",
    RiskLevel.YELLOW: "bg-warning-subtle text-warning-emphasis border border-warning",
    RiskLevel.BLUE: "text-bg-primary",
}


@register.filter
def level_class(level: str) -> str:
    return LEVEL_CLASSES.get(level, "text-bg-secondary")  # type: ignore[call-overload]


@register.filter
def level_text(level: str) -> str:
    try:
        return str(RiskLevel(level).label)
    except ValueError:
        return level or "—"


@register.filter
def matrix_json(cells: list[list[str]]) -> str:
    """The matrix as JSON for a data- attribute (the template escapes it)."""
    return json.dumps(cells)
