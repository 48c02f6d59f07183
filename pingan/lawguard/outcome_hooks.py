"""What 法治护航's outcomes plug in, called from LawguardConfig.ready(): the timeline event types their
services write on cases, the enterprises' ratings as a panel on the pages of the services they rate
(cases.extensions: the kinds are named, never imported), and the portal's menu entries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingan.cases.extensions import DetailExtension, register_detail_extension

if TYPE_CHECKING:
    from pingan.accounts.models import User
    from pingan.cases.models import Case

# The kinds whose cases an enterprise rates (法律咨询, 法律服务/法治体检, 矛盾纠纷).
RATED_KINDS = frozenset({"consult", "lawservice", "dispute"})


def ratings_panel_context(case: Case, user: User) -> dict[str, Any]:
    from .outcome_selectors import case_ratings

    ratings = case_ratings(case, user)
    return {"lawguard_ratings": ratings or None}


def connect() -> None:
    from .outcome_services import register_events
    from .portal_views import register_links

    register_events()
    register_links()
    register_detail_extension(
        DetailExtension(
            "lawguard-ratings",
            RATED_KINDS,
            "lawguard/outcomes/ratings_panel.html",
            ratings_panel_context,
            column="side",
        )
    )
