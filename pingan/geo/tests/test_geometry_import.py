"""Importing outlines: a clean file creates and updates outlines (and new grid cells) in one go; a file with
any broken, overlapping or misplaced feature is refused with every problem named, and nothing is written."""

from __future__ import annotations

import json

import prcoords
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import box, mapping, shape

from conftest import PASSWORD, make_user
from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import xlsx_bytes
from pingan.geo import locator
from pingan.geo.models import RegionShape
from pingan.geo.services import read_features, shapes_import
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

YUETANG_1, YUETANG_2 = "430202001001001", "430202001001002"
TAISHAN_3 = "430211004001003"


def feature(code, geometry, **properties) -> dict:
    geometry = geometry if isinstance(geometry, dict) else json.loads(json.dumps(mapping(geometry)))
    return {"type": "Feature", "properties": {"code": code, **properties}, "geometry": geometry}


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def run(data: bytes, actor, name="shapes.geojson", **options):
    return shapes_import(features=read_features(SimpleUploadedFile(name, data)), actor=actor, **options)


@pytest.fixture
def admin(db):
    """The platform's operator (a superuser)."""
    return User.objects.create_superuser(username="root", password=PASSWORD, full_name="运维")


def snapshot() -> tuple:
    return (
        sorted(RegionShape.objects.values_list("region_code", "geometry", "updated_at")),
        sorted(Region.objects.values_list("code", flat=True)),
    )


# --- a clean file ----------------------------------------------------------------------------------


def test_a_clean_file_updates_outlines_and_creates_new_grid_cells(grids, admin):
    data = geojson(
        feature(YUETANG_1, box(113.24, 27.84, 113.26, 27.88)),
        feature(YUETANG_2, box(113.26, 27.84, 113.28, 27.88), name="月塘社区第2网格", level="网格"),
    )
    result = run(data, admin)
    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.details["grids_created"]) == (2, 1, 1, 1)
    new_grid = Region.objects.get(code=YUETANG_2)
    assert (new_grid.name, new_grid.level, new_grid.parent.code) == (
        "月塘社区第2网格",
        RegionLevel.GRID,
        "430202001001",
    )
    assert new_grid.prefix == YUETANG_2 and new_grid.history.count() == 1
    assert locator.locate(lng=113.27, lat=27.86) == YUETANG_2  # the locator follows at once
    assert locator.locate(lng=113.25, lat=27.86) == YUETANG_1
    entry = AuditLog.objects.get(action=AuditAction.IMPORT, object_type="geo.regionshape")
    assert entry.changes["created"] == 1 and entry.changes["updated"] == 1 and entry.actor == admin


def test_importing_the_same_file_again_changes_nothing(grids, admin):
    data = geojson(feature(YUETANG_1, box(113.24, 27.84, 113.28, 27.88)))
    before = snapshot()
    result = run(data, admin)
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert snapshot() == before


def test_a_gcj02_file_is_stored_in_wgs84(grids, admin):
    west, south, east, north = 113.24, 27.84, 113.28, 27.88
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    in_gcj = [list(reversed(prcoords.wgs_gcj((lat, lng)))) for lng, lat in corners]
    result = run(geojson(feature(YUETANG_1, {"type": "Polygon", "coordinates": [in_gcj]})), admin, coord_system="gcj02")
    assert result.ok, result.errors
    stored = RegionShape.objects.get(region_code=YUETANG_1)
    assert shapely.hausdorff_distance(shape(stored.geometry), box(west, south, east, north)) < 2e-6  # ≈ 0.2 m
    assert (stored.min_lng, stored.max_lat) == pytest.approx((west, north), abs=2e-6)


def test_a_csv_with_a_wkt_column_is_imported_like_geojson(grids, admin):
    rows = [
        "区划代码,名称,层级,边界",
        f'{YUETANG_1},,,"{box(113.24, 27.84, 113.26, 27.88).wkt}"',
        f'{YUETANG_2},月塘社区第2网格,网格,"{box(113.26, 27.84, 113.28, 27.88).wkt}"',
    ]
    result = run("\n".join(rows).encode(), admin, name="grids.csv")
    assert result.ok, result.errors
    assert Region.objects.filter(code=YUETANG_2, parent__code="430202001001").exists()


def test_a_dry_run_checks_and_writes_nothing(grids, admin):
    before = snapshot()
    data = geojson(feature(YUETANG_2, box(113.26, 27.84, 113.28, 27.88), name="月塘社区第2网格", level="grid"))
    result = run(geojson(feature(YUETANG_1, box(113.24, 27.84, 113.26, 27.88))), admin, dry_run=True)
    assert result.ok and snapshot() == before
    assert not run(data, admin, dry_run=True).ok  # overlaps the stored 第1网格, which still covers the community


# --- bad files -------------------------------------------------------------------------------------


