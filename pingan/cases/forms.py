"""Forms of the staff web UI: case intake with its parties, the list filter, and the parameter forms of
the workflow actions with choices suited to the case (organisations, courts, mediators)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.core.concurrency import token_field
from pingan.core.masking import mask_name
from pingan.core.validators import (
    ID_NUMBER_INPUT_MAX_LENGTH,
    id_number_conversion_notice,
    normalize_id_number,
    normalize_phone,
)
from pingan.geo.coords import CoordSystem
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import regions_within

from . import workflows
from .action_forms import ActionForm
from .choices import Channel, Ethnicity, Gender, PartyRole, PartyType, Urgency
from .models import Case, Category

if TYPE_CHECKING:
    from pingan.accounts.models import User

# --- intake ----------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each one's type, size and content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RegionChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        if obj.level >= RegionLevel.COMMUNITY:
            return f"\u3000└ {obj.name}"
        return obj.name


class CategoryChoiceField(forms.ModelChoiceField[Category]):
    """A category; named with its kind (矛盾纠纷 · 邻里纠纷) when the form offers several kinds (`kind_labels`)."""

    kind_labels: dict[str, str] | None = None

    def label_from_instance(self, obj: Category) -> str:
        if self.kind_labels is None:
            return super().label_from_instance(obj)
        return f"{self.kind_labels.get(obj.kind, obj.kind)} · {obj.name}"


def intake_regions(user: User) -> QuerySet[Region]:
    """Townships and communities inside the user's jurisdiction (the places a case is usually filed)."""
    return (
        regions_within(user.jurisdiction_prefixes())
        .filter(is_active=True, level__in=[RegionLevel.TOWNSHIP, RegionLevel.COMMUNITY])
        .order_by("code")
    )


