from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pingan.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        from . import sessions, signals  # noqa: F401 (connects the audit, history and session receivers)
