"""Template helpers of the risk pages."""

from __future__ import annotations

from django import template

from ..choices import LEVEL_BADGE

register = template.Library()


@register.filter
def level_badge(level: str) -> str:
    """The Bootstrap classes of a level's badge (红 danger, 橙 warning, 黄 yellow, 蓝 primary)."""
    return LEVEL_BADGE.get(level, "text-bg-secondary")
