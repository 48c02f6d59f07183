from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MajorEventsConfig(AppConfig):
    """Major-event security (重大活动安保): events, plans from scenario templates, sweeps, rosters, daily
    reports and reviews (docs/major-events.md)."""

    name = "pingan.majorevents"
    label = "majorevents"
    verbose_name = _("重大活动安保")
