"""Forms of the major-event pages. They check the shape of the input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.accounts.models import User
from pingan.cases.choices import PartyRole, Urgency
from pingan.cases.models import Category
from pingan.regions.filters import RegionCodeField
from pingan.regions.models import Organization
from pingan.regions.selectors import organizations_within, user_prefixes

from .choices import FindingTarget, SecurityLevel, Shift
from .models import DailyReport, Event, ScenarioTemplate, TemplateSection

DATE = forms.DateInput(attrs={"type": "date"})
MECHANISM_PREFIXES = ("机制：", "机制:")  # full-width or ASCII colon


def _orgs(user: User) -> Any:
    return organizations_within(user_prefixes(user)).filter(is_active=True).select_related("region").order_by("code")


class EventCreateForm(forms.Form):
    """A new event from a scenario template, with its main venue."""

    template = forms.ModelChoiceField(
        label=_("预案模板"),
        queryset=ScenarioTemplate.objects.filter(is_active=True),
        required=False,
        empty_label=_("不使用模板"),
    )
    name = forms.CharField(label=_("活动名称"), max_length=100)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    security_level = forms.ChoiceField(label=_("安保等级"), choices=SecurityLevel.choices)
    lead_org = forms.ModelChoiceField(label=_("牵头单位"), queryset=Organization.objects.none())
    region = RegionCodeField(label=_("活动区划代码"), required=False, help_text=_("留空为牵头单位辖区"))
    description = forms.CharField(label=_("活动概况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    venue_name = forms.CharField(label=_("主场所名称"), max_length=100)
    venue_address = forms.CharField(label=_("主场所地址"), max_length=200, required=False)
    venue_lat = forms.DecimalField(label=_("纬度(WGS-84)"), max_digits=9, decimal_places=6, required=False)
    venue_lng = forms.DecimalField(label=_("经度(WGS-84)"), max_digits=9, decimal_places=6, required=False)
    venue_grids = forms.CharField(label=_("所在网格代码"), required=False, help_text=_("多个以逗号分隔;有坐标时可留空"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_org"].queryset = _orgs(user)  # type: ignore[attr-defined]

    def venues(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        grids = [code.strip() for code in (data["venue_grids"] or "").replace(",", ",").split(",") if code.strip()]
        return [
            {
                "name": data["venue_name"],
                "address": data["venue_address"],
                "lat": data["venue_lat"],
                "lng": data["venue_lng"],
                "grids": grids,
            }
        ]


class TaskCompleteForm(forms.Form):
    record = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class SweepForm(forms.Form):
    region = RegionCodeField(label=_("排查区域/网格代码"))
    swept_on = forms.DateField(label=_("排查日期"), widget=DATE)
    note = forms.CharField(
        label=_("排查情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    findings = forms.CharField(
        label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("每行一条")
    )

    def finding_items(self) -> list[dict[str, str]]:
        return [{"description": line.strip()} for line in self.cleaned_data["findings"].splitlines() if line.strip()]


class FindingForm(forms.Form):
    description = forms.CharField(label=_("发现情况"), max_length=2000)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lat = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    lng = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for target in FindingTarget:
        rows = Category.objects.filter(kind=target.value, is_active=True).order_by("sort_order", "code")
        groups.append((str(target.label), [(c.code, c.name) for c in rows]))
    return groups


class FindingCaseForm(forms.Form):
    """A finding into a case in one step: the kind, its category, and what that kind needs (a risk's
    score, a dispute's party)."""

    target = forms.ChoiceField(label=_("转为"), choices=FindingTarget.choices)
    category = forms.ChoiceField(label=_("类别"))
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    likelihood = forms.IntegerField(label=_("可能性(1–5)"), min_value=1, max_value=5, required=False)
    impact = forms.IntegerField(label=_("影响程度(1–5)"), min_value=1, max_value=5, required=False)
    party_name = forms.CharField(label=_("当事人姓名(矛盾纠纷)"), max_length=100, required=False)
    party_phone = forms.CharField(label=_("当事人电话"), max_length=30, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        name, phone = data.pop("party_name"), data.pop("party_phone")
        data["parties"] = [{"name": name, "phone": phone, "role": PartyRole.APPLICANT}] if name else []
        return data


class RosterForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    shift = forms.ChoiceField(label=_("班次"), choices=Shift.choices, initial=Shift.ALL_DAY)
    org = forms.ModelChoiceField(label=_("值班单位"), queryset=Organization.objects.none())
    username = forms.CharField(label=_("值班人员账号"), max_length=150)
    post = forms.CharField(label=_("岗位"), max_length=50, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)  # type: ignore[attr-defined]

    def clean_username(self) -> User:
        account = User.objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if account is None:
            raise forms.ValidationError(_("平台账号不存在或已停用"))
        return account


class ReportGenerateForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DATE)


def report_label(name: str) -> str:
    field = DailyReport._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


class ReportForm(forms.Form):
    """The texts of a daily report draft."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DailyReport.TEXT_FIELDS:
            self.fields[name] = forms.CharField(
                label=report_label(name),
                widget=forms.Textarea(attrs={"rows": 4 if name != "overview" else 3}),
                required=name == "overview",
                max_length=5000,
            )


class ReviewForm(forms.Form):
    summary = forms.CharField(label=_("总体评价"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    worked = forms.CharField(label=_("经验做法"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    failed = forms.CharField(label=_("问题不足"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lessons = forms.CharField(
        label=_("改进措施"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("每行一条;以“机制:”开头的为机制,其余为任务"),
    )

    def lesson_items(self) -> list[dict[str, str]]:
        items = []
        for line in self.cleaned_data["lessons"].splitlines():
            text = line.strip()
            if not text:
                continue
            for prefix in MECHANISM_PREFIXES:
                if text.startswith(prefix):
                    items.append({"text": text[len(prefix) :].strip(), "kind": "mechanism"})
                    break
            else:
                items.append({"text": text, "kind": "task"})
        return items


class LessonSaveForm(forms.Form):
    section = forms.ModelChoiceField(label=_("存入板块"), queryset=TemplateSection.objects.none(), required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = (
            TemplateSection.objects.filter(template=event.template)
            if event.template_id
            else TemplateSection.objects.none()
        )
        self.fields["section"].queryset = queryset  # type: ignore[attr-defined]
