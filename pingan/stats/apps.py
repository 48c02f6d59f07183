from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "pingan.stats"
    label = "stats"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from pingan.accounts.choices import Role
        from pingan.cases.workbench import WorkbenchSection, register_section

        from .oversight import leader_oversight

        def oversight(user):
            """A leader's (政法委) oversight of their jurisdiction; nothing for anyone else."""
            return {"oversight": leader_oversight(user=user) if user.has_role(Role.LEADER) else None}

        register_section(WorkbenchSection("oversight", "stats/workbench_oversight.html", oversight))
