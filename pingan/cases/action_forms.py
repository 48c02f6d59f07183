"""Parameters of the generic case actions. One form per action serves the web UI and the API alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ClockState, FollowUpMethod, Satisfaction

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import Case


def _to_bool(value: object) -> bool:
    return value in (True, "true", "True", "1", 1, "on", "yes")


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, yes: str | Promise, no: str | Promise, **kwargs: Any) -> None:
        super().__init__(choices=[("true", yes), ("false", no)], coerce=_to_bool, empty_value=None, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value is True:
            return "true"
        if value is False:
            return "false"
        return super().to_python(value)


class ActionForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def for_case(self, case: Case) -> None:
        """Fit the fields to the case before the form is shown (e.g. one field per party); the default
        form needs nothing from the case."""


class ReasonForm(ActionForm):
    """An action that needs a written reason."""

    comment = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OrgTargetForm(ActionForm):
    to_org = forms.CharField(label=_("目标单位代码"), max_length=40)


class TransferForm(OrgTargetForm):
    comment = forms.CharField(label=_("转办理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(ReasonForm):
    to_org = forms.CharField(label=_("上级单位代码(留空为上一级综治中心)"), max_length=40, required=False)


class ClockChoiceMixin:
    """A `clock` field naming one of the case's clocks (empty: the case's own, primary clock). A kind
    with one clock does not show it."""

    fields: dict[str, forms.Field]  # (of the form it is mixed into)

    def for_case(self, case: Case) -> None:
        from . import workflows
        from .clocks import clock_label

        if len(workflows.get(case.kind).clock_plan()) == 1:
            del self.fields["clock"]
            return
        choices = [
            ("" if clock.is_primary else clock.name, clock_label(case.kind, clock.name))
            for clock in case.clocks.all()
            if clock.state != ClockState.STOPPED
        ]
        self.fields["clock"] = forms.ChoiceField(label=self.fields["clock"].label, choices=choices, required=False)


class RequestExtensionForm(ClockChoiceMixin, ReasonForm):
    clock = forms.CharField(label=_("时限"), max_length=30, required=False, help_text=_("留空为案件的办理时限"))
    amount = forms.IntegerField(label=_("延期时长(与该时限同单位)"), min_value=1, max_value=90)


class SuspendForm(ActionForm):
    comment = forms.CharField(
        label=_("挂起事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("如:当事人住院治疗")
    )


class ExcludePeriodForm(ClockChoiceMixin, ActionForm):
    """A period that does not count on a clock (鉴定、公告期间), with both ends."""

    clock = forms.CharField(label=_("时限"), max_length=30, required=False, help_text=_("留空为案件的办理时限"))
    start = forms.DateTimeField(label=_("开始时间"))
    end = forms.DateTimeField(label=_("结束时间"))
    comment = forms.CharField(label=_("事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("结束时间须晚于开始时间"))
        return cleaned


class ApproveExtensionForm(ActionForm):
    approve = YesNoField(label=_("审批意见"), yes=_("同意延期"), no=_("不同意"))


class VerifyForm(ActionForm):
    passed = YesNoField(label=_("核查结论"), yes=_("核查通过"), no=_("不通过,退回重办"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("passed") is False and not cleaned.get("comment"):
            self.add_error("comment", _("核查不通过时须说明理由"))
        return cleaned


class RateForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    method = forms.ChoiceField(label=_("回访方式"), choices=FollowUpMethod.choices, initial=FollowUpMethod.PHONE)
