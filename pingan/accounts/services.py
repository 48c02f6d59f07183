"""Writes to accounts: bulk import of users and their posts (人员、岗位导入) from Excel/CSV.

The import shares the reader and the checking machinery of the region and organisation imports
(pingan.regions.services): every row is checked first, every problem is reported with its row number,
and only a clean file is written, in one transaction, and logged once in the audit log.

Passwords never travel in a spreadsheet: new users get an unusable password and the security
administrator (安全管理员) sets their first password in the back office, which they must change at their
first sign-in (`password_change_require`, pingan.accounts.passwords). Administrator roles (三员分立)
are never granted by import, and administrator accounts are not touched by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.core.validators import normalize_phone
from pingan.regions.models import Organization
from pingan.regions.services import ImportResult, check_table, jurisdiction_check, row_error

from .choices import ADMIN_ROLES, Role
from .lockout import may_unlock, unlockable_usernames
from .management.commands.setup_roles import ROLE_PERMISSIONS
from .models import ApiToken, Membership, PasswordHistory, User

USER_COLUMNS = {
    "username": ("用户名", "账号", "username"),
    "full_name": ("姓名", "full_name"),
    "phone": ("手机号", "手机", "phone"),
    "organization": ("机构代码", "organization", "organization_code"),
    "role": ("角色", "岗位", "role"),
    "active": ("启用", "active", "is_active"),
}
USER_REQUIRED = ("username", "full_name", "organization", "role")

YES = frozenset({"是", "y", "yes", "true", "1", "启用", "有效"})
NO = frozenset({"否", "n", "no", "false", "0", "停用", "无效"})

# Names listed in the note about new accounts; beyond that the note only counts them.
MAX_NAMED_USERS = 20


@dataclass
class _MembershipRow:
    row: int
    username: str
    full_name: str
    phone: str  # normalised; "" when not given (the stored phone is then left alone)
    organization: Organization
    role: str
    active: bool


@dataclass
class _Person:
    """What the file says about one user, gathered over their rows."""

    username: str
    full_name: str
    phone: str = ""
    rows: list[_MembershipRow] = field(default_factory=list)


def _parse_role(text: str) -> str | None:
    cleaned = text.replace(" ", "").replace("\u3000", "")
    for role in Role:
        if cleaned.lower() == role.value or cleaned == str(role.label):
            return role.value
    return None


def _parse_active(text: str) -> bool | None:
    cleaned = text.strip().lower()
    if not cleaned or cleaned in YES:
        return True
    if cleaned in NO:
        return False
    return None


def _role_choices_text() -> str:
    return "、".join(str(role.label) for role in Role if role not in ADMIN_ROLES)


def _admin_usernames(usernames: set[str]) -> set[str]:
    """Existing accounts among `usernames` that belong to an administrator (三员分立): a superuser, a member
    of one of the three administrator groups, or a holder of an administrator role."""
    admin_groups = Group.objects.filter(name__in=ROLE_PERMISSIONS)
    return set(
        User.objects.filter(username__in=usernames)
        .filter(Q(is_superuser=True) | Q(groups__in=admin_groups) | Q(memberships__role__in=ADMIN_ROLES))
        .values_list("username", flat=True)
    )


def _max_length(field_name: str) -> int:
    """The width of one of User's text columns."""
    column = User._meta.get_field(field_name)
    if not isinstance(column, models.CharField) or column.max_length is None:
        raise TypeError(f"User.{field_name} is not a text column of fixed width")
    return column.max_length


