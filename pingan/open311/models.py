"""Open311 GeoReport v2 (Open311 接口): the client applications allowed to file requests, and the requests
they filed. A request is an ordinary case of the engine; the row here only links it to its client and
keeps what the standard carries that a case does not (token, media URL, the client's account id)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.cases.models import Case
from pingan.regions.models import Organization


def key_digest(raw_key: str) -> str:
    """SHA-256 of an API key. Keys are 256-bit random strings, so a fast hash is as safe as a slow
    password hash here (nothing to brute-force) and costs nothing per request."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class Open311Client(models.Model):
    """A client application of an organisation (Open311 接入应用), e.g. the 12345 hotline's app or a
    city service's mini-program. It holds one API key, stored only as a hash and shown once when
    issued, and registers cases as its own service account (服务账号), a member of `organization`:
    the organisation's jurisdiction is where its requests may lie."""

    name = models.CharField(_("应用名称"), max_length=100)
    organization = models.ForeignKey(
        Organization, verbose_name=_("接入单位"), on_delete=models.PROTECT, related_name="open311_clients"
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务账号"),
        on_delete=models.PROTECT,
        related_name="open311_client",
        editable=False,
    )
    key_prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("每分钟提交上限"), default=60, help_text=_("每个密钥每分钟最多提交的诉求数")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now, editable=False)
    key_issued_at = models.DateTimeField(_("密钥签发时间"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 接入应用")
        verbose_name_plural = _("Open311 接入应用")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}({self.organization.name})"

    def key_matches(self, raw_key: str) -> bool:
        return hmac.compare_digest(self.key_hash, key_digest(raw_key))


class Open311Request(models.Model):
    """A service request filed through Open311 (Open311 诉求): the case it became and the client that
    filed it. Whether anyone may read it follows from its service (`catalog.is_public`), as for every
    case that Open311 lists.

    `reporter_email` is personal data: it is kept for the centre's reply and never leaves the platform
    through Open311."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(
        Open311Client, verbose_name=_("接入应用"), on_delete=models.PROTECT, related_name="requests"
    )
    token = models.CharField(_("查询令牌"), max_length=64, unique=True, null=True, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    account_id = models.CharField(_("应用账号"), max_length=100, blank=True)
    reporter_email = models.EmailField(_("反映人邮箱"), blank=True)
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 诉求")
        verbose_name_plural = _("Open311 诉求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return self.case.number
