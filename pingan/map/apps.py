from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapConfig(AppConfig):
    """The map dashboard (网格地图) and the place lookup of the map pickers: on top of grid work, the
    camera register and the case engine, which it reads."""

    name = "pingan.map"
    label = "map"
    verbose_name = _("网格地图")