def _check_user_rows(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> list[_MembershipRow]:
    codes = {values["organization"] for _row, values in rows if values["organization"]}
    organizations = {o.code: o for o in Organization.objects.filter(code__in=codes).select_related("region")}
    admins = _admin_usernames({values["username"] for _row, values in rows if values["username"]})
    max_username, max_full_name, max_phone = (_max_length(name) for name in ("username", "full_name", "phone"))

    first_name: dict[str, tuple[int, str]] = {}
    first_phone: dict[str, tuple[int, str]] = {}
    first_key: dict[tuple[str, str, str], int] = {}
    checked: list[_MembershipRow] = []
    for row, values in rows:
        problems: list[str] = []
        username, full_name = values["username"], values["full_name"]

        if not username:
            problems.append(_("用户名不能为空"))
        elif len(username) > max_username:
            problems.append(_("用户名不能超过%(max)d个字符") % {"max": max_username})
        else:
            try:
                User.username_validator(username)
            except ValidationError as exc:
                problems.append(_("用户名“%(name)s”:%(message)s") % {"name": username, "message": exc.messages[0]})
            if username in admins:
                problems.append(
                    _("用户 %(name)s 是管理员账号,其信息和岗位须由安全管理员在后台单独维护") % {"name": username}
                )

        if not full_name:
            problems.append(_("姓名不能为空"))
        elif len(full_name) > max_full_name:
            problems.append(_("姓名不能超过%(max)d个字") % {"max": max_full_name})

        phone = values.get("phone", "")
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                problems.append(_("手机号 %(phone)s:%(message)s") % {"phone": phone, "message": exc.messages[0]})
                phone = ""
            else:
                if len(phone) > max_phone:
                    problems.append(_("手机号不能超过%(max)d个字符") % {"max": max_phone})
                    phone = ""

        code = values["organization"]
        organization = organizations.get(code)
        if not code:
            problems.append(_("机构代码不能为空"))
        elif organization is None:
            problems.append(_("机构代码 %(code)s 不存在") % {"code": code})
        elif not organization.is_active:
            problems.append(_("机构 %(code)s(%(name)s)已停用") % {"code": code, "name": organization.name})

        role = _parse_role(values["role"])
        if not values["role"]:
            problems.append(_("角色不能为空"))
        elif role is None:
            problems.append(
                _("角色“%(role)s”无效,应为 %(choices)s") % {"role": values["role"], "choices": _role_choices_text()}
            )
        elif role in ADMIN_ROLES:
            problems.append(_("管理员角色须由安全管理员在后台单独授予"))

        active = _parse_active(values.get("active", ""))
        if active is None:
            problems.append(_("启用“%(value)s”无效,应为 是 或 否") % {"value": values["active"]})

        # Rows of the same user must agree; each (user, organisation, role) appears once.
        if username and full_name:
            seen = first_name.setdefault(username, (row, full_name))
            if seen[1] != full_name:
                problems.append(
                    _("用户名 %(name)s 的姓名“%(full_name)s”与第 %(first)d 行的“%(other)s”不一致")
                    % {"name": username, "full_name": full_name, "first": seen[0], "other": seen[1]}
                )
        if username and phone:
            seen = first_phone.setdefault(username, (row, phone))
            if seen[1] != phone:
                problems.append(
                    _("用户名 %(name)s 的手机号 %(phone)s 与第 %(first)d 行的 %(other)s 不一致")
                    % {"name": username, "phone": phone, "first": seen[0], "other": seen[1]}
                )
        if username and code and role:
            first = first_key.setdefault((username, code, role), row)
            if first != row:
                problems.append(
                    _("用户 %(name)s 在机构 %(code)s 的角色“%(role)s”与第 %(first)d 行重复")
                    % {"name": username, "code": code, "role": Role(role).label, "first": first}
                )

        for problem in problems:
            row_error(errors, row, problem)
        if not problems and organization is not None and role is not None and active is not None:
            checked.append(_MembershipRow(row, username, full_name, phone, organization, role, active))
    return checked


def _people(checked: list[_MembershipRow]) -> list[_Person]:
    people: dict[str, _Person] = {}
    for r in checked:
        person = people.setdefault(r.username, _Person(r.username, r.full_name))
        person.phone = person.phone or r.phone
        person.rows.append(r)
    return list(people.values())


def _new_users_note(usernames: list[str]) -> str:
    named = "、".join(usernames[:MAX_NAMED_USERS])
    if len(usernames) > MAX_NAMED_USERS:
        named = _("%(names)s 等") % {"names": named}
    return _("新建用户 %(count)d 个(%(names)s),尚未设置密码,无法登录;请安全管理员在后台为其设置初始密码。") % {
        "count": len(usernames),
        "names": named,
    }


@transaction.atomic
def users_import(*, rows: list[dict[str, Any]], actor) -> ImportResult:
    """Create or update users and their posts from spreadsheet rows, one row per (user, organisation, role):
    用户名, 姓名, 手机号 (optional), 机构代码, 角色, 启用 (optional 是/否, default 是).

    Users are matched by username: missing ones are created with an unusable password, existing ones get
    the full name (and the phone, when given) of the file. The posts listed are created, or switched
    on or off as 启用 says; posts not listed are left alone. Counts are per row: `created` when the
    post is new, `updated` when the post was switched or (on one of the user's other rows) the user's
    details changed, `unchanged` otherwise; `details` counts users and posts."""
    result, checked = check_table(rows, USER_COLUMNS, USER_REQUIRED, _check_user_rows)
    if result.errors or not jurisdiction_check(result, actor, [(r.row, r.organization.region.code) for r in checked]):
        return result

    people = _people(checked)
    users = {u.username: u for u in User.objects.filter(username__in=[p.username for p in people])}
    existing = {
        (m.user.username, m.organization_id, m.role): m
        for m in Membership.objects.filter(user__in=users.values()).select_related("user")
    }
    details = dict.fromkeys(("users_created", "users_updated", "memberships_created", "memberships_changed"), 0)
    new_usernames: list[str] = []
    row_outcome: dict[int, str] = {}

    for person in people:
        user = users.get(person.username)
        user_changed = False
        if user is None:
            user = User.objects.create_user(
                username=person.username, password=None, full_name=person.full_name, phone=person.phone
            )
            details["users_created"] += 1
            new_usernames.append(person.username)
            users[person.username] = user
        else:
            values = {"full_name": person.full_name}
            if person.phone:
                values["phone"] = person.phone
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, values[name])
                user.save(update_fields=changed)
                details["users_updated"] += 1
                user_changed = True

        for r in person.rows:
            membership = existing.get((person.username, r.organization.pk, r.role))
            if membership is None:
                Membership.objects.create(user=user, organization=r.organization, role=r.role, is_active=r.active)
                details["memberships_created"] += 1
                row_outcome[r.row] = "created"
            elif membership.is_active != r.active:
                membership.is_active = r.active
                membership.save(update_fields=["is_active"])
                details["memberships_changed"] += 1
                row_outcome[r.row] = "updated"
            elif user_changed:  # the user's new details are counted once, on a row that changed nothing else
                row_outcome[r.row] = "updated"
                user_changed = False
            else:
                row_outcome[r.row] = "unchanged"

    # Their first password, whoever sets it, is to be changed at their first sign-in.
    password_change_require(users[u].pk for u in new_usernames)
    result.created = sum(1 for outcome in row_outcome.values() if outcome == "created")
    result.updated = sum(1 for outcome in row_outcome.values() if outcome == "updated")
    result.unchanged = sum(1 for outcome in row_outcome.values() if outcome == "unchanged")
    result.details = details
    if new_usernames:
        result.notes.append(_new_users_note(new_usernames))
    if details["users_updated"] or details["memberships_created"] or details["memberships_changed"]:
        result.notes.append(
            _("更新用户 %(users)d 个,新增岗位 %(created)d 个,启用或停用岗位 %(changed)d 个。")
            % {
                "users": details["users_updated"],
                "created": details["memberships_created"],
                "changed": details["memberships_changed"],
            }
        )
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=User._meta.label_lower,
        changes=result.as_dict(),
    )
    return result


