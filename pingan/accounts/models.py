"""Users and their roles in organisations (人员与岗位)."""

from __future__ import annotations

from functools import cached_property

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords

from pingan.regions.models import Organization

from .choices import Role


class User(AbstractUser):
    """A person who signs in: centre staff, mediator, department staff, grid worker, leader or admin.

    What they may see is the union of the jurisdictions of the organisations they belong to."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

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
