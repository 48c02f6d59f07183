"""What the risk register's links outward plug into the engine, called from the risks app's `ready()`: the
timeline events of raising, a panel on dispute and incident pages (the risks raised from the case, and
升级为风险 for those who may register risks there), and the origin panel on a risk's page. Neither the
disputes nor the incidents app imports risks: the panels are `cases.extensions` naming their kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingan.cases.extensions import DetailExtension, register_detail_extension

from .choices import KIND

if TYPE_CHECKING:
    from pingan.accounts.models import User
    from pingan.cases.models import Case


def case_panel_context(case: Case, user: User) -> dict[str, Any]:
    from .insight_views import raise_context
    from .raising import may_raise_from, related_risks

    related = related_risks(case)
    raise_form = raise_context(case, user) if may_raise_from(case, user) else None
    if not related and raise_form is None:
        return {"risk_links": None}
    return {"risk_links": {"related": related, "raise": raise_form}}


def risk_origin_context(case: Case, user: User) -> dict[str, Any]:
    from pingan.cases.selectors import cases_visible_to

    from .insight_models import RiskOrigin

    origin = RiskOrigin.objects.filter(risk_case=case).select_related("source_case", "suggestion", "raised_by").first()
    if origin is None:
        return {"risk_origin": None}
    cases = []
    if origin.suggestion is not None:
        cases = list(cases_visible_to(user).filter(risk_suggestions=origin.suggestion).order_by("registered_at", "id"))
    return {"risk_origin": {"origin": origin, "cases": cases}}


def connect() -> None:
    from . import insight_admin  # noqa: F401  (the rules in the back office)
    from .raising import RAISABLE_KINDS, register_events

    register_events()
    register_detail_extension(
        DetailExtension("risks-links", frozenset(RAISABLE_KINDS), "risks/insight/case_panel.html", case_panel_context)
    )
    register_detail_extension(
        DetailExtension(
            "risks-origin", frozenset({KIND}), "risks/insight/risk_origin.html", risk_origin_context, column="side"
        )
    )