# --- API tokens and sign-in lockout (issue 9) ----------------------------------------------------------
# Tokens are django-rest-knox's (models.ApiToken): the token itself is shown once, at issue; the database
# keeps its SHA-512 digest. Every issue and revocation is in the audit log (TOKEN_CREATE, TOKEN_REVOKE).

DEFAULT_TOKEN_CLIENT = "默认"


def _audit_token(actor: Any, action: AuditAction, token: ApiToken, reason: str) -> None:
    audit_log(
        actor=actor,
        action=action,
        object_type="accounts.apitoken",
        object_id=str(token.pk),
        reason=reason,
        changes={"user": token.user.get_username(), "client": token.client},
    )


@transaction.atomic
def api_token_issue(*, user: User, client: str) -> tuple[ApiToken, str]:
    """A new token for `user` on `client` (its name, e.g. 网格通-安卓): the client's previous token, if any,
    is revoked first, and the user's expired tokens are cleared away. Returns the token and its secret."""
    client = (client or "").strip() or DEFAULT_TOKEN_CLIENT
    User.objects.select_for_update().filter(pk=user.pk).first()  # one issue per user at a time
    ApiToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    for old in ApiToken.objects.filter(user=user, client=client):
        _audit_token(user, AuditAction.TOKEN_REVOKE, old, _("同一客户端重新签发"))
        old.delete()
    token, secret = ApiToken.objects.create(user=user, client=client)
    _audit_token(user, AuditAction.TOKEN_CREATE, token, "")
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: Any, reason: str) -> None:
    _audit_token(actor, AuditAction.TOKEN_REVOKE, token, reason)
    token.delete()


