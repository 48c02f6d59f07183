"""`{% region_picker "region" code id="stats-region" %}`: the region picker (regions.filters.RegionPicker)
on a page whose form is written by hand (the dashboard, the map)."""

from __future__ import annotations

from django import template

from pingan.regions.filters import RegionPicker

register = template.Library()


@register.simple_tag
def region_picker(name: str, code: str, *, id: str, css: str = "form-control") -> str:  # noqa: A002
    return RegionPicker().render(name, code or "", attrs={"id": id, "class": css})
