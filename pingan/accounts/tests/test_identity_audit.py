"""The audit of identity (pingan.accounts.signals): sign-in, failed sign-in, sign-out, posts and rights.
Outside reference: GB/T 22239-2019 (等保 2.0) 8.1.4.3 a)–c): 审计覆盖到每个用户,对重要的用户行为和重要安全事件
进行审计;审计记录包括事件的日期和时间、用户、事件类型、事件是否成功. A failed sign-in keeps the username tried,
never the password (Django's user_login_failed signal cleanses it: docs ref/contrib/auth, "user_login_failed")."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, Permission

from conftest import PASSWORD, make_user
from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.core.models import AuditAction, AuditLog


def entries(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action).order_by("pk"))


@pytest.mark.django_db
def test_sign_in_failure_and_sign_out_on_the_web(people, client):
    response = client.post("/accounts/login/", {"username": "songshan_clerk", "password": "Wrong-guess-1"})
    assert response.status_code == 200
    [failed] = entries(AuditAction.LOGIN_FAILED)
    assert failed.actor is None and failed.changes == {"username": "songshan_clerk", "via": "web"}
    assert "Wrong-guess-1" not in json.dumps(failed.changes, ensure_ascii=False) + failed.reason + failed.object_repr

    client.post("/accounts/login/", {"username": "nobody_here", "password": "x"})
    assert entries(AuditAction.LOGIN_FAILED)[-1].changes["username"] == "nobody_here"

    response = client.post("/accounts/login/", {"username": "songshan_clerk", "password": PASSWORD})
    assert response.status_code == 302
    [login] = entries(AuditAction.LOGIN)
    assert login.actor == people.clerk and login.object_id == str(people.clerk.pk)
    assert login.changes == {"via": "web"} and login.ip == "127.0.0.1"

    client.post("/accounts/logout/")
    [logout] = entries(AuditAction.LOGOUT)
    assert logout.actor == people.clerk and logout.changes == {"via": "web"}


@pytest.mark.django_db
def test_sign_in_to_the_back_office(client):
    root = User.objects.create_superuser("root", password="Pingan-root-2022")
    client.post("/admin/login/?next=/admin/", {"username": "root", "password": "bad"})
    client.post("/admin/login/?next=/admin/", {"username": "root", "password": "Pingan-root-2022"})
    assert [e.changes["via"] for e in entries(AuditAction.LOGIN_FAILED)] == ["admin"]
    [login] = entries(AuditAction.LOGIN)
    assert login.actor == root and login.changes == {"via": "admin"}


@pytest.mark.django_db
def test_a_post_created_changed_deactivated_and_deleted(zhuzhou, people):
    user = make_user("new_member", "新成员")
    membership = Membership.objects.create(user=user, organization=zhuzhou.songshan_centre, role=Role.CENTRE_STAFF)
    membership.role = Role.CENTRE_HEAD
    membership.save()
    membership.is_active = False
    membership.save()
    membership.save()  # nothing changed: nothing written
    membership.delete()
    rows = entries(AuditAction.ROLE_CHANGE)
    staff = {"organization": "C430211004", "role": "centre_staff", "is_active": True}
    head = {**staff, "role": "centre_head"}
    off = {**head, "is_active": False}
    assert [(e.changes["before"], e.changes["after"]) for e in rows[-4:]] == [
        (None, staff),
        (staff, head),
        (head, off),
        (off, None),
    ]
    assert {(e.object_type, e.object_id, e.region_code, e.changes["user"]) for e in rows[-4:]} == {
        ("accounts.user", str(user.pk), "430211004", "new_member")
    }


@pytest.mark.django_db
def test_a_post_changed_in_the_back_office_names_who_changed_it(zhuzhou, people, client):
    root = User.objects.create_superuser("root", password="Pingan-root-2022")
    client.force_login(root)
    membership = people.clerk.memberships.get()
    response = client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {
            "user": people.clerk.pk,
            "organization": zhuzhou.songshan_centre.pk,
            "role": Role.CENTRE_STAFF,
            "is_active": "",  # unticked: deactivated
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = entries(AuditAction.ROLE_CHANGE)[-1]
    assert entry.actor == root
    assert entry.changes["before"]["is_active"] is True and entry.changes["after"]["is_active"] is False


@pytest.mark.django_db
def test_groups_permissions_and_flags(people):
    clerk = people.clerk
    group = Group.objects.create(name="安全审计员")
    permission = Permission.objects.get(codename="view_auditlog")
    clerk.groups.add(group)
    clerk.user_permissions.add(permission)
    group.user_set.remove(clerk)  # from the other side
    clerk.user_permissions.clear()
    clerk.is_staff = True
    clerk.save()
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    changes = [e.changes for e in entries(AuditAction.PERMISSION_CHANGE) if e.object_id == str(clerk.pk)]
    assert changes == [
        {"groups": {"added": ["安全审计员"], "removed": []}},
        {"user_permissions": {"added": ["core.view_auditlog"], "removed": []}},
        {"groups": {"added": [], "removed": ["安全审计员"]}},
        {"user_permissions": {"added": [], "removed": ["core.view_auditlog"]}},
        {"is_staff": {"before": False, "after": True}},
        {"is_active": {"before": True, "after": False}},
    ]


@pytest.mark.django_db
def test_a_new_superuser_is_a_grant_of_rights():
    root = User.objects.create_superuser("root2", password="Pingan-root-2022")
    [entry] = [e for e in entries(AuditAction.PERMISSION_CHANGE) if e.object_id == str(root.pk)]
    assert entry.changes == {
        "is_staff": {"before": None, "after": True},
        "is_superuser": {"before": None, "after": True},
    }
