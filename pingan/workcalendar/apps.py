from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "pingan.workcalendar"
    label = "workcalendar"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the calendar coverage check)
