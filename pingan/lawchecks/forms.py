"""The legal-service kind's action forms (one per transition: the page and the API read the same one) and
its pages' forms (the portal's booking, the workstation's offer, the checklist editor)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases import action_forms as af
from pingan.lawguard.choices import ProviderRole, Severity
from pingan.lawguard.models import Expert

from .choices import Answer, Slot
from .models import CheckItem, Finding

if TYPE_CHECKING:
    from pingan.cases.models import Case

ITEM_FIELD = re.compile(r"^item_(\d+)$")


def _items(case: Case) -> list[CheckItem]:
    return list(CheckItem.objects.filter(service_id=case.pk).order_by("sort_order", "id"))


class AnswersForm(af.ActionForm):
    """Checklist answers: `answers` as JSON {item id: {"answer": "yes"|"no"|"na", "note": "…"}} (the API),
    or one `item_<id>` (and `note_<id>`) field per item (the page's radio buttons); both merge."""

    answers = forms.JSONField(label=_("答复(JSON)"), required=False, widget=forms.HiddenInput)
    own = False

    def for_case(self, case: Case) -> None:
        for item in _items(case):
            current = item.self_answer if self.own else item.answer
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.question}({item.legal_basis})",
                choices=Answer.choices,
                required=False,
                initial=current,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("说明"), required=False, max_length=500, initial=item.self_note if self.own else item.note
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not isinstance(data.get("answers") or {}, dict):
            raise forms.ValidationError({"answers": _("答复须为 {事项编号: {answer, note}} 的对象")})
        answers = dict(data.get("answers") or {})
        for key, value in self.data.items():
            match = ITEM_FIELD.match(str(key))
            if match and value:
                answers[match.group(1)] = {"answer": value, "note": str(self.data.get(f"note_{match.group(1)}", ""))}
        data["answers"] = answers
        return data


class SelfCheckForm(AnswersForm):
    own = True
    filled_by = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _expert_ids(value: Any) -> list[int]:
    if value in (None, "", []):
        return []
    raw = value if isinstance(value, list) else str(value).replace(",", ",").split(",")
    try:
        return [int(str(v).strip()) for v in raw if str(v).strip()]
    except ValueError:
        raise forms.ValidationError(_("专家编号无效")) from None


class RecordCheckForm(AnswersForm):
    """体检 results; with them the experts consulted (会诊) and, from the API, findings in one go."""

    experts = forms.JSONField(label=_("会诊专家编号"), required=False, help_text=_("如 [1, 2] 或 1,2"))
    findings = forms.JSONField(label=_("发现问题(JSON 列表)"), required=False, widget=forms.HiddenInput)

    def clean_experts(self) -> list[Expert]:
        ids = _expert_ids(self.cleaned_data.get("experts"))
        experts = list(Expert.objects.filter(pk__in=ids, is_active=True))
        if len(experts) != len(set(ids)):
            raise forms.ValidationError(_("专家不存在或已不在库"))
        return experts

    def clean_findings(self) -> list[dict[str, Any]]:
        rows = self.cleaned_data.get("findings") or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise forms.ValidationError(_("发现问题须为对象列表"))
        return rows


class StartForm(af.ActionForm):
    provider_role = forms.ChoiceField(
        label=_("服务人员角色"), choices=ProviderRole.choices, initial=ProviderRole.STAFF, required=False
    )
    provider_name = forms.CharField(label=_("服务人员"), max_length=50, required=False, help_text=_("留空为本人"))


class FindingForm(af.ActionForm):
    item = forms.IntegerField(label=_("体检事项"), required=False)
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("风险等级"), choices=Severity.choices)
    suggestion = forms.CharField(
        label=_("整改建议"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("留空则用清单事项的默认建议"),
    )
    implement_by = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def for_case(self, case: Case) -> None:
        item = self.fields["item"] = forms.TypedChoiceField(
            label=_("体检事项"),
            coerce=int,
            required=False,
            empty_value=None,
            choices=[("", "—")] + [(i.pk, i.question) for i in _items(case) if i.answer == Answer.NO],
        )
        item.widget.attrs["class"] = "form-select"


class RemoveFindingForm(af.ActionForm):
    finding = forms.IntegerField(label=_("问题记录"))

    def for_case(self, case: Case) -> None:
        self.fields["finding"] = forms.TypedChoiceField(
            label=_("问题记录"),
            coerce=int,
            choices=[(f.pk, f.description[:40]) for f in Finding.objects.filter(service_id=case.pk)],
        )


class ReturnForm(af.ActionForm):
    comment = forms.CharField(label=_("退回意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IssueForm(af.ActionForm):
    issued_on = forms.DateField(
        label=_("出具日期"),
        required=False,
        help_text=_("补录此前出具的报告时填写;留空为今天"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    generate = af.YesNoField(label=_("生成文件"), yes=_("立即生成"), no=_("首次下载时生成"), required=False)

    def clean_generate(self) -> bool:
        value = self.cleaned_data.get("generate")
        return True if value is None else bool(value)


class FinishForm(af.ActionForm):
    outcome = forms.CharField(label=_("服务结果"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


# --- pages ---------------------------------------------------------------------------------------------


class BookForm(forms.Form):
    """预约法治体检 (the portal): when, and what the enterprise is worried about."""

    wished_date = forms.DateField(label=_("期望日期"), widget=forms.DateInput(attrs={"type": "date"}))
    wished_slot = forms.ChoiceField(label=_("期望时段"), choices=[("", "—"), *Slot.choices], required=False)
    concerns = forms.CharField(
        label=_("关注事项"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如:劳动用工、合同管理、数据合规"),
    )


class OfferForm(BookForm):
    """The workstation offers a service (主动上门): which enterprise (by credit code) and which service."""

    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    category = forms.ChoiceField(label=_("服务类别"))
    wished_date = forms.DateField(label=_("服务日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
