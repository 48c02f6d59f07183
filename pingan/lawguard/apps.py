from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawguardConfig(AppConfig):
    """法治护航's register: enterprises, workstations, 三官一律 assignments, the expert team, enterprise
    accounts, the links between enterprises and their cases, risk-prevention suggestions, recovered losses and
    service ratings (docs/lawguard.md). The services themselves are case kinds above it (consultations,
    lawchecks)."""

    name = "pingan.lawguard"
    label = "lawguard"
    verbose_name = _("法治护航")

    def ready(self) -> None:
        from . import outcome_admin  # noqa: F401  (suggestions, losses and ratings in the back office)
        from .outcome_hooks import connect

        connect()  # the outcomes' timeline events, the ratings panel, the portal's menu