def api_tokens_revoke_all(*, user: User, actor: Any, reason: str) -> int:
    """Revoke every token of `user` (a password change). Returns how many there were."""
    tokens = list(ApiToken.objects.filter(user=user).select_related("user"))
    for token in tokens:
        api_token_revoke(token=token, actor=actor, reason=reason)
    return len(tokens)


@transaction.atomic
def sign_in_unlock(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """The security administrator lifts a lockout (django-axes): the failures counted against `username`
    (from every address) or against `ip_address` (for every account) are forgotten. Returns how many
    counters were cleared; the unlock is audited (UNLOCK) even when nothing was locked any more."""
    if not may_unlock(actor):
        raise PermissionDeniedError(_("只有安全管理员可以解除登录锁定"))
    if bool(username) == bool(ip_address):
        raise ApplicationError(_("请指定要解锁的账号或来源地址之一"))
    allowed = unlockable_usernames(actor)
    if ip_address and allowed is not None:
        raise PermissionDeniedError(_("来源地址不属于任何辖区,须由市级安全管理员解除锁定"))
    if username and allowed is not None and not allowed.filter(username=username).exists():
        raise PermissionDeniedError(_("该账号不在您的管辖范围内,请联系上级安全管理员"))
    cleared = axes_reset(username=username) if username else axes_reset(ip=ip_address)
    account = User.objects.filter(username=username).first() if username else None
    audit_log(
        actor=actor,
        action=AuditAction.UNLOCK,
        obj=account,
        object_type="" if account else "accounts.signinfailures",
        object_id="" if account else (ip_address or username),
        changes={"username": username, "ip_address": ip_address, "cleared": cleared},
    )
    return cleared


def password_change_require(user_ids: Iterable[int], *, required: bool = True) -> int:
    """These users' passwords were set by someone else (imported accounts, the demo's, a batch reset): each
    must choose a new one at the next sign-in (pingan.accounts.passwords). Their current password hashes go
    into the history, so that the new password cannot be the one they were given. `required=False` waives
    the change (the demo loaded for automated walkthroughs: `load_demo --keep-demo-passwords`); the password's
    age still counts from now. Returns how many users."""
    ids = list(user_ids)
    now = timezone.now()
    count = User.objects.filter(pk__in=ids).update(must_change_password=required, password_changed_at=now)
    latest: dict[int, str] = {}
    for user_id, password in PasswordHistory.objects.filter(user_id__in=ids).values_list("user_id", "password"):
        latest.setdefault(user_id, password)  # newest first (the model's ordering)
    PasswordHistory.objects.bulk_create(
        [
            PasswordHistory(user_id=user_id, password=password, created_at=now)
            for user_id, password in User.objects.filter(pk__in=ids).values_list("pk", "password")
            if is_password_usable(password) and latest.get(user_id) != password
        ],
        batch_size=500,
    )
    return count
