"""Back office for region outlines (区划边界): a read-only list and detail (an outline is checked as a
whole file, against its neighbours and its parent, so it changes only through the import), the import
page (GeoJSON, or CSV/Excel with a WKT column), and deletion."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.core.admin import JurisdictionAdminMixin
from pingan.core.errors import ApplicationError
from pingan.regions.admin import ImportAdminMixin
from pingan.regions.services import ImportResult

from .choices import ShapeSource
from .coords import CoordSystem
from .models import RegionShape
from .services import (
    DEFAULT_OVERLAP_M2,
    DEFAULT_OVERLAP_SHARE,
    MAX_FILE_BYTES,
    read_features,
    shapes_import,
)


class ShapeImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("GeoJSON(FeatureCollection),或含 WKT 边界列的 CSV / Excel(.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.csv,.xlsx"}),
    )
    coord_system = forms.ChoiceField(
        label=gettext_lazy("坐标系"), choices=CoordSystem.choices, initial=CoordSystem.WGS84
    )
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=ShapeSource.choices, initial=ShapeSource.IMPORTED)
    overlap_share = forms.FloatField(
        label=gettext_lazy("允许重叠比例"),
        min_value=0,
        max_value=0.5,
        initial=DEFAULT_OVERLAP_SHARE,
        help_text=gettext_lazy("同级区划重叠、超出上级边界的面积,占较小区划面积的比例(与下一项取较大者)"),
    )
    overlap_m2 = forms.FloatField(
        label=gettext_lazy("允许重叠面积(平方米)"), min_value=0, max_value=1_000_000, initial=DEFAULT_OVERLAP_M2
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查,不导入"), required=False)

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件不能超过 %(mb)d MB") % {"mb": MAX_FILE_BYTES // 1024 // 1024})
        return upload


# The detail page shows these, all read-only.
SHAPE_FIELDS = (
    "region",
    "region_code",
    "level",
    "source",
    "area_km2",
    "bounds",
    "label_point",
    "vertices",
    "updated_at",
)


@admin.register(RegionShape)
class RegionShapeAdmin(JurisdictionAdminMixin, ImportAdminMixin, admin.ModelAdmin):
    import_form_class = ShapeImportForm
    import_template = "admin/geo/regionshape/import.html"
    list_display = ["region_code", "region", "level", "source", "area_km2", "updated_at"]
    list_display_links = ["region_code", "region"]
    list_filter = ["level", "source"]
    search_fields = ["region_code", "region__name"]
    list_select_related = ["region"]
    list_per_page = 100
    fields = readonly_fields = SHAPE_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # outlines come in through the import, which checks them against their neighbours

    def has_change_permission(self, request: HttpRequest, obj: RegionShape | None = None) -> bool:
        return False

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms(["geo.add_regionshape", "geo.change_regionshape"])

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[RegionShape], search_term: str
    ) -> tuple[QuerySet[RegionShape], bool]:
        if search_term.isdigit():  # a code prefix finds the region and everything in it
            return queryset.filter(region_code__startswith=search_term), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("范围(最小经纬度 — 最大经纬度)"))
    def bounds(self, obj: RegionShape) -> str:
        return f"{obj.min_lng:.6f}, {obj.min_lat:.6f} — {obj.max_lng:.6f}, {obj.max_lat:.6f}"

    @admin.display(description=gettext_lazy("标注点"))
    def label_point(self, obj: RegionShape) -> str:
        return f"{obj.label_lng:.6f}, {obj.label_lat:.6f}"

    @admin.display(description=gettext_lazy("几何"))
    def vertices(self, obj: RegionShape) -> str:
        geometry = obj.geometry
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        count = sum(len(ring) for polygon in polygons for ring in polygon)
        return _("%(type)s,%(polygons)d 个多边形,%(count)d 个顶点") % {
            "type": geometry["type"],
            "polygons": len(polygons),
            "count": count,
        }

    def import_title(self) -> str:
        return _("导入区划与网格边界")

    def import_run(self, request: HttpRequest, form: forms.Form) -> ImportResult | None:
        data = form.cleaned_data
        try:
            features = read_features(data["file"])
        except ApplicationError as exc:
            form.add_error("file", exc.message)
            return None
        return shapes_import(
            features=features,
            actor=request.user if request.user.is_authenticated else None,
            coord_system=data["coord_system"],
            source=data["source"],
            overlap_share=data["overlap_share"],
            overlap_m2=data["overlap_m2"],
            dry_run=data["dry_run"],
        )
