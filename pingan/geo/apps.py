from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    """Geography below the case engine: coordinates, outlines, the point locator and the outline import."""

    name = "pingan.geo"
    label = "geo"
    verbose_name = _("区划边界与定位")

    def ready(self) -> None:
        from . import locator  # noqa: F401  (connects the signals that refresh the spatial index)