class CaseIntakeForm(forms.Form):
    """登记: the one form every case comes in through (the parties are a formset beside it)."""

    kind = forms.ChoiceField(label=_("案件类型"), choices=workflows.kind_choices)
    category = CategoryChoiceField(label=_("类别"), queryset=Category.objects.none(), empty_label=_("请选择"))
    title = forms.CharField(label=_("标题"), max_length=100, help_text=_("一句话概括,如“楼上漏水纠纷”"))
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices, initial=Channel.VISIT)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    region = RegionChoiceField(
        label=_("所在区划"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("请选择乡镇(街道)或社区"),
        help_text=_("填写了经纬度时可不选,由系统按所在网格定位"),
    )
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    # Floats: positions copied from a map app carry more than 6 decimals; the service stores 6.
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    coord_system = forms.ChoiceField(
        label=_("坐标系"),
        choices=CoordSystem.choices,
        initial=CoordSystem.WGS84,
        required=False,
        help_text=_("从高德、腾讯、微信地图取的坐标选 GCJ-02,从百度地图取的选 BD-09"),
    )
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("可多选:照片、录音、PDF、Word、Excel,单个不超过 10 MB")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [value for value, _label in workflows.kind_choices()]
        category = cast(CategoryChoiceField, self.fields["category"])
        category.queryset = Category.objects.filter(is_active=True, kind__in=kinds).order_by(
            "kind", "sort_order", "code"
        )
        if len(kinds) > 1:
            category.kind_labels = dict(workflows.kind_choices())
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        cast(RegionChoiceField, self.fields["region"]).queryset = intake_regions(user)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        category, kind = cleaned.get("category"), cleaned.get("kind")
        if category and kind and category.kind != kind:
            self.add_error("category", _("所选类别不属于该案件类型"))
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            self.add_error("lng", _("经纬度须同时填写"))
        elif cleaned.get("lat") is None and not cleaned.get("region") and "region" not in self.errors:
            self.add_error("region", _("请选择所在区划,或填写经纬度由系统按网格定位"))
        cleaned["coord_system"] = cleaned.get("coord_system") or CoordSystem.WGS84
        return cleaned


class PartyForm(forms.Form):
    """当事人: ID number and phone are checked (and normalised) by the service, which also takes gender and
    birth date from an 18-digit ID number. The details after `address` are what a 调解协议书 states about
    a party (人民调解法 第二十九条): optional at intake, asked for again when mediation succeeds."""

    name = forms.CharField(label=_("姓名/名称"), max_length=100)
    role = forms.ChoiceField(label=_("身份"), choices=PartyRole.choices, initial=PartyRole.APPLICANT)
    id_number = forms.CharField(label=_("身份证号码"), max_length=ID_NUMBER_INPUT_MAX_LENGTH, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住址(住所)"), max_length=200, required=False)
    # Not posted means a person (clients written before the field existed), and leaves a blank row unchanged.
    party_type = forms.TypedChoiceField(
        label=_("当事人类型"),
        choices=PartyType.choices,
        initial=PartyType.PERSON,
        required=False,
        empty_value=PartyType.PERSON,
    )
    gender = forms.ChoiceField(label=_("性别"), choices=[("", _("按身份证号码")), *Gender.choices], required=False)
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("有18位身份证号码时自动识别"),
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=[("", "—"), *Ethnicity.choices], required=False)
    occupation = forms.CharField(label=_("职业"), max_length=50, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    legal_representative = forms.CharField(label=_("法定代表人(单位当事人)"), max_length=50, required=False)

    # Checked here too so that these errors show together with the others; the service checks again.
    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        return normalize_id_number(value) if value else ""

    def id_number_notice(self) -> str:
        """After a valid submission: that a 15-digit ID number was stored in its 18-digit form, or ""."""
        notice = id_number_conversion_notice(self.data.get(self.add_prefix("id_number"), ""))
        return f"{mask_name(self.cleaned_data['name'])}:{notice}" if notice else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return normalize_phone(value) if value else ""


class PartyEditForm(PartyForm):
    """补充/更正 one party of an open case: everything of intake but the party's role in the case."""

    edit_token = token_field()  # the version of the party the form was filled from (core.concurrency)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["role"]


class BasePartyFormSet(forms.BaseFormSet[PartyForm]):
    def parties(self) -> list[tuple[int, dict[str, Any]]]:
        """(row index, data) of each filled-in row, in order."""
        return [
            (index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def id_number_notices(self) -> list[str]:
        """The conversions of 15-digit ID numbers, one line per party, to show once the case is saved."""
        return [notice for index, _data in self.parties() if (notice := self.forms[index].id_number_notice())]


# formset_factory builds a subclass of `formset`; its stub answers the base class.
PartyFormSet = cast(
    type[BasePartyFormSet],
    forms.formset_factory(
        PartyForm, formset=BasePartyFormSet, extra=2, min_num=1, validate_min=True, max_num=50, validate_max=True
    ),
)


# --- list filter -----------------------------------------------------------------------------------


# --- action parameters -----------------------------------------------------------------------------


def covering_orgs(case: Case) -> list[Organization]:
    """Active organisations whose jurisdiction contains the case's location."""
    ancestors = list(case.region.ancestors(include_self=True))
    return list(
        Organization.objects.filter(is_active=True, region__in=ancestors)
        .select_related("region")
        .order_by("region__code", "org_type", "code")
    )


def select_widget(field: forms.Field, choices: list[tuple[str, str]]) -> forms.Select:
    """A select in place of a code input, with the blank choice a required or optional field needs."""
    blank = _("上一级综治中心(默认)") if not field.required else _("请选择")
    return forms.Select(choices=[("", blank), *choices])


def _org_choices(case: Case, action: str, field: str) -> list[tuple[str, str]] | None:
    here = case.assigned_org
    orgs = covering_orgs(case)
    if field == "to_org":  # the case (or its follow-up) goes there: only organisations its kind admits
        workflow = workflows.get(case.kind)
        orgs = [o for o in orgs if workflow.allows(o.org_type)]
    if action == "dispatch":
        orgs = [o for o in orgs if o.pk != here.pk and o.region.code.startswith(here.region.prefix)]
    elif action == "escalate":
        orgs = [o for o in orgs if o.region.level < here.region.level]
    elif action == "open_followup":
        orgs = [o for o in orgs if o.org_type not in (OrgType.CENTRE, OrgType.PLA_COMMITTEE)]
    else:
        orgs = [o for o in orgs if o.pk != here.pk]
    return [(o.code, f"{o.name}({o.region.name})") for o in orgs]


def action_form(transition: workflows.Transition, case: Case, data: Mapping[str, Any] | None = None) -> ActionForm:
    """The transition's own parameter form, with selects in place of code inputs where we can list the
    suitable choices. The service validates the submitted values again with the same form class.
    Every action's panel sits on the same page: its own auto_id keeps the field ids (and the labels
    pointing at them) apart."""
    form = transition.form(data=data, prefix=None, auto_id=f"id_{transition.action}_%s")
    form.for_case(case)
    for name, field in form.fields.items():
        choices = None
        if isinstance(field.widget, forms.Select):
            continue  # the kind's form chose its own choices in for_case (e.g. the mediators of the case)
        if name == "to_org":
            choices = _org_choices(case, transition.action, name)
        if choices is not None:
            field.widget = select_widget(field, choices)
        elif isinstance(field, forms.DateTimeField):
            field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    # The action's own fields first; the free-text comment that every action inherits comes last
    # (unless it is the action's required reason, which reads best on top).
    if "comment" in form.fields and not form.fields["comment"].required:
        form.order_fields([name for name in form.fields if name != "comment"] + ["comment"])
    return form
