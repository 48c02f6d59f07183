"""Writing the audit log. Every view, export or unmasking of personal data goes through here."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .auditchain import append
from .context import current_request_info
from .errors import ApplicationError
from .models import AuditAction, AuditLog


def audit_log(
    *,
    actor: Any,  # the user (the user model lives in accounts, above core); None or anonymous: the system
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    info = current_request_info()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        owner = getattr(obj, "case", None)  # parties, files, sessions: the case's place
        region_code = region_code or getattr(obj, "region_code", "") or getattr(owner, "region_code", "") or ""
    entry = AuditLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=region_code,
        ip=info.ip,
        user_agent=info.user_agent[:200],
        reason=reason[:200],
        changes=changes or {},
    )
    return append(entry)  # at the head of the hash chain (core.auditchain)


# A reason for seeing personal data in full (查看事由) says why: at least this many characters, and words,
# not a number or a row of dots ("12", "....", "1234" are refused; "核实身份" is the shortest kind accepted).
UNMASK_REASON_MIN_LENGTH = 4
UNMASK_REASON_MIN_LETTERS = 2


def unmask_reason(reason: str) -> str:
    """The reason given for seeing personal data in full (查看事由), required before anything is shown."""
    reason = " ".join((reason or "").split())
    letters = sum(1 for char in reason if unicodedata.category(char).startswith("L"))
    if len(reason) < UNMASK_REASON_MIN_LENGTH or letters < UNMASK_REASON_MIN_LETTERS:
        raise ApplicationError(
            _("查看完整个人信息须填写事由(至少%(count)d个字,不能只是数字或符号)") % {"count": UNMASK_REASON_MIN_LENGTH},
            field="reason",
        )
    return reason
