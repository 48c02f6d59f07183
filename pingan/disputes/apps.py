from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "pingan.disputes"
    label = "disputes"
    verbose_name = _("矛盾纠纷多元化解")

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the dispute kind)
