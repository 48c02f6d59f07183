from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "pingan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        from pingan.workcalendar.signals import calendar_changed

        from .services import case_clocks_recount

        def recount(sender: object, *, years: set[int], **kwargs: Any) -> None:
            case_clocks_recount(years=years)

        calendar_changed.connect(recount, dispatch_uid="cases.clocks_recount", weak=False)
