"""Checking uploaded files: size, allowed type, and that the content really is of that type."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from pingan.core.errors import ApplicationError

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _signature_ok(extension: str, head: bytes) -> bool:
    match extension:
        case "jpg" | "jpeg":
            return head.startswith(b"\xff\xd8\xff")
        case "png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        case "gif":
            return head.startswith((b"GIF87a", b"GIF89a"))
        case "webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        case "pdf":
            return head.startswith(b"%PDF")
        case "docx" | "xlsx":
            return head.startswith(b"PK\x03\x04")
        case "mp3":
            return head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
        case "m4a":
            return head[4:8] == b"ftyp"
        case "txt":
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the sample is fine
                return exc.start >= len(head) - 3
            return b"\x00" not in head
    return False


def inspect_upload(upload, *, field: str = "file") -> dict:
    """Validate an uploaded file; return its extension, content type, size and SHA-256."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = settings.PINGAN_ATTACHMENT_TYPES
    if extension not in allowed:
        raise ApplicationError(
            _("不支持的文件类型“%(ext)s”,允许:%(allowed)s") % {"ext": extension or "?", "allowed": "、".join(allowed)},
            field=field,
            code="file_type",
        )
    limit = settings.PINGAN_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ApplicationError(
            _("文件“%(name)s”过大(%(size).1f MB),上限为 %(limit).1f MB")
            % {"name": name, "size": upload.size / 1048576, "limit": limit / 1048576},
            field=field,
            code="file_too_large",
        )
    if upload.size == 0:
        raise ApplicationError(_("文件“%(name)s”为空") % {"name": name}, field=field, code="file_empty")
    upload.seek(0)
    head = upload.read(64)
    if not _signature_ok(extension, head):
        raise ApplicationError(_("文件“%(name)s”的内容与扩展名不符") % {"name": name}, field=field, code="file_content")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {
        "name": name[:200],
        "extension": "." + extension,
        "content_type": CONTENT_TYPES[extension],
        "size": upload.size,
        "sha256": digest.hexdigest(),
    }
