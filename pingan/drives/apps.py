from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "pingan.drives"
    label = "drives"
    verbose_name = _("专项排查化解")
