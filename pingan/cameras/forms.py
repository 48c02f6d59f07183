"""Forms of the camera register: one camera point, and the upload of a whole file."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.core.concurrency import TOKEN_FIELD, token_field
from pingan.geo.coords import CoordSystem

from .choices import CameraStatus, CameraType
from .models import Camera
from .services import camera_edit_token

MAX_IMPORT_BYTES = 40 * 1024 * 1024  # 100,000 rows of CSV are about 12 MB


class CameraForm(forms.Form):
    code = forms.CharField(label=_("点位编码"), max_length=40)
    name = forms.CharField(label=_("点位名称"), max_length=100)
    camera_type = forms.ChoiceField(label=_("类型"), choices=CameraType.choices)
    status = forms.ChoiceField(label=_("状态"), choices=CameraStatus.choices, initial=CameraStatus.ONLINE)
    lng = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    coord_system = forms.ChoiceField(
        label=_("坐标系"),
        choices=CoordSystem.choices,
        initial=CoordSystem.WGS84,
        help_text=_("从高德、腾讯地图取的坐标请选 GCJ-02,从百度地图取的选 BD-09;保存时统一换算为 WGS-84"),
    )
    address = forms.CharField(label=_("安装地址"), max_length=200, required=False)
    owner_unit = forms.CharField(label=_("建设/权属单位"), max_length=100)
    installed_on = forms.DateField(label=_("安装日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, camera: Camera | None = None, **kwargs: Any) -> None:
        if camera is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": camera.code,
                    "name": camera.name,
                    "camera_type": camera.camera_type,
                    "status": camera.status,
                    "lng": camera.lng,
                    "lat": camera.lat,
                    "address": camera.address,
                    "owner_unit": camera.owner_unit,
                    "installed_on": camera.installed_on,
                },
            )
        super().__init__(*args, **kwargs)
        if camera is not None:  # the code is the key imports update by: it does not change
            self.fields["code"].disabled = True
            # The version of the camera this form was filled from: a stale save is refused (409).
            self.fields[TOKEN_FIELD] = token_field()
            self.fields[TOKEN_FIELD].initial = camera_edit_token(camera)

    def clean_installed_on(self) -> datetime.date | None:
        day = self.cleaned_data["installed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("安装日期不能晚于今天"))
        return day


class CameraImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_(
            "Excel(.xlsx,第一个工作表)或 CSV(UTF-8 或 GBK),第一行为表头:"
            "点位编码、点位名称、类型、状态、经度、纬度、安装地址、建设/权属单位、安装日期"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    coord_system = forms.ChoiceField(label=_("坐标系"), choices=CoordSystem.choices, initial=CoordSystem.WGS84)

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("仅支持 .xlsx 和 .csv 文件"))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件不能超过 40 MB"))
        return upload
