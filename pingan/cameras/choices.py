from django.db import models
from django.utils.translation import gettext_lazy as _


class CameraType(models.TextChoices):
    BULLET = "bullet", _("枪机")
    DOME = "dome", _("球机")
    HEMISPHERE = "hemisphere", _("半球")
    FACE = "face", _("人脸抓拍")
    VEHICLE = "vehicle", _("车辆卡口")
    HIGH_POINT = "high_point", _("高空瞭望")


class CameraStatus(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    FAULT = "fault", _("故障")
    RETIRED = "retired", _("停用")
