from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "pingan.grids"
    label = "grids"
    verbose_name = _("网格化服务管理")

    def ready(self) -> None:
        from . import locator  # noqa: F401  (connects the signals that refresh the spatial index)
