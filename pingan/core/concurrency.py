"""Optimistic locking (乐观锁): an edit made on a stale copy is refused with 409 and the fields that changed
since the copy was taken, instead of silently writing the old values back over someone else's change.

The copy's version is an *edit token*: for each field the form or the API may change, 8 hex digits of an
HMAC (SECRET_KEY) of the field's stored value, in the fields' fixed order. Chosen over a version counter
column because
- it tells *which* fields changed since (the 409 names them), which a counter cannot;
- it needs no migration, counter bump or trigger on every edited model, and every other write path
  (imports, the workflow, the admin, data migrations) keeps the token right without knowing about it;
- it carries no personal data: a phone number is not in the page or the header, only a keyed digest.
The web forms carry it in a hidden field (`edit_token`); the API sends it as the `ETag` of a record and
takes it back in `If-Match` (RFC 9110 §13.1.1), answering 409 in the one JSON error shape when it no longer
matches. A request without a token is not checked (older clients keep working).

Services check the token after `select_for_update`, inside the transaction that writes, so two edits of
the same copy cannot both pass."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .errors import ApplicationError, ConflictError

TOKEN_FIELD = "edit_token"
_DIGITS = 8
_HEX = re.compile(r"^[0-9a-f]*$")


class StaleEdit(ConflictError):
    default_code = "stale_edit"


def _digest(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    attname = getattr(field, "attname", name)
    value = getattr(instance, attname)
    message = f"{instance._meta.label_lower}:{instance.pk}:{name}:{'' if value is None else value}"
    return salted_hmac("pingan.core.concurrency.edit_token", message, algorithm="sha256").hexdigest()[:_DIGITS]


def edit_token(instance: models.Model, fields: Sequence[str]) -> str:
    """The token of the record as it is stored now, over `fields` (always the same fields, same order)."""
    return "".join(_digest(instance, name) for name in fields)


def changed_fields(instance: models.Model, fields: Sequence[str], token: str) -> list[str]:
    """The fields whose stored value differs from the one `token` was made from; a token that does not
    belong to these fields is a 400."""
    token = token.strip()
    if len(token) != _DIGITS * len(fields) or not _HEX.match(token):
        raise ApplicationError(_("版本标记无效:请重新打开页面或重新读取记录后再修改"), code="invalid_edit_token")
    return [
        name
        for index, name in enumerate(fields)
        if token[index * _DIGITS : (index + 1) * _DIGITS] != _digest(instance, name)
    ]


def check_unchanged(instance: models.Model, fields: Sequence[str], token: str | None) -> None:
    """Refuse (409, StaleEdit) an edit of a copy older than `instance` (locked by the caller); its fields
    are the changed ones, with their names in the message. No token (None or ""), no check."""
    if not token:
        return
    changed = changed_fields(instance, fields, token)
    if not changed:
        return
    labels = "、".join(str(getattr(instance._meta.get_field(name), "verbose_name", name)) for name in changed)
    message = _("保存失败:在您打开后,其他人已修改了%(fields)s。请重新打开,核对最新内容后再修改。") % {"fields": labels}
    raise StaleEdit(message, fields={name: [_("已被他人修改")] for name in changed})


def token_field() -> forms.CharField:
    """The hidden form field that carries the token of the copy the form was filled from."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


# --- HTTP (the API) -----------------------------------------------------------------------------------


def etag(token: str) -> str:
    return f'"{token}"'


def if_match(request: HttpRequest) -> str | None:
    """The token of an `If-Match: "<token>"` header (a weak W/ prefix accepted), None without one."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"') or None


# The header as the OpenAPI schema documents it (drf-spectacular `parameters=[...]`).
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=r'^(\*|(W/)?"[0-9a-f]+")$',
    description=(
        "读取记录时应答头 ETag 的值。记录自读取后已被他人修改时返回 409,error.fields 列出已变化的字段;"
        "不带此头则不检查。"
    ),
)
