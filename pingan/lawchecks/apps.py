from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawchecksConfig(AppConfig):
    name = "pingan.lawchecks"
    label = "lawchecks"
    verbose_name = _("法律服务与法治体检")

    def ready(self) -> None:
        from pingan.cases.workbench import WorkbenchSection, register_section
        from pingan.lawguard.portal import PortalLink, register_portal_link

        from . import workflow  # noqa: F401  (registers the lawservice kind)
        from .selectors import awaiting_review_section

        register_section(
            WorkbenchSection("lawchecks_review", "lawchecks/workbench_review.html", awaiting_review_section)
        )
        register_portal_link(PortalLink("lawchecks-book", _("预约法治体检"), "lawchecks-portal-book", order=20))
        register_portal_link(PortalLink("lawchecks-mine", _("我的体检"), "lawchecks-portal-list", order=21))
