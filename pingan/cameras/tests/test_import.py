"""Importing a camera file: every point located in bulk, every problem named by its row, all or nothing."""

from __future__ import annotations

import datetime

import prcoords
import pytest

from pingan.cameras.choices import CameraStatus, CameraType
from pingan.cameras.importing import read_camera_file
from pingan.cameras.models import Camera
from pingan.cameras.services import cameras_import
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import csv_bytes, upload, xlsx_bytes

HEADER = ["点位编码", "点位名称", "类型", "状态", "经度", "纬度", "安装地址", "建设/权属单位", "安装日期"]
GOOD_ROWS = [
    ["XL001", "泰山路口", "枪机", "在线", "113.09", "27.80", "泰山路1号", "株洲市公安局", "2021-05-06"],
    ["XL002", "公园东门", "dome", "故障", "113.11", "27.81", "", "天元区城管局", "2020/1/2"],
    ["XL003", "社区广场", "人脸抓拍", "", "113.095", "27.79", "", "株洲市公安局", ""],
]


def import_csv(actor, rows, header=HEADER, **kwargs):
    return cameras_import(rows=read_camera_file(upload("cameras.csv", csv_bytes(header, rows))), actor=actor, **kwargs)


@pytest.mark.django_db
def test_a_clean_file_is_imported_and_every_point_located(grids, people):
    result = import_csv(people.district_clerk, GOOD_ROWS)
    assert result.ok, result.errors
    assert (result.total, result.created, result.updated) == (3, 3, 0)
    cameras = {c.code: c for c in Camera.objects.all()}
    assert cameras["XL001"].grid == grids.taishan_1
    assert cameras["XL002"].grid == grids.taishan_2
    assert cameras["XL002"].camera_type == CameraType.DOME and cameras["XL002"].status == CameraStatus.FAULT
    assert cameras["XL002"].installed_on == datetime.date(2020, 1, 2)
    assert cameras["XL003"].status == CameraStatus.ONLINE and cameras["XL003"].installed_on is None
    assert Camera.history.filter(code="XL001", history_type="+").exists()
    assert AuditLog.objects.get(action=AuditAction.IMPORT).changes["created"] == 3


@pytest.mark.django_db
def test_an_excel_file_with_date_and_number_cells_is_imported(grids, people):
    rows = [["XL010", "泰山路口", "球机", "离线", 113.09, 27.80, "", "株洲市公安局", datetime.datetime(2019, 3, 4)]]
    result = cameras_import(
        rows=read_camera_file(upload("cameras.xlsx", xlsx_bytes(HEADER, rows))), actor=people.district_clerk
    )
    assert result.ok, result.errors
    camera = Camera.objects.get(code="XL010")
    assert camera.installed_on == datetime.date(2019, 3, 4) and camera.status == CameraStatus.OFFLINE


@pytest.mark.django_db
def test_a_gbk_csv_with_gcj02_points_is_converted(grids, people):
    gcj = prcoords.wgs_gcj((27.80, 113.09))
    rows = [["XL020", "泰山路口", "枪机", "在线", f"{gcj.lon:.7f}", f"{gcj.lat:.7f}", "", "株洲市公安局", ""]]
    data = csv_bytes(HEADER, rows, encoding="gbk")
    result = cameras_import(
        rows=read_camera_file(upload("c.csv", data)), actor=people.district_clerk, coord_system="gcj02"
    )
    assert result.ok, result.errors
    camera = Camera.objects.get(code="XL020")
    assert camera.grid == grids.taishan_1 and abs(float(camera.lng) - 113.09) < 2e-6


@pytest.mark.django_db
def test_importing_again_updates_what_changed_and_leaves_the_rest(grids, people):
    import_csv(people.district_clerk, GOOD_ROWS)
    changed = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1]), list(GOOD_ROWS[2])]
    changed[0][3] = "离线"
    changed[1][4] = "113.085"  # moved west, into 第1网格
    result = import_csv(people.district_clerk, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Camera.objects.get(code="XL001").status == CameraStatus.OFFLINE
    assert Camera.objects.get(code="XL002").grid == grids.taishan_1


@pytest.mark.django_db
def test_every_bad_row_is_named_and_nothing_is_written(grids, people):
    rows = [
        GOOD_ROWS[0],
        ["XL001", "重复编码", "枪机", "在线", "113.09", "27.80", "", "株洲市公安局", ""],
        ["XL004", "类型不对", "鱼眼", "在线", "113.09", "27.80", "", "株洲市公安局", ""],
        ["XL005", "坐标不是数字", "枪机", "在线", "东经113", "27.80", "", "株洲市公安局", ""],
        ["XL006", "状态不对", "枪机", "坏了", "113.09", "27.80", "", "株洲市公安局", ""],
        ["XL007", "日期不对", "枪机", "在线", "113.09", "27.80", "", "株洲市公安局", "2021-13-01"],
        ["XL008", "", "枪机", "在线", "113.09", "27.80", "", "", ""],
    ]
    result = import_csv(people.district_clerk, rows)
    assert not result.ok
    text = "\n".join(result.errors)
    assert "第 3 行" in text and "与第 2 行重复" in text
    assert "第 4 行:类型“鱼眼”无效" in text
    assert "第 5 行:经纬度应为数字" in text
    assert "第 6 行" in text and "坏了" in text
    assert "第 7 行" in text and "2021-13-01" in text
    assert "第 8 行:点位名称不能为空" in text and "第 8 行:建设/权属单位不能为空" in text
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_points_outside_every_grid_or_the_jurisdiction_are_refused(grids, people):
    rows = [
        GOOD_ROWS[0],
        ["XL030", "城外", "枪机", "在线", "112.0", "26.0", "", "株洲市公安局", ""],
        ["XL031", "荷塘区的点", "枪机", "在线", "113.26", "27.86", "", "荷塘区城管局", ""],
    ]
    result = import_csv(people.district_clerk, rows)
    assert result.errors == [
        "第 3 行:位置(112.000000, 26.000000)不在任何网格内",
        "第 4 行:位置(113.260000, 27.860000)不在您的辖区内",
    ]
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused(grids, people):
    result = import_csv(people.district_clerk, [["XL001", "泰山路口"]], header=["点位编码", "点位名称"])
    assert result.errors and "缺少列" in result.errors[0] and "经度" in result.errors[0]


@pytest.mark.django_db
def test_only_editors_import(grids, people):
    with pytest.raises(PermissionDeniedError):
        import_csv(people.mediator, GOOD_ROWS)


def test_a_file_that_is_neither_excel_nor_csv_is_refused():
    with pytest.raises(ApplicationError):
        read_camera_file(upload("cameras.xls", b"\xd0\xcf\x11\xe0 old excel"))
