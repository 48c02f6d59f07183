"""Forms of the register's staff pages. They check shape only; the services check the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.geo.coords import CoordSystem
from pingan.regions.filters import RegionCodeField, RegionPicker

from .choices import GuardRole, Industry, Scale, SpecialisationLevel, Speciality
from .models import Enterprise, Expert, Workstation

MAX_IMPORT_BYTES = 10 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"})


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=24, help_text=_("18 位,GB 32100-2015"))
    industry = forms.ChoiceField(label=_("行业门类"), choices=Industry.choices, help_text=_("GB/T 4754-2017 门类"))
    scale = forms.ChoiceField(
        label=_("企业规模"), choices=Scale.choices, help_text=_("统计上大中小微型企业划分办法(2017)")
    )
    level = forms.ChoiceField(label=_("专精特新等级"), choices=SpecialisationLevel.choices, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)
    address = forms.CharField(label=_("地址"), max_length=200)
    region = RegionCodeField(label=_("所在区划"), widget=RegionPicker, required=False)
    lng = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, required=False)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, required=False)
    coord_system = forms.ChoiceField(label=_("坐标系"), choices=CoordSystem.choices, initial=CoordSystem.WGS84)
    workstation = forms.ModelChoiceField(
        label=_("服务工作站"), queryset=Workstation.objects.none(), required=False, empty_label=_("按所在区划自动确定")
    )

    def __init__(
        self, *args: Any, enterprise: Enterprise | None = None, workstations: QuerySet[Workstation], **kwargs: Any
    ) -> None:
        if enterprise is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": enterprise.name,
                    "credit_code": enterprise.credit_code,
                    "industry": enterprise.industry,
                    "scale": enterprise.scale,
                    "level": enterprise.level,
                    "legal_representative": enterprise.legal_representative,
                    "address": enterprise.address,
                    "region": enterprise.grid_code or enterprise.region_code,
                    "lng": enterprise.lng,
                    "lat": enterprise.lat,
                    "workstation": enterprise.workstation_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["workstation"].queryset = workstations  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    is_primary = forms.BooleanField(label=_("主要联系人"), required=False)


class UnmaskForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, help_text=_("如:注销、迁出本地"))


class GuardAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=GuardRole.choices)
    person_name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.CharField(label=_("所在单位"), max_length=100)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    username = forms.CharField(
        label=_("系统账号"), max_length=150, required=False, help_text=_("本人在系统中有账号时填写其用户名")
    )
    started_on = forms.DateField(label=_("开始日期"), widget=DATE)
    end_reason = forms.CharField(label=_("前任结束原因"), max_length=200, required=False)


class GuardEndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE)
    reason = forms.CharField(label=_("结束原因"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_(
            "Excel(.xlsx,第一个工作表)或 CSV(UTF-8 或 GBK),第一行为表头:企业名称、统一社会信用代码、行业门类、"
            "企业规模、专精特新等级、法定代表人、地址、区划代码、经度、纬度、工作站代码"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("仅支持 .xlsx 和 .csv 文件"))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件不能超过 10 MB"))
        return upload


class WorkstationForm(forms.Form):
    code = forms.CharField(label=_("机构代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    region = RegionCodeField(label=_("所在区划"), widget=RegionPicker)
    regions = forms.CharField(
        label=_("服务区划"), required=False, help_text=_("区划代码,多个以逗号或空格分隔;留空为所在区划")
    )
    address = forms.CharField(label=_("地址"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    opened_on = forms.DateField(label=_("设立日期"), widget=DATE, required=False)
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_active = forms.BooleanField(label=_("运行中"), required=False, initial=True)

    def __init__(self, *args: Any, workstation: Workstation | None = None, **kwargs: Any) -> None:
        if workstation is not None:
            org = workstation.organization
            kwargs.setdefault(
                "initial",
                {
                    "code": org.code,
                    "name": org.name,
                    "region": org.region.code,
                    "regions": " ".join(r.code for r in workstation.regions.all()),
                    "address": workstation.address,
                    "phone": org.phone,
                    "opened_on": workstation.opened_on,
                    "description": workstation.description,
                    "is_active": workstation.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if workstation is not None:
            self.fields["code"].disabled = True
            self.fields["region"].disabled = True

    def clean_regions(self) -> list[Any]:
        from pingan.regions.models import Region

        codes = [code for code in self.cleaned_data["regions"].replace(",", " ").replace(",", " ").split() if code]
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in regions]
        if unknown:
            raise forms.ValidationError(_("区划代码不存在:%(codes)s") % {"codes": "、".join(unknown)})
        return [regions[code] for code in codes]


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.CharField(label=_("工作单位"), max_length=100)
    title = forms.CharField(label=_("职称/职务"), max_length=50, required=False)
    specialities = forms.MultipleChoiceField(
        label=_("专业领域"), choices=Speciality.choices, widget=forms.CheckboxSelectMultiple
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    joined_on = forms.DateField(label=_("入库日期"), widget=DATE)
    is_active = forms.BooleanField(label=_("在库"), required=False, initial=True)

    def __init__(self, *args: Any, expert: Expert | None = None, **kwargs: Any) -> None:
        if expert is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": expert.name,
                    "unit": expert.unit,
                    "title": expert.title,
                    "specialities": expert.specialities,
                    "joined_on": expert.joined_on,
                    "is_active": expert.is_active,
                },
            )
        super().__init__(*args, **kwargs)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("使用人"), max_length=50, required=False)
