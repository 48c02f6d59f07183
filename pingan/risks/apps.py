from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "pingan.risks"
    label = "risks"
    verbose_name = _("重大风险")

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the risk kind)
