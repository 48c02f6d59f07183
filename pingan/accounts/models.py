"""Users and their roles in organisations (人员与岗位)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords

from pingan.core.fields import BlindIndexed, BlindIndexField, EncryptedCharField
from pingan.regions.models import Organization

from .actor import current_actor
from .choices import Role


class User(BlindIndexed, AbstractUser):
    """A person who signs in: centre staff, mediator, department staff, grid worker, leader or admin.

    What they may see is the union of the jurisdictions of the organisations they belong to."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True, purpose="phone")  # core.fields
    phone_index = BlindIndexField(source="phone")
    # Password policy (pingan.accounts.passwords): when the password last changed (its age counts from here)
    # and whether the user must choose a new one before doing anything else (a password someone else set:
    # imported and demo accounts, a reset by the security administrator).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("下次登录时须先修改密码(由他人设置的初始密码或重置的密码)")
    )
    # The sign-in that holds this account's one session when PINGAN_SINGLE_SESSION is on (pingan.accounts.sessions).
    current_signin = models.CharField(max_length=32, blank=True, editable=False)

    # What the row held when it was read, to see on save what changed (pingan.accounts.signals).
    WATCHED_FIELDS = ("password", "is_active", "is_staff", "is_superuser")
    _stored: dict[str, Any]
    _rehashing = False

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._stored = {name: instance.__dict__[name] for name in cls.WATCHED_FIELDS if name in instance.__dict__}
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        stored = getattr(self, "_stored", {})
        self._stored = {**stored, **{n: self.__dict__[n] for n in self.WATCHED_FIELDS if n in self.__dict__}}

    def stored_value(self, name: str) -> Any:
        """What `name` held when the row was read or last saved (None for a new user)."""
        return getattr(self, "_stored", {}).get(name)

    def check_password(self, raw_password: str | None) -> bool:
        # Django rehashes a password whose hasher is outdated on a successful check: the password stays the same.
        self._rehashing = True
        try:
            return super().check_password(raw_password)
        finally:
            self._rehashing = False

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        password_changed = (
            "password" in self.__dict__
            and (update_fields is None or "password" in update_fields)
            and self.password != self.stored_value("password")
            and is_password_usable(self.password)
            and not self._rehashing
        )
        if password_changed:
            # Read by the signal receivers (history, audit), which run after the row is written.
            self.password_changed_at = timezone.now()
            self._password_changed = True
            # A password the user chose themselves is theirs; one that someone else set (the security
            # administrator in the back office) must be changed at the next sign-in. Outside a request (a
            # command, the demo loader, a test's fixture) the flag is left as the caller set it.
            actor = current_actor()
            if actor is not None:
                self.must_change_password = actor.pk != self.pk
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at", "must_change_password"}
        super().save(*args, **kwargs)

    @cached_property
    def active_memberships(self) -> list[Membership]:
        return list(
            self.memberships.filter(is_active=True, organization__is_active=True).select_related(
                "organization", "organization__region"
            )
        )

    def jurisdiction_prefixes(self) -> list[str]:
        """Code prefixes of every region subtree this user may see (empty: sees nothing)."""
        prefixes = sorted({m.organization.region.prefix for m in self.active_memberships})
        # Drop prefixes already covered by a shorter one.
        return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]

    def can_see_code(self, code: str) -> bool:
        return any(code.startswith(p) for p in self.jurisdiction_prefixes())

    def roles_in(self, organization_id: int) -> set[str]:
        return {m.role for m in self.active_memberships if m.organization_id == organization_id}

    def has_role(self, *roles: str) -> bool:
        return any(m.role in roles for m in self.active_memberships)

    def organizations_with_role(self, *roles: str) -> list[Organization]:
        return [m.organization for m in self.active_memberships if m.role in roles]

    @property
    def primary_membership(self) -> Membership | None:
        return self.active_memberships[0] if self.active_memberships else None


class PasswordHistory(models.Model):
    """A password the user has had (its hash only), so that a new one cannot repeat one of the last few
    (PINGAN_PASSWORD_HISTORY). Written whenever the stored hash changes, by whichever path changed it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码"), max_length=128)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class Membership(models.Model):
    """A role a user holds in an organisation (岗位). A user may hold several."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织机构"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox's model, swapped in by KNOX_TOKEN_MODEL): only the SHA-512 digest of
    the token is stored; it expires (PINGAN_API_TOKEN_TTL_HOURS) and is one per user and client, so a phone
    app and a script each hold their own and a new sign-in of one client replaces that client's token.
    A surrogate id names it in the revocation endpoint, so that neither the digest nor the token's first
    characters (knox's token_key) ever leave the server."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    client = models.CharField(_("客户端"), max_length=50)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="one_api_token_per_client")]

    def __str__(self) -> str:
        return f"{self.user} · {self.client}"


class SignInFailures(AccessAttempt):
    """django-axes' failure counters (one row per account name, address and browser), shown in the back
    office under accounts, in Chinese, for the security administrator to lift a lockout."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败与锁定")
        verbose_name_plural = _("登录失败与锁定")
