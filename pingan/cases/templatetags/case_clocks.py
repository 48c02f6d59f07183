"""The case page's clocks card (时限): every clock of the case with its light, its deadline or the time it has
left while paused, and the periods that do not count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from pingan.cases.clocks import case_clocks

if TYPE_CHECKING:
    from pingan.cases.models import Case

register = template.Library()


@register.inclusion_tag("cases/partials/clocks.html")
def clocks_card(case: Case) -> dict[str, Any]:
    return {"case": case, "clocks": case_clocks(case)}
