"""Importing regions and organisations from Excel and CSV: all rows checked first, all errors reported
with row numbers, and nothing written unless the whole file is right."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import csv_bytes, upload, xlsx_bytes
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.services import organizations_import, read_table, regions_import

REGION_HEADER = ["区划代码", "名称", "层级", "上级代码"]
ORG_HEADER = ["机构代码", "名称", "类型", "区划代码", "电话", "地址"]


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", password="Pingan-root-2022")


def test_good_xlsx_creates_and_updates_regions(zhuzhou, admin_user):
    data = xlsx_bytes(
        REGION_HEADER,
        [
            # A child before its parent, codes typed as numbers, levels as words and numbers.
            [430211005001, "三门村", "村社区", 430211005],
            [430211005, "三门镇", "乡镇", 430211],
            ["430211004001", "泰山社区居委会", 4, "430211004"],  # renamed
            ["430211004", "嵩山路街道", "乡镇(街道)", "430211"],  # unchanged
            [None, None, None, None],
        ],
    )
    rows = read_table(upload("regions.xlsx", data))
    result = regions_import(rows=rows, actor=admin_user)

    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.unchanged) == (4, 2, 1, 1)
    village = Region.objects.get(code="430211005001")
    assert village.parent is not None and village.parent.code == "430211005" and village.level == RegionLevel.COMMUNITY
    assert village.prefix == "430211005001"
    assert village.is_within(zhuzhou.tianyuan)
    assert Region.objects.get(code="430211004001").name == "泰山社区居委会"
    entry = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert entry.actor == admin_user and entry.object_type == "regions.region"
    assert entry.changes == {"total": 4, "created": 2, "updated": 1, "unchanged": 1}


def test_good_csv_with_bom_imports_organizations(zhuzhou, admin_user):
    data = csv_bytes(
        ORG_HEADER,
        [
            ["P430211004", "嵩山路派出所", "公安(派出所)", "430211004", "0731 2288 1100", "嵩山路1号"],
            ["M430211004", "嵩山路街道人民调解委员会", "mediation", "430211004", "13800138000", ""],
        ],
    )
    result = organizations_import(rows=read_table(upload("orgs.csv", data)), actor=admin_user)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    police = Organization.objects.get(code="P430211004")
    assert police.org_type == OrgType.POLICE and police.region == zhuzhou.songshan
    assert police.phone == "0731-22881100"
    assert Organization.objects.get(code="M430211004").phone == "13800138000"


def test_gbk_csv_is_read(zhuzhou, admin_user):
    data = csv_bytes(["code", "name", "level", "parent"], [["430211005", "三门镇", "乡镇", "430211"]], "gbk")
    result = regions_import(rows=read_table(upload("regions.csv", data)), actor=admin_user)
    assert result.ok, result.errors
    assert Region.objects.get(code="430211005").name == "三门镇"


def test_optional_columns_left_out_keep_stored_values(zhuzhou, admin_user):
    zhuzhou.songshan_centre.phone = "0731-22880000"
    zhuzhou.songshan_centre.save()
    data = csv_bytes(
        ["机构代码", "名称", "类型", "区划代码"], [["C430211004", "嵩山路街道综治中心", "综治中心", "430211004"]]
    )
    assert organizations_import(rows=read_table(upload("o.csv", data)), actor=admin_user).ok
    zhuzhou.songshan_centre.refresh_from_db()
    assert zhuzhou.songshan_centre.phone == "0731-22880000"


def test_file_with_errors_writes_nothing_and_lists_every_error(zhuzhou, admin_user):
    before = set(Region.objects.values_list("code", "name"))
    data = xlsx_bytes(
        REGION_HEADER,
        [
            ["430211005", "三门镇", "乡镇", "430211"],  # row 2: fine on its own
            ["430211006", "群丰镇", "乡镇", "430299"],  # row 3: unknown parent
            ["430202009", "错挂镇", "乡镇", "430211"],  # row 4: code outside the parent
            ["430211007", "雷打石镇", "镇级", "430211"],  # row 5: bad level
            ["430211005", "三门镇(重复)", "乡镇", "430211"],  # row 6: duplicate of row 2
            ["430211008", "", "乡镇", "430211"],  # row 7: no name
            ["430211009001", "某村", "乡镇", "430211009"],  # row 8: parent in neither file nor database
        ],
    )
    result = regions_import(rows=read_table(upload("bad.xlsx", data)), actor=admin_user)

    assert not result.ok
    text = "\n".join(result.errors)
    assert "第 3 行:上级代码 430299 不存在" in text
    assert "第 4 行:区划代码 430202009 与上级代码 430211 不符(应以 430211 开头)" in text
    assert "第 5 行:层级“镇级”无效" in text
    assert "第 6 行:代码 430211005 与第 2 行重复" in text
    assert "第 7 行:名称不能为空" in text
    assert "第 8 行:上级代码 430211009 不存在" in text
    assert not any(e.startswith("第 2 行") for e in result.errors)
    assert set(Region.objects.values_list("code", "name")) == before
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()


def test_organization_errors_are_reported_by_row(zhuzhou, admin_user):
    data = csv_bytes(
        ORG_HEADER,
        [
            ["X1", "某单位", "街道办", "430211004", "", ""],  # unknown type
            ["X2", "某单位", "综治中心", "439999", "", ""],  # unknown region
            ["X3", "某单位", "综治中心", "430211004", "12345", ""],  # bad phone
        ],
    )
    result = organizations_import(rows=read_table(upload("orgs.csv", data)), actor=admin_user)
    assert [e.split(":")[0] for e in result.errors] == ["第 2 行", "第 3 行", "第 4 行"]
    assert "机构类型“街道办”无效" in result.errors[0]
    assert "区划代码 439999 不存在" in result.errors[1]
    assert "电话 12345" in result.errors[2]
    assert not Organization.objects.filter(code__startswith="X").exists()


def test_missing_column_is_reported(zhuzhou, admin_user):
    data = csv_bytes(["区划代码", "名称"], [["430211005", "三门镇"]])
    result = regions_import(rows=read_table(upload("r.csv", data)), actor=admin_user)
    assert result.errors == ["缺少列:层级、上级代码"]


def test_management_command_imports_and_refuses_bad_files(zhuzhou, admin_user, tmp_path):
    good = tmp_path / "regions.csv"
    good.write_bytes(csv_bytes(REGION_HEADER, [["430211005", "三门镇", "乡镇", "430211"]]))
    out = io.StringIO()
    call_command("import_regions", str(good), "--user", "root", stdout=out)
    assert "1 created" in out.getvalue()
    assert AuditLog.objects.get(action=AuditAction.IMPORT).actor == admin_user

    bad = tmp_path / "orgs.xlsx"
    bad.write_bytes(xlsx_bytes(ORG_HEADER, [["X1", "某单位", "街道办", "430211004", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_organizations", str(bad), stderr=err)
    assert "第 2 行" in err.getvalue()


# --- the admin page ------------------------------------------------------------------------------


def test_admin_changelist_offers_import_to_those_who_may_add(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/regions/region/")
    assert "从Excel/CSV导入" in page.content.decode()
    assert 'href="/admin/regions/region/import/"' in page.content.decode()


def test_admin_import_page_imports_and_shows_counts(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/regions/organization/import/").status_code == 200
    data = xlsx_bytes(ORG_HEADER, [["P430211004", "嵩山路派出所", "公安(派出所)", "430211004", "", ""]])
    response = client.post("/admin/regions/organization/import/", {"file": upload("orgs.xlsx", data)})
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert Organization.objects.filter(code="P430211004").exists()


def test_admin_import_page_lists_errors(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    data = csv_bytes(REGION_HEADER, [["430202009", "错挂镇", "乡镇", "430211"]])
    response = client.post("/admin/regions/region/import/", {"file": upload("bad.csv", data)})
    body = response.content.decode()
    assert "未导入任何数据" in body and "第 2 行" in body
    assert not Region.objects.filter(code="430202009").exists()


def test_admin_import_refuses_other_file_types(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/regions/region/import/", {"file": upload("regions.xls", b"\xd0\xcf\x11\xe0")})
    assert "仅支持 .xlsx 和 .csv 文件" in response.content.decode()


def test_admin_import_needs_the_add_permission(client, zhuzhou, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="Pingan-view-2022", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_region"))
    client.force_login(viewer)
    page = client.get("/admin/regions/region/")
    assert page.status_code == 200 and "从Excel/CSV导入" not in page.content.decode()
    assert client.get("/admin/regions/region/import/").status_code == 403
    data = csv_bytes(REGION_HEADER, [["430211005", "三门镇", "乡镇", "430211"]])
    assert client.post("/admin/regions/region/import/", {"file": upload("r.csv", data)}).status_code == 403
    assert not Region.objects.filter(code="430211005").exists()


def test_a_district_administrator_imports_only_inside_the_district(zhuzhou, people):
    """荷塘区's administrator may not create a community under 天元区 (nor anything outside 荷塘区)."""
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership

    admin = people.hetang_clerk
    Membership.objects.create(user=admin, organization=zhuzhou.hetang_centre, role=Role.SYSADMIN)
    rows = [
        {"区划代码": "430202001099", "名称": "新社区", "层级": "村社区", "上级代码": "430202001"},
        {"区划代码": "430211004099", "名称": "越界社区", "层级": "村社区", "上级代码": "430211004"},
    ]
    result = regions_import(rows=rows, actor=admin)
    assert not result.ok and len(result.errors) == 1 and "430211004099" in result.errors[0]
    assert not Region.objects.filter(code__in=["430202001099", "430211004099"]).exists()  # nothing half-written
    orgs = [{"机构代码": "X1", "名称": "越界中心", "类型": "综治中心", "区划代码": "430211004"}]
    assert not organizations_import(rows=orgs, actor=admin).ok
    assert regions_import(rows=rows[:1], actor=admin).ok
