"""The audit of identity (等保 2.0 level 3, GB/T 22239-2019 8.1.4.3: 安全审计): every sign-in, failed sign-in
(the username tried, never the password), sign-out (with the reason when a session limit ended it), password
change, change of a post (岗位: ROLE_CHANGE, before and after) and change of rights (groups, permissions,
is_staff, is_superuser, is_active: PERMISSION_CHANGE), written through pingan.core.audit.audit_log whatever
path made the change: a web form, the back office, a management command or the shell. The acting user is
the signed-in user of the request (pingan.accounts.actor), none outside a request.

Also keeps the password history (PasswordHistory) that the policy checks (pingan.accounts.passwords)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from pingan.core.audit import audit_log
from pingan.core.models import AuditAction

from .actor import current_actor
from .models import Membership, PasswordHistory, User

FLAGS = ("is_active", "is_staff", "is_superuser")
FLAG_DEFAULTS = {"is_active": True, "is_staff": False, "is_superuser": False}  # AbstractUser's defaults
USERNAME_MAX = 150


@receiver(user_logged_in, dispatch_uid="pingan_audit_login")
def _login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_log(actor=user, action=AuditAction.LOGIN, obj=user, changes={"via": _via(request)})


@receiver(user_login_failed, dispatch_uid="pingan_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django has already cleansed the password out of `credentials`; only the username is kept.
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")[:USERNAME_MAX]
    audit_log(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type=User._meta.label_lower,
        changes={"username": username, "via": _via(request)},
    )


@receiver(user_logged_out, dispatch_uid="pingan_audit_logout")
def _logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "pingan_logout_reason", "")
    audit_log(
        actor=user,
        action=AuditAction.LOGOUT,
        obj=user,
        changes={"via": _via(request), **({"ended_by": reason} if reason else {})},
    )


def _via(request: HttpRequest | None) -> str:
    if request is None:
        return "other"
    path = request.path
    return "admin" if path.startswith("/admin/") else "api" if path.startswith("/api/") else "web"


# --- passwords and rights --------------------------------------------------------------------------------


@receiver(post_save, sender=User, dispatch_uid="pingan_user_saved")
def _user_saved(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    actor = current_actor()
    password_changed = getattr(instance, "_password_changed", False)
    if password_changed:
        instance._password_changed = False
        password_history_add(instance)
    if password_changed and not created:  # a new account's first password is not a change
        audit_log(
            actor=actor,
            action=AuditAction.PASSWORD_CHANGE,
            obj=instance,
            changes={
                "by": "self"
                if actor is not None and actor.pk == instance.pk
                else "administrator"
                if actor
                else "system",
                "must_change_password": instance.must_change_password,
            },
        )
    update_fields = kwargs.get("update_fields")
    changed = {
        name: {"before": instance.stored_value(name), "after": getattr(instance, name)}
        for name in FLAGS
        if (update_fields is None or name in update_fields)
        and name in instance.__dict__
        and getattr(instance, name) != instance.stored_value(name)
        and not (created and getattr(instance, name) == FLAG_DEFAULTS[name])
    }
    if changed:
        audit_log(actor=actor, action=AuditAction.PERMISSION_CHANGE, obj=instance, changes=changed)
    instance._stored = {name: instance.__dict__[name] for name in User.WATCHED_FIELDS if name in instance.__dict__}


def password_history_add(user: User) -> None:
    """Keep the user's new password hash, and only as many as the policy compares."""
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: settings.PINGAN_PASSWORD_HISTORY]
    PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="pingan_user_groups")
def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    _rights_changed(instance, action, reverse, pk_set, "groups", Group)


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="pingan_user_permissions")
def _permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    _rights_changed(instance, action, reverse, pk_set, "user_permissions", Permission)


def _rights_changed(instance: Any, action: str, reverse: bool, pk_set: set[int] | None, field: str, model: Any) -> None:
    """A user's groups or permissions changed, from the user's side (user.groups.add) or the other
    (group.user_set.add). `clear` is recorded before it happens, when what it removes is still known."""
    if action == "pre_clear":
        if reverse:
            users = list(instance.user_set.all())
            for user in users:
                _audit_rights(user, field, removed=[_name(instance)])
        else:
            removed = [_name(item) for item in getattr(instance, field).all()]
            if removed:
                _audit_rights(instance, field, removed=removed)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    key = "added" if action == "post_add" else "removed"
    if reverse:
        for user in User.objects.filter(pk__in=pk_set):
            _audit_rights(user, field, **{key: [_name(instance)]})
    else:
        names = sorted(_name(item) for item in model.objects.filter(pk__in=pk_set))
        _audit_rights(instance, field, **{key: names})


def _name(item: Any) -> str:
    if isinstance(item, Permission):
        return f"{item.content_type.app_label}.{item.codename}"
    return str(getattr(item, "name", item))


def _audit_rights(user: User, field: str, *, added: list[str] | None = None, removed: list[str] | None = None) -> None:
    audit_log(
        actor=current_actor(),
        action=AuditAction.PERMISSION_CHANGE,
        obj=user,
        changes={field: {"added": added or [], "removed": removed or []}},
    )


# --- posts (岗位) ------------------------------------------------------------------------------------------


def _post(membership: Membership) -> dict[str, Any]:
    return {
        "organization": membership.organization.code,
        "role": membership.role,
        "is_active": membership.is_active,
    }


@receiver(pre_save, sender=Membership, dispatch_uid="pingan_membership_before")
def _membership_before(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    before = None
    if instance.pk is not None:
        old = Membership.objects.select_related("organization").filter(pk=instance.pk).first()
        before = _post(old) if old is not None else None
    instance._post_before = before  # type: ignore[attr-defined]


@receiver(post_save, sender=Membership, dispatch_uid="pingan_membership_after")
def _membership_after(sender: type[Membership], instance: Membership, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_post_before", None)
    after = _post(instance)
    if before != after:
        _audit_post(instance, before, after)


@receiver(post_delete, sender=Membership, dispatch_uid="pingan_membership_deleted")
def _membership_deleted(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    _audit_post(instance, _post(instance), None)


def _audit_post(membership: Membership, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit_log(
        actor=current_actor(),
        action=AuditAction.ROLE_CHANGE,
        object_type=User._meta.label_lower,
        object_id=str(membership.user_id),
        region_code=membership.organization.region.code,
        changes={"user": membership.user.username, "before": before, "after": after},
    )
