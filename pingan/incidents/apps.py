from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "pingan.incidents"
    label = "incidents"
    verbose_name = _("网格事件")

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the incident kind)
