"""The back office (后台管理): the site's titles, read-only building blocks, and the audit log.

Records that change only through services (cases, timelines, the audit log) are shown read-only here:
the admin is for reference data and accounts, never a side door around the workflow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges
from simple_history.template_utils import HistoricalRecordContextHelper

from .admin_types import BaseModelAdminMixinBase, ModelAdminMixinBase
from .concurrency import TOKEN_FIELD, check_unchanged, edit_token, token_field
from .errors import ApplicationError
from .jurisdiction import prefix_q
from .masking import MASKED_FIELD_HELP, MASKS, kept_or_typed, mask_id_number, mask_name, mask_phone
from .models import AuditLog, object_type_label
from .validators import normalize_id_number, normalize_phone

admin.site.site_header = _("平安 · 后台管理")
admin.site.site_title = settings.PINGAN_SITE_NAME
admin.site.index_title = _("系统管理")


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert to this version" needs the change permission.

    simple_history hides the revert button from view-only users but still accepts the POST; the
    security auditor (安全审计员), who may only look, must not be able to revert a record."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # simple_history ships no type information: its methods are untyped.
        if request.method == "POST" and not self.has_change_permission(request):  # type: ignore[no-untyped-call]
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[no-untyped-call]
        return response


# Personal identifiers in the back office are shown masked, on lists, change pages (for those who may only look
# too: the security auditor, the system administrator) and in the history; the full values only through the
# audited unmask of the pages (cases.services.parties_unmask, gridwork.services.member_unmask).
PERSONAL_MASKS = MASKS
PERSONAL_NORMALIZE: dict[str, Callable[[str], str]] = {"phone": normalize_phone, "id_number": normalize_id_number}


class MaskedPersonalDataForm(forms.ModelForm[Any]):
    """A change form that shows the phone and ID number masked (138****8000): posted back unchanged, the
    stored value stays; a new full value replaces it, checked and normalised as the pages do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stored: dict[str, str] = {}
        for name, mask in PERSONAL_MASKS.items():
            stored = str(getattr(self.instance, name, "") or "")
            if name in self.fields and stored:
                self._stored[name] = stored
                self.initial[name] = mask(stored)
                self.fields[name].help_text = MASKED_FIELD_HELP

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name in PERSONAL_MASKS:
            if name not in self.fields or name not in cleaned:
                continue
            stored = self._stored.get(name, "")
            value = kept_or_typed(name, str(cleaned[name] or ""), stored)
            if stored and value == stored:
                cleaned[name] = stored
            elif value:
                try:
                    cleaned[name] = PERSONAL_NORMALIZE[name](value)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class MaskedPersonalDataAdminMixin(BaseModelAdminMixinBase):
    """Phone and ID number masked on the change page: editable as masked values (MaskedPersonalDataForm)
    for those who may change the record, shown as masked read-only values to those who may only look."""

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Any) -> str:
        return mask_phone(getattr(obj, "phone", "") or "")

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj: Any) -> str:
        return mask_id_number(getattr(obj, "id_number", "") or "")

    def _looks_only(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not self._looks_only(request, obj):
            return fieldsets
        swap = {name: f"masked_{name}" for name in PERSONAL_MASKS}
        return [
            (title, {**options, "fields": [swap.get(str(f), f) for f in options.get("fields", ())]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if self._looks_only(request, obj):
            fields += [f"masked_{name}" for name in PERSONAL_MASKS]
        return fields


class PersonalDataHistoryHelper(HistoricalRecordContextHelper):
    """The history page's changes with names, phones and ID numbers masked as everywhere else."""

    masks: dict[str, Callable[[str], str]] = {**PERSONAL_MASKS, "name": mask_name}

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        if change.field.endswith("_index"):  # the blind index (core.fields): nothing to read in it
            return "***" if value else ""
        mask = self.masks.get(change.field)
        return mask(str(value or "")) if mask else super().prepare_delta_change_value(change, value)


def personal_data_history_helper(model: type[models.Model], record: HistoricalChanges) -> HistoricalRecordContextHelper:
    return PersonalDataHistoryHelper(model, record)


PERMISSION_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def permission_label(permission: Permission) -> str:
    """A permission as the back office names it: 案件 | 当事人 | 查看. Django stores the default
    permissions' names in English ("Can view party") when the tables are created, and shows them so."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return str(permission)  # a permission of the project's own, named in Chinese where it is declared
    app = apps.get_app_config(model._meta.app_label).verbose_name
    recorded = getattr(model, "instance_type", None)  # simple_history's "historical <name>" (a plain string)
    name = _("%(name)s(历史记录)") % {"name": recorded._meta.verbose_name} if recorded else model._meta.verbose_name
    return f"{app} | {name} | {PERMISSION_ACTIONS[action]}"


class PermissionChoiceField(forms.ModelMultipleChoiceField[Permission]):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class PermissionLabelsMixin(ModelAdminMixinBase):
    """Permission pickers (user_permissions, a group's permissions) list permissions in Chinese."""

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.related_model is Permission:
            kwargs.setdefault("form_class", PermissionChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def staff_prefixes(request: HttpRequest) -> list[str]:
    """The jurisdictions of the staff member signed in (the back office lets no anonymous caller in)."""
    user = request.user
    return user.jurisdiction_prefixes() if user.is_authenticated else []


class JurisdictionAdminMixin(BaseModelAdminMixinBase):
    """Staff see in the back office only what lies inside their organisations' jurisdictions: a district's
    system administrator maintains the district, the city's the city. `jurisdiction_field` is the lookup
    to the record's region code. Superusers (the platform's operators) see everything."""

    jurisdiction_field = "region_code"
    jurisdiction_distinct = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        queryset = queryset.filter(prefix_q(self.jurisdiction_field, staff_prefixes(request)))
        return queryset.distinct() if self.jurisdiction_distinct else queryset


class ReadOnlyAdminMixin(BaseModelAdminMixinBase):
    """Lists and detail pages only: no add, change or delete, for superusers too."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


class ObjectTypeFilter(admin.SimpleListFilter):
    """Filter the audit log by the kind of record, named as the product names it (案件, not cases.case)."""

    title = _("对象类型")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        types = model_admin.get_queryset(request).order_by().values_list("object_type", flat=True).distinct()
        return sorted(((value, object_type_label(value)) for value in types), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


AUDIT_LOG_FIELDS = (
    "created_at",
    "actor",
    "action",
    "object_type_display",
    "object_id",
    "object_repr",
    "region_code",
    "ip",
    "user_agent",
    "reason",
    "changes",
)


@admin.register(AuditLog)
class AuditLogAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[AuditLog]):
    """The audit log, for the security auditor (安全审计员): append-only, so read-only here. Entries tied
    to no place (imports, account changes) are shown to the city's auditors only."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if not request.user.is_superuser and any(
            len(prefix) <= len(settings.PINGAN_CITY_CODE) - 2 for prefix in staff_prefixes(request)
        ):
            queryset = queryset | AuditLog.objects.filter(region_code="")
        return queryset

    list_display = ["created_at", "actor", "action", "object_type_display", "object_display", "ip", "reason"]
    list_filter = ["action", ObjectTypeFilter]
    search_fields = ["object_repr", "object_id", "actor__username", "actor__full_name", "reason", "region_code", "ip"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting a large log on every page load is slow
    fields = readonly_fields = AUDIT_LOG_FIELDS

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_type_display(self, entry: AuditLog) -> str:
        return entry.object_type_label

    @admin.display(description=_("对象"), ordering="object_repr")
    def object_display(self, entry: AuditLog) -> str:
        """The record's readable label; an entry about many records at once (an export) has none."""
        return entry.object_repr or entry.object_id or "—"


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's list of background work, with Chinese column names (its own are plain English
    strings that no translation catalogue reaches)."""

    @admin.display(description=_("任务"))
    def task_name(self, result: DBTaskResult[Any, Any]) -> str:
        return result.task_name

    @admin.display(description=_("错误堆栈"))
    def formatted_traceback(self, result: DBTaskResult[Any, Any]) -> str:
        return super().formatted_traceback(result)

    @admin.display(description=_("最早执行时间"))
    def display_run_after(self, result: DBTaskResult[Any, Any]) -> datetime | str:
        return super().display_run_after(result)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


# GroupAdmin's formfield_for_manytomany takes an optional request (Django's signature), the mixin a required
# one, as every other admin's: the admin always passes it.
class ChineseGroupAdmin(PermissionLabelsMixin, GroupAdmin):  # type: ignore[misc]
    pass


admin.site.unregister(Group)
admin.site.register(Group, ChineseGroupAdmin)


class StaleEditAdminMixin(ModelAdminMixinBase):
    """Optimistic locking on a change page (core.concurrency): the form carries the version of the record it
    was filled from; saving a copy that someone else changed meanwhile is refused with a Chinese message
    naming the changed fields, instead of silently writing the old values back."""

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if obj is not None and TOKEN_FIELD not in fields:
            fields.append(TOKEN_FIELD)
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = type(f"StaleChecked{self.form.__name__}", (StaleCheckedForm, self.form), {})
        return super().get_form(request, obj, change, **kwargs)


class StaleCheckedForm(forms.ModelForm):  # type: ignore[type-arg]
    edit_token = token_field()

    def _tracked(self) -> list[str]:
        names = {field.name for field in self.instance._meta.concrete_fields}
        return [name for name in self.fields if name in names]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD].initial = edit_token(self.instance, self._tracked())

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data
        # Before _post_clean: self.instance still holds the stored values.
        try:
            check_unchanged(self.instance, self._tracked(), cleaned.get(TOKEN_FIELD))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return cleaned
