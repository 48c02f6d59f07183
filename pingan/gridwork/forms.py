"""Forms of the grid pages: people, import, duty roster, patrols and visits, findings, counts.

They check the shape of the input; the rules (rights, jurisdiction, phone and ID checks) live in services.
Every choice list starts from what the user may see."""

from __future__ import annotations

import datetime
import json
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from pingan.accounts.models import User
from pingan.cases.choices import Urgency
from pingan.cases.models import Category
from pingan.core.concurrency import TOKEN_FIELD, token_field
from pingan.core.masking import MASKED_FIELD_HELP, kept_or_typed
from pingan.core.validators import ID_NUMBER_INPUT_MAX_LENGTH
from pingan.regions.models import Region

from . import selectors
from .choices import MemberRole, PatrolKind
from .models import GridMember, Patrol
from .services import member_edit_token

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: StrOrPromise, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        **kwargs,
    )


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GridChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, grid: Region) -> str:
        return f"{grid.name}({grid.code})"


class MemberChoiceField(forms.ModelMultipleChoiceField[GridMember]):
    """Grid people to pick, each told apart from namesakes by grid and phone tail (names stay masked)."""

    def label_from_instance(self, member: GridMember) -> str:
        name = member.masked_name
        if member.phone:
            name = _("%(name)s(尾号%(tail)s)") % {"name": name, "tail": member.phone[-4:]}
        return f"{name} · {member.grid.name} · {member.get_role_display()}"


# Shown masked when editing a member: the full values only through the audited unmask (member_unmask).
MASKED_FIELDS = ("phone", "id_number")


class GridMemberForm(forms.Form):
    grid = GridChoiceField(label=_("网格"), queryset=None, to_field_name="code")
    role = forms.ChoiceField(label=_("身份"), choices=MemberRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=ID_NUMBER_INPUT_MAX_LENGTH, required=False)
    building = forms.CharField(label=_("负责楼栋/片区"), max_length=100, required=False)
    started_on = forms.DateField(label=_("上岗日期"), required=False, widget=_date_widget())
    account = forms.CharField(
        label=_("平台账号"), max_length=150, required=False, help_text=_("专职网格员的登录用户名,可不填")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, member: GridMember | None = None, **kwargs: Any) -> None:
        if member is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "grid": member.grid.code,
                "role": member.role,
                "name": member.name,
                "phone": member.masked_phone,  # full values only through the audited unmask
                "id_number": member.masked_id_number,
                "building": member.building,
                "started_on": member.started_on,
                "account": member.user.username if member.user is not None else "",
                "note": member.note,
                "is_active": member.is_active,
            }
        super().__init__(*args, **kwargs)
        self.member = member
        cast(GridChoiceField, self.fields["grid"]).queryset = selectors.grids_visible_to(user).order_by("code")
        if member is not None:
            self.fields["is_active"] = forms.BooleanField(label=_("在岗"), required=False)
            # The version of the member this form was filled from: a stale save is refused (409).
            self.fields[TOKEN_FIELD] = token_field()
            self.fields[TOKEN_FIELD].initial = member_edit_token(member)
            for name in MASKED_FIELDS:
                if getattr(member, name):
                    self.fields[name].help_text = MASKED_FIELD_HELP

    def _kept_or_typed(self, name: str) -> str:
        stored = str(getattr(self.member, name) or "") if self.member is not None else ""
        return kept_or_typed(name, self.cleaned_data[name], stored)

    def clean_phone(self) -> str:
        return self._kept_or_typed("phone")

    def clean_id_number(self) -> str:
        return self._kept_or_typed("id_number")

    def clean_account(self) -> User | None:
        username = self.cleaned_data["account"].strip()
        if not username:
            return None
        account = User.objects.filter(username=username, is_active=True).first()
        if account is None:
            raise ValidationError(_("平台账号 %(username)s 不存在或已停用") % {"username": username})
        return account

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["user"] = data.pop("account")
        return data


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 或 CSV 文件"),
        help_text=_(
            "第一行为表头:网格代码、姓名、身份(必填),联系电话、身份证号、负责楼栋/片区、上岗日期、平台账号、在岗、备注"
        ),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PatrolPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PatrolKind.choices)
    grid = GridChoiceField(label=_("网格"), queryset=None, to_field_name="code")
    planned_for = _datetime_field(_("计划时间"))
    members = MemberChoiceField(
        label=_("参加人员"),
        queryset=None,
        required=False,
        help_text=_("不选则为本人(须是该网格的网格员);可按姓、网格或电话尾号查找"),
        # app.js puts a search box above a select that carries data-search (its placeholder)
        widget=forms.SelectMultiple(attrs={"size": 8, "data-search": _("查找:姓、网格或电话尾号")}),
    )
    places = forms.CharField(
        label=_("巡查地点"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一处")
    )
    household = forms.CharField(
        label=_("走访对象/住户"), max_length=200, required=False, help_text=_("入户走访、夜访必填")
    )
    route = forms.CharField(
        label=_("巡查路线(GeoJSON LineString)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('WGS-84,如 {"type": "LineString", "coordinates": [[113.09, 27.80], [113.095, 27.81]]}'),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(GridChoiceField, self.fields["grid"]).queryset = selectors.grids_visible_to(user).order_by("code")
        cast(MemberChoiceField, self.fields["members"]).queryset = (
            selectors.members_visible_to(user).active().select_related("grid").order_by("region_code", "name")
        )

    def clean_places(self) -> list[str]:
        return _lines(self.cleaned_data["places"])

    def clean_route(self) -> Any:
        text = self.cleaned_data["route"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise ValidationError(_("巡查路线不是合法的 JSON")) from None


class PatrolLogForm(forms.Form):
    started_at = _datetime_field(_("开始时间"))
    ended_at = _datetime_field(_("结束时间"))
    summary = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, patrol: Patrol | None = None, **kwargs: Any) -> None:
        if patrol is not None and "initial" not in kwargs:
            now = timezone.localtime().replace(second=0, microsecond=0)
            start = min(timezone.localtime(patrol.planned_for), now)
            kwargs["initial"] = {"started_at": start, "ended_at": now}
        super().__init__(*args, **kwargs)


class PatrolCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class FindingForm(forms.Form):
    description = forms.CharField(label=_("发现情况"), widget=forms.Textarea(attrs={"rows": 2}))
    lng = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)
    lat = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)


def incident_categories() -> QuerySet[Category]:
    return Category.objects.filter(kind="incident", is_active=True).order_by("sort_order", "code")


class FindingCaseForm(forms.Form):
    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("事件类别"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("标题"), max_length=100, required=False, help_text=_("不填则取发现情况的前几个字"))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=[("", _("按类别默认")), *Urgency.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Category]", self.fields["category"]).queryset = incident_categories()


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False, widget=_date_widget())
    end = forms.DateField(label=_("结束日期"), required=False, widget=_date_widget())

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period; this month so far by default."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start = data.get("start") or today.replace(day=1)
        end = data.get("end") or today
        return start, end

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("结束日期不能早于开始日期"))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366:
            raise ValidationError(_("统计期间不能超过一年"))
        return data
