"""The password policy (pingan.accounts.passwords): complexity, the username, the last five passwords, expiry
and the forced change, on every path that sets a password.

Outside references: GB/T 22239-2019 (等保 2.0) 8.1.4.1 a) "身份鉴别信息具有复杂度要求并定期更换"; the
complexity classes are those of Windows' "Password must meet complexity requirements" policy (Microsoft Learn,
security-policy-settings/password-must-meet-complexity-requirements: uppercase A–Z, lowercase a–z, base-10
digits, non-alphanumeric characters; three categories required; the account name must not be contained,
case-insensitively); the rehash on sign-in is Django's documented "password upgrading" (docs: topics/auth/
passwords, "Password upgrading"), which must not count as a change."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import HttpRequest

from conftest import PASSWORD, TEST_NOW, make_user
from pingan.accounts.models import PasswordHistory, User
from pingan.accounts.passwords import (
    ComplexityValidator,
    HistoryValidator,
    UsernameValidator,
    character_classes,
)
from pingan.accounts.services import password_change_require
from pingan.core.models import AuditAction, AuditLog


def refusals(password: str, user=None) -> set[str | None]:
    """The codes of the configured validators (settings.AUTH_PASSWORD_VALIDATORS) that refuse `password`."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


# Each password with the classes it uses, counted by hand: U capitals, L small letters, D digits, S symbols.
@pytest.mark.parametrize(
    ("password", "classes", "ok"),
    [
        ("Abcdefg1", 3, True),  # U A, L bcdefg, D 1; exactly 8 characters
        ("abcdefg1", 2, False),  # L, D
        ("ABCDEFG1", 2, False),  # U, D
        ("ABCD!@#$", 2, False),  # U, S
        ("abcd!@#1", 3, True),  # L, S, D
        ("Ab1!Ab1!", 4, True),  # all four
        ("12345678", 1, False),  # D only
        ("Pass word9", 4, True),  # U P, L, S the space, D 9
        ("中文密码ab12", 3, True),  # S (Chinese characters are neither letters A–Z/a–z nor digits), L, D
        ("Ab1!", 4, False),  # four classes but 4 characters
        ("Abcdef1", 3, False),  # three classes but 7 characters
    ],
)
def test_complexity_counts_classes_and_length(password, classes, ok):
    assert character_classes(password) == classes
    validator = ComplexityValidator(min_length=8, min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as refused:
            validator.validate(password)
        codes = {e.code for e in refused.value.error_list}
        expected = {"password_too_short"} if len(password) < 8 else set()
        assert codes == expected | ({"password_too_simple"} if classes < 3 else set())


def test_the_messages_and_help_texts_are_chinese():
    with pytest.raises(ValidationError) as refused:
        ComplexityValidator().validate("abc")
    assert refused.value.messages == [
        "密码太短,至少需要 8 个字符",
        "密码须包含大写字母、小写字母、数字、符号中的至少 3 类",
    ]
    help_texts = password_validation.password_validators_help_texts()
    assert help_texts[:3] == [
        "至少 8 个字符,且包含大写字母、小写字母、数字、符号中的至少 3 类。",
        "不能包含用户名(不区分大小写)。",
        "不能与最近使用过的 5 个密码(含当前密码)相同。",
    ]


def test_a_password_may_not_contain_the_username_in_any_case():
    user = User(username="songshan_clerk")
    for password in ("SongShan_Clerk#2026", "x-SONGSHAN_CLERK-9", "songshan_clerk"):
        with pytest.raises(ValidationError) as refused:
            UsernameValidator().validate(password, user)
        assert refused.value.messages == ["密码不能包含用户名"]
    UsernameValidator().validate("Songshan-Clerk#2026", user)  # "-" is not "_": does not contain it
    # Django's similarity check (kept in the settings) refuses it too.
    assert refusals("SongShan_Clerk#2026", user) == {"password_contains_username", "password_too_similar"}


@pytest.mark.django_db
def test_a_new_password_may_not_repeat_one_of_the_last_five():
    user = make_user("hist_user", "历史")  # P0 = PASSWORD
    passwords = [PASSWORD] + [f"Pingan-new-{n}A" for n in range(1, 6)]  # P0..P5
    for password in passwords[1:5]:  # P1..P4: the history is P4 (current), P3, P2, P1, P0
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for password in passwords[:5]:
        assert refusals(password, user) == {"password_reused"}, password
    assert refusals(passwords[5], user) == set()

    user.set_password(passwords[5])  # P5: P0 is now the sixth password back
    user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5  # only as many as are compared
    assert refusals(passwords[0], user) == set()
    assert refusals(passwords[1], user) == {"password_reused"}
    with pytest.raises(ValidationError) as refused:
        HistoryValidator().validate(passwords[3], user)
    assert refused.value.messages == ["新密码不能与最近使用过的 5 个密码(含当前密码)相同"]


@pytest.mark.django_db
def test_every_path_that_changes_the_hash_records_it():
    user = make_user("paths", "路径")
    assert user.password_changed_at == pytest.approx(TEST_NOW, abs=datetime.timedelta(minutes=1))
    # The shell or a command: set_password and save.
    user.set_password("Shell-Set-2026")
    user.save()
    # The demo's way: a hash assigned directly.
    user = User.objects.get(pk=user.pk)
    user.password = make_password("Direct-Hash-2026")
    user.save(update_fields=["password"])
    # The `changepassword` command is set_password + save as well; a saved user whose password is unchanged
    # records nothing.
    User.objects.get(pk=user.pk).save()
    assert PasswordHistory.objects.filter(user=user).count() == 3  # the first password and two changes
    entries = AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(user.pk))
    assert entries.count() == 2  # a new account's first password is not a change
    assert {e.changes["by"] for e in entries} == {"system"}


