"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget


class _StrictBooleanWidget(BooleanWidget):
    """BooleanWidget reads true/false/1/0 and turns anything else into "not given"; this one hands anything
    else to the field, which refuses it."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class _StrictBooleanField(forms.NullBooleanField):
    widget = _StrictBooleanWidget

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # NullBooleanField is typed as BooleanField
        if value is None or isinstance(value, bool):
            return value
        raise ValidationError(_("须为 true 或 false"), code="invalid")

    def validate(self, value: Any) -> None:
        pass


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter: true or false (1 or 0), empty for "either"; anything else is an error (400 in the
    API) instead of being quietly ignored, as the OpenAPI document's `type: boolean` says."""

    field_class = _StrictBooleanField
