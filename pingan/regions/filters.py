"""The region filter every list shares (cases, grid people, patrols, cameras; the API alike): the value is
a region code, picked on the web pages from the tree by name (RegionPicker), and it means the region and
everything below it. The city's code 430200 covers 4302…: the match uses the region's prefix, never the
raw code, so the pages and the API agree. A code that names no region is an error (a form error on the
page, a 400 in the API), never a silently empty list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Region
from .selectors import region_paths


class RegionPicker(forms.TextInput):
    """A search box over the region tree: type part of a name, pick one of the matches (shown with their
    path); the form carries the chosen region's code in a hidden input. pingan/app.js does the searching
    against the user's jurisdiction (api-region-search)."""

    template_name = "regions/widgets/region_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        code = (value or "").strip() if isinstance(value, str) else ""
        region = Region.objects.filter(code=code).first() if code.isdigit() else None
        context["widget"].update(
            {
                "search_url": reverse("api-region-search"),
                "label": region_paths([region])[region.pk] if region else code,
                "placeholder": _("输入名称查找,如“嵩山”"),
            }
        )
        return context


class RegionCodeField(forms.CharField):
    """A region code (digits) that names a region of the tree; cleans to that Region. A region no longer in
    use (is_active off) still counts: its cases and records keep its code."""

    default_validators = [RegexValidator(r"^\d{1,20}$", _("区划代码应为数字"))]
    default_error_messages = {"unknown": _("区划代码“%(code)s”不存在")}

    def clean(self, value: Any) -> Region | None:
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.filter(code=code).only("pk", "code", "prefix").first()
        if region is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"code": code})
        return region


class RegionFilter(django_filters.CharFilter):
    """Records whose `field_name` (a region code column) lies in the region asked for and below it."""

    field_class = RegionCodeField

    def __init__(self, field_name: str = "region_code", **kwargs: Any) -> None:
        kwargs.setdefault("label", _("区划"))
        kwargs.setdefault("widget", RegionPicker)
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Region | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__startswith": value.prefix})