@pytest.mark.django_db
def test_a_rehash_on_sign_in_is_not_a_change(settings, client):
    user = make_user("rehash", "重哈希")  # hashed with MD5 (the tests' hasher)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert client.login(request=HttpRequest(), username="rehash", password=PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # upgraded, as Django documents
    assert PasswordHistory.objects.filter(user=user).count() == 1
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(user.pk)).exists()


# --- the forced change ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_imported_and_demo_style_accounts_must_change_at_first_sign_in(people, client, api):
    password_change_require([people.clerk.pk])
    people.clerk.refresh_from_db()
    assert people.clerk.must_change_password
    assert refusals(PASSWORD, people.clerk) == {"password_reused"}  # the given password cannot be kept

    client.force_login(people.clerk)
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/?next=%2Fcases%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "您的密码由管理员设置或为初始密码,请先修改密码" in page.content.decode()
    assert client.get("/admin/").status_code == 302  # the back office too

    refused = api(people.clerk).get("/api/v1/cases/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "password_change_required"
    assert "修改密码" in refused.json()["error"]["message"]

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Chosen-By-Me-7",
            "new_password2": "Chosen-By-Me-7",
            "next": "/cases/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    people.clerk.refresh_from_db()
    assert not people.clerk.must_change_password and people.clerk.check_password("Chosen-By-Me-7")
    assert client.get("/cases/").status_code == 200  # still signed in (the session follows the new hash)
    entry = AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(people.clerk.pk)).latest("pk")
    assert entry.actor == people.clerk and entry.changes == {"by": "self", "must_change_password": False}


@pytest.mark.django_db
def test_the_change_page_refuses_a_weak_password_in_chinese(people, client):
    client.force_login(people.clerk)
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "songshan1", "new_password2": "songshan1"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in text
    people.clerk.refresh_from_db()
    assert people.clerk.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_user_menu_offers_the_change_and_anonymous_callers_sign_in_first(people, client):
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/login/")
    client.force_login(people.clerk)
    assert 'href="/accounts/password/">修改密码</a>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_password_set_by_the_security_administrator_must_be_changed(zhuzhou, client):
    call_command("setup_roles", stdout=None)
    from django.contrib.auth.models import Group

    from pingan.accounts.choices import Role

    secadmin = make_user("secadmin", "安全管理员", (zhuzhou.city_centre, Role.SECADMIN))
    secadmin.is_staff = True
    secadmin.save()
    secadmin.groups.add(Group.objects.get(name="安全管理员"))
    client.force_login(secadmin)

    # A new account in the back office.
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_clerk",
            "full_name": "新人",
            "phone": "",
            "password1": "Given-By-Admin-1",
            "password2": "Given-By-Admin-1",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = User.objects.get(username="new_clerk")
    assert new.must_change_password and PasswordHistory.objects.filter(user=new).count() == 1

    # A reset of an existing account.
    clerk = make_user("old_clerk", "老人", (zhuzhou.city_centre, Role.CENTRE_STAFF))
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": "Reset-By-Admin-2", "password2": "Reset-By-Admin-2", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.must_change_password and clerk.check_password("Reset-By-Admin-2")
    entry = AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(clerk.pk)).latest("pk")
    assert entry.actor == secadmin and entry.changes == {"by": "administrator", "must_change_password": True}

    # The back office applies the policy too.
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": "old_clerk99A", "password2": "old_clerk99A", "usable_password": "true"},
    )
    assert response.status_code == 200 and "密码不能包含用户名" in response.content.decode()


# --- expiry ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_expires_after_90_days_to_the_second(people, api):
    changed_at = people.clerk.password_changed_at
    client = api(people.clerk)
    with time_machine.travel(changed_at + datetime.timedelta(days=90, seconds=-1), tick=False):
        assert client.get("/api/v1/cases/").status_code == 200
    with time_machine.travel(changed_at + datetime.timedelta(days=90), tick=False):
        response = client.get("/api/v1/cases/")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "password_expired"
        assert "90 天" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_an_expired_password_sends_the_web_user_to_the_change(people, client):
    with time_machine.travel(people.clerk.password_changed_at + datetime.timedelta(days=100), tick=False):
        client.force_login(people.clerk)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
        assert "您的密码已使用超过 90 天,请先修改密码" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_expiry_is_configurable_and_zero_means_never(people, api, settings):
    client = api(people.clerk)
    settings.PINGAN_PASSWORD_MAX_AGE_DAYS = 30
    with time_machine.travel(people.clerk.password_changed_at + datetime.timedelta(days=30), tick=False):
        assert client.get("/api/v1/cases/").json()["error"]["code"] == "password_expired"
    settings.PINGAN_PASSWORD_MAX_AGE_DAYS = 0
    with time_machine.travel(people.clerk.password_changed_at + datetime.timedelta(days=3650), tick=False):
        assert client.get("/api/v1/cases/").status_code == 200
