"""Back office for the region tree and organisations, with the Excel/CSV import page (区划、机构导入)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from pingan.core.admin import HistoryAdmin, JurisdictionAdminMixin, StaleEditAdminMixin
from pingan.core.admin_types import ModelAdminMixinBase
from pingan.core.errors import ApplicationError

from . import services
from .forms import ImportFileForm
from .models import Organization, Region


class ImportAdminMixin(ModelAdminMixinBase):
    """Adds "从Excel/CSV导入" to the changelist: upload form → all-or-nothing import → result page.

    Only for users who may both add and change the model, since an import creates and updates rows.
    A model whose file is not a table (outlines) overrides `import_form_class`, `import_template`,
    `import_title` and `import_run`."""

    change_list_template = "admin/regions/change_list_import.html"
    import_service: ClassVar[services.ImportService]  # staticmethod(services.regions_import) etc.
    import_columns: tuple[tuple[str, StrOrPromise], ...] = ()
    import_note: StrOrPromise | None = None  # how rows are matched, shown above the columns (default: by code)
    import_form_class: type[forms.Form] = ImportFileForm
    import_template = "admin/regions/import.html"

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_title(self) -> str:
        return _("从Excel/CSV导入%(name)s") % {"name": self.model._meta.verbose_name}

    def import_run(self, request: HttpRequest, form: forms.Form) -> services.ImportResult | None:
        """Import the valid form's file; the result, or None when the file itself was refused."""
        try:
            rows = services.read_table(form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_error("file", exc.message)
            return None
        return type(self).import_service(rows=rows, actor=request.user if request.user.is_authenticated else None)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        result = None
        form = self.import_form_class(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = self.import_run(request, form)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": self.import_title(),
            "form": form,
            "result": result,
            "columns": self.import_columns,
            "import_note": self.import_note,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        return TemplateResponse(request, self.import_template, context)


class ChildrenInline(admin.TabularInline[Region, Region]):
    model = Region
    fk_name = "parent"
    fields = readonly_fields = ("code", "name", "level", "is_active")
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0
    verbose_name_plural = gettext_lazy("下级区划")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).order_by("code")


@admin.register(Region)
class RegionAdmin(StaleEditAdminMixin, JurisdictionAdminMixin, ImportAdminMixin, HistoryAdmin):
    jurisdiction_field = "code"
    list_display = ["code", "name", "level", "parent", "is_generated", "is_active"]
    list_display_links = ["code", "name"]
    list_filter = ["level", "is_generated", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["prefix"]
    fields = ["code", "name", "level", "parent", "prefix", "is_generated", "is_active"]
    inlines = [ChildrenInline]
    list_per_page = 100
    import_service = staticmethod(services.regions_import)
    import_columns = (
        ("区划代码", gettext_lazy("必填,数字,须以上级区划的代码开头")),
        ("名称", gettext_lazy("必填")),
        ("层级", gettext_lazy("必填:市、县、乡镇、村社区、网格,或 1–5")),
        ("上级代码", gettext_lazy("市级以下必填:数据库中或本文件中已有的区划代码")),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Codes are prefixes of their subtree: searching "430211" finds the district and everything in it.
        if search_term.isdigit():
            return queryset.filter(code__startswith=search_term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Organization)
class OrganizationAdmin(StaleEditAdminMixin, JurisdictionAdminMixin, ImportAdminMixin, HistoryAdmin):
    jurisdiction_field = "region__code"
    list_display = ["code", "name", "org_type", "region", "level_display", "phone", "is_active"]
    list_display_links = ["code", "name"]
    list_filter = ["org_type", "region__level", "is_active"]
    search_fields = ["code", "name", "region__name", "region__code"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]
    import_service = staticmethod(services.organizations_import)
    import_columns = (
        ("机构代码", gettext_lazy("必填,唯一")),
        ("名称", gettext_lazy("必填")),
        ("类型", gettext_lazy("必填,如 综治中心、人民调解委员会、公安(派出所)")),
        ("区划代码", gettext_lazy("必填,须是已有区划")),
        ("电话", gettext_lazy("可选,手机号或带区号的固定电话")),
        ("地址", gettext_lazy("可选")),
    )

    @admin.display(description=gettext_lazy("层级"), ordering="region__level")
    def level_display(self, obj: Organization) -> str:
        return obj.region.get_level_display()
