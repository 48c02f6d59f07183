"""Importing users and their posts (岗位) from Excel and CSV: every row checked first, every error reported
with its row number, nothing written unless the whole file is right, no passwords and no administrator
roles (三员分立) by import."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.accounts.services import users_import
from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import csv_bytes, upload, xlsx_bytes
from pingan.regions.services import read_table

HEADER = ["用户名", "姓名", "手机号", "机构代码", "角色", "启用"]


def run(name: str, data: bytes, actor):
    return users_import(rows=read_table(upload(name, data)), actor=actor)


def posts(username: str) -> set[tuple[str, str, bool]]:
    return set(
        Membership.objects.filter(user__username=username).values_list("organization__code", "role", "is_active")
    )


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", password="Pingan-root-2022")


GOOD_ROWS = [
    # A new user with two posts, roles as a label and as a value, phone typed as a number.
    ["grid_li", "李网格", 13800138001, "C430211004001", "网格员", "是"],
    ["grid_li", "李网格", "", "C430211004", "centre_staff", ""],
    # An existing user: new phone, one more post, and their existing post listed again.
    ["songshan_mediator", "王调解", "13900139000", "M430211004", "调解员", "是"],
    ["songshan_mediator", "王调解", "", "J430211004", "职能部门工作人员", "否"],
]


def test_good_xlsx_creates_users_without_passwords_and_their_posts(zhuzhou, people, admin_user):
    result = run("users.xlsx", xlsx_bytes(HEADER, GOOD_ROWS), admin_user)

    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.unchanged) == (4, 3, 1, 0)
    li = User.objects.get(username="grid_li")
    assert li.full_name == "李网格" and li.phone == "13800138001"
    assert not li.has_usable_password() and li.is_active and not li.is_staff
    assert li.must_change_password  # whoever sets the first password, li changes it at the first sign-in
    assert posts("grid_li") == {("C430211004001", Role.GRID_WORKER, True), ("C430211004", Role.CENTRE_STAFF, True)}
    assert li.can_see_code("430211004001")

    people.mediator.refresh_from_db()
    assert people.mediator.phone == "13900139000" and people.mediator.has_usable_password()
    assert posts("songshan_mediator") == {
        ("M430211004", Role.MEDIATOR, True),
        ("J430211004", Role.DEPARTMENT_STAFF, False),  # listed as 否: created switched off
    }
    assert any("grid_li" in note and "设置初始密码" in note for note in result.notes)

    entry = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert entry.actor == admin_user and entry.object_type == "accounts.user"
    assert entry.changes == {
        "total": 4,
        "created": 3,
        "updated": 1,
        "unchanged": 0,
        "users_created": 1,
        "users_updated": 1,
        "memberships_created": 3,
        "memberships_changed": 0,
    }

    # The same file again changes nothing (but is logged again).
    again = run("users.xlsx", xlsx_bytes(HEADER, GOOD_ROWS), admin_user)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert again.details["users_created"] == 0 and not again.notes
    assert AuditLog.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_good_csv_updates_names_and_switches_posts_leaving_others_alone(zhuzhou, people, admin_user):
    Membership.objects.create(user=people.clerk, organization=zhuzhou.tianyuan_centre, role=Role.CENTRE_STAFF)
    Membership.objects.filter(user=people.head).update(is_active=False)
    data = csv_bytes(
        ["username", "full_name", "organization", "role"],  # English headers, no phone nor 启用 column
        [
            ["songshan_clerk", "刘晓明", "C430211004", "综治中心工作人员"],  # renamed; post unchanged
            ["songshan_head", "陈主任", "C430211004", "centre_head"],  # post switched back on
        ],
    )
    result = run("users.csv", data, admin_user)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    people.clerk.refresh_from_db()
    assert people.clerk.full_name == "刘晓明" and people.clerk.has_usable_password()
    assert posts("songshan_clerk") == {
        ("C430211004", Role.CENTRE_STAFF, True),
        ("C430211", Role.CENTRE_STAFF, True),  # not listed: left alone
    }
    assert posts("songshan_head") == {("C430211004", Role.CENTRE_HEAD, True)}


def test_gbk_csv_is_read(zhuzhou, admin_user):
    data = csv_bytes(HEADER, [["grid_wu", "吴网格", "", "C430211004001", "网格员", "是"]], "gbk")
    assert run("users.csv", data, admin_user).ok
    assert User.objects.get(username="grid_wu").full_name == "吴网格"


def test_file_with_errors_writes_nothing_and_lists_every_error(zhuzhou, people, admin_user):
    zhuzhou.yuetang_centre.is_active = False
    zhuzhou.yuetang_centre.save()
    users_before = set(User.objects.values_list("username", "full_name", "phone"))
    posts_before = set(Membership.objects.values_list("user_id", "organization_id", "role", "is_active"))
    data = xlsx_bytes(
        HEADER,
        [
            ["grid_li", "李网格", "", "C430211004001", "网格员", "是"],  # row 2: fine on its own
            ["grid_zhang", "张网格", "", "X999", "网格员", ""],  # row 3: unknown organisation
            ["grid_zhang", "张网格", "", "C430211004001", "队长", ""],  # row 4: unknown role
            ["grid_zhao", "赵网格", "12345", "C430211004001", "网格员", ""],  # row 5: bad phone
            ["grid_li", "李小网", "", "C430211004", "网格员", ""],  # row 6: another name for grid_li
            ["grid_li", "李网格", "", "C430211004001", "grid_worker", ""],  # row 7: duplicate of row 2
            ["grid_qian", "钱网格", "", "C430202001", "网格员", ""],  # row 8: organisation switched off
            ["grid_sun", "", "", "C430211004001", "网格员", "也许"],  # row 9: no name, bad 启用
            ["songshan_clerk", "刘晓明", "", "C430211004", "综治中心工作人员", ""],  # row 10: would rename
        ],
    )
    result = run("bad.xlsx", data, admin_user)

    assert not result.ok
    text = "\n".join(result.errors)
    assert "第 3 行:机构代码 X999 不存在" in text
    assert "第 4 行:角色“队长”无效" in text
    assert "第 5 行:手机号 12345" in text
    assert "第 6 行:用户名 grid_li 的姓名“李小网”与第 2 行的“李网格”不一致" in text
    assert "第 7 行:用户 grid_li 在机构 C430211004001 的角色“网格员”与第 2 行重复" in text
    assert "第 8 行:机构 C430202001(月塘街道综治中心)已停用" in text
    assert "第 9 行:姓名不能为空" in text and "第 9 行:启用“也许”无效" in text
    assert not any(e.startswith(("第 2 行", "第 10 行")) for e in result.errors)
    assert [int(e.split(" ")[1]) for e in result.errors] == sorted(int(e.split(" ")[1]) for e in result.errors)
    assert set(User.objects.values_list("username", "full_name", "phone")) == users_before
    assert set(Membership.objects.values_list("user_id", "organization_id", "role", "is_active")) == posts_before
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()


@pytest.mark.parametrize("role", ["系统管理员", "secadmin", "安全审计员"])
def test_administrator_roles_are_refused(zhuzhou, admin_user, role):
    data = csv_bytes(HEADER, [["it_wang", "王管理", "", "C430200", role, "是"]])
    result = run("admins.csv", data, admin_user)
    assert result.errors == ["第 2 行:管理员角色须由安全管理员在后台单独授予"]
    assert not User.objects.filter(username="it_wang").exists()


def test_administrator_accounts_are_not_touched(zhuzhou, admin_user):
    data = csv_bytes(HEADER, [["root", "某人", "", "C430200", "政法委领导", "是"]])
    result = run("root.csv", data, admin_user)
    assert len(result.errors) == 1 and "root 是管理员账号" in result.errors[0]
    assert not Membership.objects.filter(user=admin_user).exists()


def test_missing_columns_are_reported(zhuzhou, admin_user):
    result = run("u.csv", csv_bytes(["用户名", "姓名"], [["grid_li", "李网格"]]), admin_user)
    assert result.errors == ["缺少列:机构代码、角色"]


def test_management_command_imports_and_refuses_bad_files(zhuzhou, admin_user, tmp_path):
    good = tmp_path / "users.csv"
    good.write_bytes(csv_bytes(HEADER, [["grid_li", "李网格", "", "C430211004001", "网格员", "是"]]))
    out = io.StringIO()
    call_command("import_users", str(good), "--user", "root", stdout=out)
    assert "1 created" in out.getvalue()
    assert not User.objects.get(username="grid_li").has_usable_password()
    assert AuditLog.objects.get(action=AuditAction.IMPORT).actor == admin_user

    bad = tmp_path / "users.xlsx"
    bad.write_bytes(xlsx_bytes(HEADER, [["grid_wu", "吴网格", "", "C430211004001", "sysadmin", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_users", str(bad), stderr=err)
    assert "第 2 行:管理员角色须由安全管理员在后台单独授予" in err.getvalue()
    assert not User.objects.filter(username="grid_wu").exists()


# --- the admin page ------------------------------------------------------------------------------


def test_admin_user_changelist_offers_import(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    body = client.get("/admin/accounts/user/").content.decode()
    assert "从Excel/CSV导入" in body and 'href="/admin/accounts/user/import/"' in body


def test_admin_import_page_imports_and_shows_counts(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/accounts/user/import/")
    assert page.status_code == 200 and "按用户名新增或更新用户" in page.content.decode()
    data = xlsx_bytes(HEADER, [["grid_li", "李网格", "", "C430211004001", "网格员", "是"]])
    response = client.post("/admin/accounts/user/import/", {"file": upload("users.xlsx", data)})
    body = response.content.decode()
    assert response.status_code == 200 and "导入完成" in body and "设置初始密码" in body
    assert not User.objects.get(username="grid_li").has_usable_password()


def test_admin_import_page_lists_errors(client, zhuzhou, admin_user):
    client.force_login(admin_user)
    data = csv_bytes(HEADER, [["grid_li", "李网格", "", "C430200", "安全管理员", "是"]])
    body = client.post("/admin/accounts/user/import/", {"file": upload("u.csv", data)}).content.decode()
    assert "未导入任何数据" in body and "第 2 行:管理员角色须由安全管理员在后台单独授予" in body
    assert not User.objects.filter(username="grid_li").exists()


def test_security_administrator_may_import(client, zhuzhou, django_user_model):
    call_command("setup_roles", stdout=io.StringIO())
    secadmin = django_user_model.objects.create_user("secadmin", password="Pingan-sec-2022", is_staff=True)
    secadmin.groups.add(Group.objects.get(name="安全管理员"))
    Membership.objects.create(user=secadmin, organization=zhuzhou.city_centre, role=Role.SECADMIN)  # the city's
    client.force_login(secadmin)
    assert "从Excel/CSV导入" in client.get("/admin/accounts/user/").content.decode()
    data = csv_bytes(HEADER, [["grid_li", "李网格", "", "C430211004001", "网格员", "是"]])
    assert "导入完成" in client.post("/admin/accounts/user/import/", {"file": upload("u.csv", data)}).content.decode()
    assert User.objects.filter(username="grid_li").exists()


def test_admin_import_needs_add_and_change_permission(client, zhuzhou, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="Pingan-view-2022", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    viewer.user_permissions.add(Permission.objects.get(codename="change_user"))
    client.force_login(viewer)
    page = client.get("/admin/accounts/user/")
    assert page.status_code == 200 and "从Excel/CSV导入" not in page.content.decode()
    assert client.get("/admin/accounts/user/import/").status_code == 403
    data = csv_bytes(HEADER, [["grid_li", "李网格", "", "C430211004001", "网格员", "是"]])
    assert client.post("/admin/accounts/user/import/", {"file": upload("u.csv", data)}).status_code == 403
    assert not User.objects.filter(username="grid_li").exists()


def test_a_district_security_administrator_grants_posts_only_inside_the_district(zhuzhou, people):
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership
    from pingan.accounts.services import users_import

    admin = people.hetang_clerk
    Membership.objects.create(user=admin, organization=zhuzhou.hetang_centre, role=Role.SECADMIN)
    rows = [{"用户名": "newbie", "姓名": "新人", "机构代码": zhuzhou.songshan_centre.code, "角色": "综治中心工作人员"}]
    result = users_import(rows=rows, actor=admin)
    assert not result.ok and "不在您的管辖范围内" in result.errors[0]
    rows[0]["机构代码"] = zhuzhou.yuetang_centre.code
    assert users_import(rows=rows, actor=admin).ok
