from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "pingan.grids"
    label = "grids"
    verbose_name = _("网格化服务管理")

    def ready(self) -> None:
        from pingan.cases.workbench import WorkbenchSection, register_section

        from . import locator  # noqa: F401  (connects the signals that refresh the spatial index)
        from .selectors import grid_work

        def section(user):
            return {"grid_work": grid_work(user=user)}  # None unless the user works a grid (网格员)

        register_section(
            WorkbenchSection(
                "grid_work", "grids/workbench_section.html", section, actions="grids/workbench_actions.html"
            )
        )
