from django.db import models
from django.utils.translation import gettext_lazy as _


class ShapeSource(models.TextChoices):
    """Where an outline came from."""

    IMPORTED = "imported", _("导入")
    GENERATED = "generated", _("生成(演示)")
    DRAWN = "drawn", _("绘制")
