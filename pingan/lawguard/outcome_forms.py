"""Forms of 法治护航's outcomes (staff pages and the portal). The services check everything again; the forms
give the pages their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import PartyType
from pingan.cases.models import Attachment, Case, Category

from .choices import RecoveryMethod

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AcceptForm(forms.Form):
    reply = forms.CharField(label=_("答复意见"), required=False, max_length=2000, widget=TEXTAREA)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不采纳理由"), max_length=2000, widget=TEXTAREA)


class ImplementForm(forms.Form):
    note = forms.CharField(label=_("落实情况"), max_length=2000, widget=TEXTAREA)


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("回访情况"), max_length=2000, widget=TEXTAREA)
    at = forms.DateTimeField(
        label=_("回访时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    implemented = forms.TypedChoiceField(
        label=_("回访结论"),
        choices=[("1", _("已落实,验证通过")), ("0", _("未落实,退回整改"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )


def dispute_categories() -> Any:
    return Category.objects.filter(kind="dispute", is_active=True).order_by("sort_order", "code")


class DisputeHelpForm(forms.Form):
    title = forms.CharField(label=_("纠纷标题"), max_length=100)
    category = forms.ModelChoiceField(label=_("纠纷类别"), queryset=Category.objects.none(), to_field_name="code")
    description = forms.CharField(label=_("纠纷情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    counterparty_name = forms.CharField(label=_("对方当事人"), max_length=100)
    counterparty_type = forms.ChoiceField(
        label=_("对方类型"), choices=PartyType.choices, initial=PartyType.ORGANIZATION
    )
    counterparty_phone = forms.CharField(label=_("对方联系电话"), max_length=20, required=False)
    counterparty_address = forms.CharField(label=_("对方地址"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = dispute_categories()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "category": data["category"],
            "description": data["description"],
            "counterparty": {
                "name": data["counterparty_name"],
                "party_type": data["counterparty_type"],
                "phone": data["counterparty_phone"],
                "address": data["counterparty_address"],
            },
        }


SERVICE_ERROR_ALIASES = {"counterparty": "counterparty_name", "parties": "counterparty_name"}


class LossForm(forms.Form):
    case = forms.ModelChoiceField(label=_("关联案件"), queryset=Case.objects.none())
    amount = forms.DecimalField(label=_("挽回金额(元)"), max_digits=14, decimal_places=2, min_value=0.01)
    method = forms.ChoiceField(label=_("挽回方式"), choices=RecoveryMethod.choices)
    recovered_on = forms.DateField(label=_("挽回日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("情况说明"), max_length=2000, widget=TEXTAREA)
    evidence = forms.ModelMultipleChoiceField(
        label=_("证明材料(该案件的附件)"),
        queryset=Attachment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请提供证明材料(该案件的附件)")},
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["evidence"].queryset = Attachment.objects.filter(case__in=cases)  # type: ignore[attr-defined]
        self.fields["case"].label_from_instance = lambda case: f"{case.number} {case.title}"  # type: ignore[attr-defined]
        self.fields["evidence"].label_from_instance = (  # type: ignore[attr-defined]
            lambda attachment: f"{attachment.case.number} · {attachment.original_name}"
        )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=2000, widget=TEXTAREA)
