"""Parameters of the incident kind's own workflow actions: one form serves the web UI and the API alike."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases import action_forms as af
from pingan.cases.choices import Satisfaction
from pingan.cases.models import Category
from pingan.core.validators import ID_NUMBER_INPUT_MAX_LENGTH

DISPUTE_KIND = "dispute"


class FeedbackForm(af.ActionForm):
    """反馈: what the handler did. Photos of the result come with it through `incident_feed_back`."""

    comment = forms.CharField(
        label=_("处置结果"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明如何处置、现场现状"),
    )


class EvaluateForm(af.ActionForm):
    """综合评价: the centre's verdict on how the incident was handled, counted with the satisfaction rate."""

    satisfaction = forms.ChoiceField(label=_("评价结果"), choices=Satisfaction.choices)


class ConvertForm(af.ActionForm):
    """转为矛盾纠纷: the dispute's category and its parties, entered now. The web page has fields for an
    applicant and a respondent; API clients send `parties` as a list (the case engine's party shape)."""

    dispute_category = forms.ChoiceField(label=_("纠纷类别"))
    title = forms.CharField(label=_("纠纷标题(留空沿用事件标题)"), max_length=100, required=False)
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=100, required=False)
    applicant_phone = forms.CharField(label=_("申请人电话"), max_length=30, required=False)
    applicant_id_number = forms.CharField(
        label=_("申请人身份证号码"), max_length=ID_NUMBER_INPUT_MAX_LENGTH, required=False
    )
    respondent_name = forms.CharField(label=_("被申请人姓名/名称"), max_length=100, required=False)
    respondent_phone = forms.CharField(label=_("被申请人电话"), max_length=30, required=False)
    parties = forms.JSONField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["dispute_category"]).choices = [
            ("", _("请选择")),
            *Category.objects.filter(kind=DISPUTE_KIND, is_active=True).values_list("code", "name"),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        parties = cleaned.get("parties")
        if parties in (None, "", []):
            parties = [
                {"name": cleaned.get(f"{role}_name", ""), "role": role, **extra}
                for role, extra in (
                    (
                        "applicant",
                        {
                            "phone": cleaned.get("applicant_phone", ""),
                            "id_number": cleaned.get("applicant_id_number", ""),
                        },
                    ),
                    ("respondent", {"phone": cleaned.get("respondent_phone", "")}),
                )
                if cleaned.get(f"{role}_name", "").strip()
            ]
        elif not isinstance(parties, list) or not all(isinstance(p, dict) for p in parties):
            self.add_error("parties", _("当事人应为列表,每项含 name、role 等"))
            return cleaned
        if not parties:
            self.add_error("applicant_name", _("转为矛盾纠纷至少需要一名当事人"))
        cleaned["parties"] = parties
        return cleaned
