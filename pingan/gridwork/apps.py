from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from pingan.accounts.models import User


class GridWorkConfig(AppConfig):
    """Grid work: people, duty rosters, patrols and visits. The package is `pingan.gridwork`; the label stays
    `grids`, the label these records were created under, so that their tables, content types, permissions,
    history and audit entries ("grids.gridmember", …) carry on unchanged (docs/grid-work.md)."""

    name = "pingan.gridwork"
    label = "grids"
    verbose_name = _("网格化服务管理")

    def ready(self) -> None:
        from pingan.cases.workbench import WorkbenchSection, register_section
        from pingan.geo.selectors import grids_of_user_register

        from .selectors import grid_work, grids_of_user

        grids_of_user_register(grids_of_user)

        def section(user: User) -> dict[str, Any]:
            return {"grid_work": grid_work(user=user)}  # None unless the user works a grid (网格员)

        register_section(
            WorkbenchSection(
                "grid_work", "grids/workbench_section.html", section, actions="grids/workbench_actions.html"
            )
        )