def test_every_broken_feature_is_named_and_nothing_is_written(grids, admin):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[113.24, 27.84], [113.28, 27.88], [113.28, 27.84], [113.24, 27.88], [113.24, 27.84]]],
    }
    unclosed = {
        "type": "Polygon",
        "coordinates": [[[113.24, 27.84], [113.28, 27.84], [113.28, 27.88], [113.24, 27.88]]],
    }
    data = geojson(
        feature(YUETANG_1, unclosed),
        feature("430211004001001", bow_tie),
        feature("430211004001002", {"type": "Point", "coordinates": [113.11, 27.80]}),
        feature("430211999001001", box(113.08, 27.78, 113.10, 27.82)),
        feature("430211004", box(27.75, 113.05, 27.85, 113.15)),  # latitude first
        feature("430211004", box(113.05, 27.75, 113.15, 27.85)),
        feature("430211004001", box(113.08, 27.78, 113.12, 27.82), level="网格"),
        {"type": "Feature", "properties": {}, "geometry": None},
    )
    before = snapshot()
    result = run(data, admin)
    assert not result.ok and snapshot() == before
    errors = "\n".join(result.errors)
    assert f"第 1 个要素({YUETANG_1}):环未闭合" in errors
    assert "第 2 个要素(430211004001001):边界无效:边界自相交" in errors
    assert "第 3 个要素(430211004001002):几何类型为 Point,仅支持 Polygon 或 MultiPolygon" in errors
    assert "第 4 个要素(430211999001001):区划代码 430211999001001 不存在" in errors
    assert "第 5 个要素(430211004):坐标超出经纬度范围" in errors
    assert "第 6 个要素(430211004):区划代码与第 5 个要素(430211004)重复" in errors
    assert "第 7 个要素(430211004001):层级为“网格”,但系统中 430211004001 是“村(社区)”" in errors
    assert "第 8 个要素(无代码):缺少区划代码" in errors


def test_a_cell_overlapping_a_sibling_beyond_the_tolerance_is_refused(grids, admin):
    overlapping = feature(TAISHAN_3, box(113.09, 27.78, 113.12, 27.79), name="泰山社区第3网格", level="网格")
    result = run(geojson(overlapping), admin)
    assert not result.ok and not Region.objects.filter(code=TAISHAN_3).exists()
    assert any("与同级区划 430211004001001 重叠" in error for error in result.errors), result.errors
    assert any("与同级区划 430211004001002 重叠" in error for error in result.errors), result.errors


def test_a_sliver_of_overlap_within_the_tolerance_is_accepted_unless_the_tolerance_is_zero(grids, admin):
    # 第1网格 moved 5 m east (0.00005°): a ~220 m² sliver over 第2网格, far below 1% of a 9 km² cell.
    nudged = geojson(feature("430211004001001", box(113.08, 27.78, 113.10005, 27.82)))
    refused = run(nudged, admin, overlap_share=0, overlap_m2=0)
    assert not refused.ok and "重叠" in refused.errors[0]
    assert run(nudged, admin).ok


def test_a_cell_reaching_outside_its_parent_is_refused(grids, admin):
    reaching = feature(YUETANG_1, box(113.24, 27.84, 113.30, 27.88))
    result = run(geojson(reaching), admin)
    assert not result.ok
    assert "超出上级区划 430202001001 的边界" in result.errors[0]


def test_a_new_parent_outline_must_still_hold_its_stored_children(grids, admin):
    shrunk = feature("430202001001", box(113.24, 27.84, 113.26, 27.88))
    result = run(geojson(shrunk), admin)
    assert not result.ok and "已有边界 430202001001001" in result.errors[0]


def test_a_new_grid_cell_needs_a_known_community_and_a_name(grids, admin):
    result = run(
        geojson(
            feature("430211004999001", box(113.13, 27.78, 113.14, 27.79), name="无社区网格", level="网格"),
            feature("430202001001009", box(113.27, 27.85, 113.275, 27.855), level="网格"),
        ),
        admin,
    )
    assert "第 1 个要素(430211004999001):新建网格须在已有的村(社区)之下" in result.errors[0]
    assert "第 2 个要素(430202001001009):区划代码 430202001001009 不存在" in result.errors[1]


def test_an_administrator_imports_only_inside_the_jurisdiction(grids, zhuzhou, admin):
    hetang_admin = make_user("hetang_admin", "荷塘管理员", (zhuzhou.hetang_centre, Role.SYSADMIN))
    data = geojson(
        feature(YUETANG_1, box(113.24, 27.84, 113.28, 27.88)),
        feature("430211004001001", box(113.08, 27.78, 113.10, 27.82)),
    )
    result = run(data, hetang_admin)
    assert result.errors == ["第 2 个要素(430211004001001):区划 430211004001001 不在您的管辖范围内"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "不是合法的 GeoJSON"),
        (b'{"type": "Polygon", "coordinates": []}', "顶层应为 FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "没有要素"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(data, message):
    with pytest.raises(ApplicationError) as refused:
        read_features(SimpleUploadedFile("shapes.geojson", data))
    assert message in refused.value.message


def test_a_bad_wkt_row_is_named_by_its_row(grids, admin):
    data = f'code,wkt\n{YUETANG_1},"POLYGON((113.24 27.84, 113.28 27.84, 113.28 27.88))"\n'.encode()
    result = run(data, admin, name="grids.csv")
    assert result.errors[0].startswith(f"第 2 行({YUETANG_1}):")


def test_an_excel_sheet_with_a_wkt_column_is_imported_too(grids, admin):
    sheet = xlsx_bytes(
        ["区划代码", "名称", "层级", "边界"],
        [
            [YUETANG_1, "", "", box(113.24, 27.84, 113.26, 27.88).wkt],
            [YUETANG_2, "月塘社区第2网格", "网格", box(113.26, 27.84, 113.28, 27.88).wkt],
        ],
    )
    result = run(sheet, admin, name="grids.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.details["grids_created"]) == (1, 1, 1)
