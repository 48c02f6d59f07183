from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "pingan.consultations"
    label = "consultations"
    verbose_name = _("法律咨询")

    def ready(self) -> None:
        from pingan.cases.workbench import WorkbenchSection, register_section
        from pingan.lawguard.portal import PortalLink, register_portal_link

        from . import workflow  # noqa: F401  (registers the consultation kind)
        from .selectors import workbench_context

        register_section(WorkbenchSection("consultations", "consultations/workbench_section.html", workbench_context))
        register_portal_link(PortalLink("consult-ask", _("我要咨询"), "portal-consult-new", order=20))
        register_portal_link(PortalLink("consult-mine", _("我的咨询"), "portal-consult-list", order=21))
