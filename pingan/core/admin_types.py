"""Bases for admin mixins, for the type checker only.

A mixin meant for ModelAdmin classes calls `super().get_queryset(request)` and friends, which exist only once
it is mixed in. Deriving it from these names lets mypy check those calls against Django's admin; at run time
they are `object`, so the mixin stays a plain mixin. This module imports no admin site (no side effects)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib import admin

    ModelAdminMixinBase = admin.ModelAdmin[Any]
    BaseModelAdminMixinBase = admin.options.BaseModelAdmin[Any]
else:
    ModelAdminMixinBase = BaseModelAdminMixinBase = object
