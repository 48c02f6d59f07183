"""The review list's filter, shared by the page and the API (applied to `suggestions.suggestions_for`)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .insight_models import RiskSuggestion, SuggestionBasis, SuggestionStatus


class SuggestionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SuggestionStatus.choices, empty_label=_("全部状态"))
    basis = django_filters.ChoiceFilter(
        label=_("判定依据"), field_name="rule__basis", choices=SuggestionBasis.choices, empty_label=_("全部依据")
    )
    region = django_filters.CharFilter(label=_("区划代码"), field_name="region_code", lookup_expr="startswith")

    class Meta:
        model = RiskSuggestion
        fields: list[str] = []
