"""Framework models: the append-only audit log (审计日志)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("流转")
    VIEW_PERSONAL = "view_personal", _("查看个人信息")
    UNMASK = "unmask", _("查看完整个人信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    DOWNLOAD = "download", _("下载文书")
    # Identity and sessions (等保 2.0 level 3: every sign-in, failure, lockout and change of rights is audited).
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKOUT = "lockout", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    ROLE_CHANGE = "role_change", _("角色变更")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    OTP_ENROL = "otp_enrol", _("绑定动态口令")
    OTP_RESET = "otp_reset", _("重置动态口令")
    TOKEN_CREATE = "token_create", _("签发接口令牌")
    TOKEN_REVOKE = "token_revoke", _("吊销接口令牌")
    # The audit trail itself: old rows moved to an archive file (audit_archive).
    ARCHIVE = "archive", _("归档审计日志")


def object_type_label(object_type: str) -> str:
    """What an audit entry's object type ("cases.case", a model's label) is called in the product: the
    model's verbose name (案件). A type that names no model (one since removed) is shown as it is stored."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: Any) -> NoReturn:  # pragma: no cover - guard
        raise RuntimeError("The audit log is append-only.")

    def delete(self) -> NoReturn:  # pragma: no cover - guard
        raise RuntimeError("The audit log is append-only.")


class AuditLog(models.Model):
    """One line of the append-only audit log (审计日志): who did what to which record, when and from where.

    Views, exports and unmasking of personal data are logged here as well as changes, so that the
    security auditor (安全审计员) can answer "who saw this citizen's ID number"."""

    # Set when the row is appended (inside the chain's lock, so time follows seq), not by auto_now_add:
    # the hash is computed before the INSERT.
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=50)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=20, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=200, blank=True)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    # The hash chain (core.auditchain): the row's place, the previous row's hash and its own.
    seq = models.PositiveBigIntegerField(_("序号"), unique=True, editable=False)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, editable=False)
    hash = models.CharField(_("摘要"), max_length=64, editable=False)
    chain_version = models.PositiveSmallIntegerField(_("摘要算法版本"), default=1, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        subject = self.object_repr or self.object_id
        return f"{self.get_action_display()} {self.object_type_label}{f' {subject}' if subject else ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The audit log is append-only.")

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` (幂等键), replayed when the client sends the
    same key again — a retry after a lost answer creates nothing twice (core.idempotency).

    A key belongs to one caller (`scope`: a signed-in user, or an Open311 client), never shared between
    them. The row is written in the same transaction as what the request creates, so either both exist or
    neither; the unique constraint makes a second, concurrent copy of the request wait for the first and
    then replay its answer. Rows older than PINGAN_IDEMPOTENCY_TTL_HOURS are deleted
    (`manage.py idempotency_purge`)."""

    scope = models.CharField(_("调用方"), max_length=100)
    key = models.CharField(_("幂等键"), max_length=255)
    fingerprint = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("状态码"))
    content_type = models.CharField(_("内容类型"), max_length=100)
    body = models.BinaryField(_("应答内容"))
    headers = models.JSONField(_("应答头"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_one_per_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class OutboxMessage(models.Model):
    """A side effect of a write (发件箱): a task to run once the write has committed, recorded in the same
    transaction as the write (core.outbox). If the write rolls back, so does the message; if the write
    commits, the message is there to be delivered — right after the commit, or later by
    `manage.py outbox_dispatch` when the queue could not take it then. Delivery marks the message in the
    transaction of the task's own writes, so a message takes effect once."""

    task = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待办消息")
        verbose_name_plural = _("待办消息")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="core_outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class AuditArchive(models.Model):
    """One archive of old audit rows (审计日志归档), written by `manage.py audit_archive`: where the file is,
    what it holds, and the anchor from which the rows still in the table verify (their first row's
    prev_hash is `last_hash`)."""

    created_at = models.DateTimeField(_("归档时间"), default=timezone.now)
    before = models.DateTimeField(_("归档截止"))
    rows = models.PositiveBigIntegerField(_("条数"))
    first_seq = models.PositiveBigIntegerField(_("起始序号"))
    last_seq = models.PositiveBigIntegerField(_("结束序号"), unique=True)
    anchor_prev_hash = models.CharField(_("起始前摘要"), max_length=64)
    first_hash = models.CharField(_("首条摘要"), max_length=64)
    last_hash = models.CharField(_("末条摘要"), max_length=64)
    file_name = models.CharField(_("文件"), max_length=200)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计日志归档")
        verbose_name_plural = _("审计日志归档")
        ordering = ["-last_seq"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.first_seq}–{self.last_seq})"
