from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pingan.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        # Signal receivers: the lockout's audit, tokens dying with a password change, the audit of sign-ins and
        # changes of rights, the password history, the session limits.
        from . import lockout, sessions, signals, tokens  # noqa: F401
