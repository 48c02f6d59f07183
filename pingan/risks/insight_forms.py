"""Forms of the risk register's links outward: raising a risk from a dispute or an incident, and deciding a
repeated-dispute suggestion. The services check everything again; the forms give the page its fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases.models import Category
from pingan.regions.models import Organization
from pingan.regions.selectors import organizations_within

from .choices import IMPACT_LABELS, KIND, LIKELIHOOD_LABELS
from .insight_models import RiskSign

if TYPE_CHECKING:
    from pingan.accounts.models import User

LIKELIHOOD_CHOICES = [(n, f"{n} {label}") for n, label in enumerate(LIKELIHOOD_LABELS, start=1)]
IMPACT_CHOICES = [(n, f"{n} {label}") for n, label in enumerate(IMPACT_LABELS, start=1)]


def risk_categories() -> Any:
    return Category.objects.filter(kind=KIND, is_active=True).order_by("code")


class ScoreForm(forms.Form):
    """Category, likelihood × impact (the page previews the level), owner unit, and an optional title."""

    category = forms.ModelChoiceField(label=_("风险类别"), queryset=Category.objects.none(), to_field_name="code")
    likelihood = forms.TypedChoiceField(label=_("可能性"), choices=LIKELIHOOD_CHOICES, coerce=int, initial=3)
    impact = forms.TypedChoiceField(label=_("影响程度"), choices=IMPACT_CHOICES, coerce=int, initial=3)
    owner_org = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("不选则由登记单位负责"),
    )
    title = forms.CharField(label=_("风险名称"), max_length=100, required=False, help_text=_("不填则沿用案件标题"))
    description = forms.CharField(
        label=_("风险描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = risk_categories()  # type: ignore[attr-defined]
        self.fields["owner_org"].queryset = (  # type: ignore[attr-defined]
            organizations_within(user.jurisdiction_prefixes()).filter(is_active=True).order_by("code")
        )


class RaiseForm(ScoreForm):
    signs = forms.MultipleChoiceField(
        label=_("风险征兆"),
        choices=RiskSign.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项风险征兆(群体性、极端言行、多次反复、涉稳)")},
    )
    field_order = ["signs", "category", "likelihood", "impact", "owner_org", "title", "description"]


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
