"""Users and their roles in organisations (人员与岗位)."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.core.fields import BlindIndexed, BlindIndexField, EncryptedCharField
from pingan.regions.models import Organization

from .choices import Role


class User(BlindIndexed, AbstractUser):
    """A person who signs in: centre staff, mediator, department staff, grid worker, leader or admin.

    What they may see is the union of the jurisdictions of the organisations they belong to."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True, purpose="phone")  # core.fields
    phone_index = BlindIndexField(source="phone")

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
