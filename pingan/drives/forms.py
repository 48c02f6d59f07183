"""Forms of the drive pages: the drive itself (create/edit) and a hand tag (纳入/排除/取消)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.cases import workflows
from pingan.cases.models import Category
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import regions_within

from .choices import MANAGER_ROLES, DriveStatus, TagMode
from .models import Drive

if TYPE_CHECKING:
    from pingan.accounts.models import User

LEAD_ORG_TYPES = (OrgType.CENTRE, OrgType.PLA_COMMITTEE, OrgType.JUSTICE)
# Drives are organised from a township up; their target areas go down to the communities.
DRIVE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
TARGET_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


class CategoryChoice(forms.ModelMultipleChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        labels = dict(workflows.kind_choices())
        return f"{labels.get(obj.kind, obj.kind)} · {obj.name}"


def managed_prefixes(user: User) -> list[str]:
    return sorted({m.organization.region.prefix for m in user.active_memberships if m.role in MANAGER_ROLES})


class DriveForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kinds = forms.MultipleChoiceField(label=_("案件类型"), choices=(), widget=forms.CheckboxSelectMultiple)
    categories = CategoryChoice(
        label=_("案件类别"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("留空表示所选类型的全部类别"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(label=_("所属区划"), queryset=Region.objects.none())
    target_regions: forms.ModelMultipleChoiceField[Region] = forms.ModelMultipleChoiceField(
        label=_("排查区域"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("所属区划内的区县或乡镇街道;留空表示整个所属区划"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    lead_org: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Organization.objects.none()
    )
    status = forms.ChoiceField(label=_("状态"), choices=DriveStatus.choices, initial=DriveStatus.ACTIVE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefixes = managed_prefixes(user)
        regions = regions_within(prefixes).filter(is_active=True)
        cast(forms.MultipleChoiceField, self.fields["kinds"]).choices = workflows.kind_choices()
        categories = cast(CategoryChoice, self.fields["categories"])
        categories.queryset = Category.objects.filter(is_active=True).order_by("kind", "sort_order")
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions.filter(level__in=DRIVE_LEVELS).order_by(
            "code"
        )
        target_regions = cast(forms.ModelMultipleChoiceField, self.fields["target_regions"])
        target_regions.queryset = regions.filter(level__in=TARGET_LEVELS).order_by("code")
        # The lead unit covers the drive's region: an organisation of the user's regions or above them.
        covering = Q(pk__in=[])
        for prefix in prefixes:
            covering |= Q(region__code__startswith=prefix) | Q(
                region__prefix__in=[prefix[:i] for i in range(1, len(prefix) + 1)]
            )
        cast(forms.ModelChoiceField, self.fields["lead_org"]).queryset = (
            Organization.objects.filter(covering, is_active=True, org_type__in=LEAD_ORG_TYPES)
            .filter(region__level__in=DRIVE_LEVELS)
            .select_related("region")
            .order_by("region__code", "code")
        )

    @classmethod
    def initial_for(cls, drive: Drive) -> dict[str, Any]:
        return {
            "name": drive.name,
            "description": drive.description,
            "start_date": drive.start_date,
            "end_date": drive.end_date,
            "kinds": drive.kinds,
            "categories": list(drive.categories.all()),
            "region": drive.region,
            "target_regions": list(drive.target_regions.all()),
            "lead_org": drive.lead_org,
            "status": drive.status,
        }


class TagForm(forms.Form):
    case = forms.CharField(label=_("案件编号"), max_length=20)
    mode = forms.ChoiceField(label=_("方式"), choices=TagMode.choices, initial=TagMode.INCLUDE)
    reason = forms.CharField(label=_("理由"), max_length=200)
