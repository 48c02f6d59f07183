"""Checking uploaded files: size, allowed type, and that the content really is of that type; and keeping
files chosen on a form that came back with errors (pending uploads), so nobody has to choose them again."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from pingan.core.errors import ApplicationError

if TYPE_CHECKING:
    from pingan.accounts.models import User

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


class UploadInfo(TypedDict):
    """What inspect_upload found out about a file."""

    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def inspect_upload(upload: File[Any], *, field: str = "file") -> UploadInfo:
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


# --- pending uploads ---------------------------------------------------------------------------------
# A form with files that fails validation keeps the files that passed the checks above under pending/,
# and the page carries a signed token for each (its user, where it lies, its name) instead of the file.
# A token is good for its user and for PENDING_MAX_AGE; attachments_gc removes what is left behind.

PENDING_DIR = "pending"
PENDING_MAX_AGE = 24 * 3600
_SALT = "pingan.cases.pending-upload"


@dataclass(frozen=True)
class PendingUpload:
    token: str
    name: str
    path: str

    def open(self) -> File[Any]:
        """The stored file under its original name, as an uploaded file would be."""
        return File(default_storage.open(self.path, "rb"), name=self.name)


def pending_keep(*, user: User, uploads: Iterable[File[Any]]) -> list[PendingUpload]:
    """Store the uploads that pass inspect_upload (the others are reported on the form) for the next try."""
    kept = []
    for upload in uploads:
        try:
            info = inspect_upload(upload, field="attachments")
        except ApplicationError:
            continue
        path = default_storage.save(f"{PENDING_DIR}/{user.pk}/{uuid.uuid4().hex}{info['extension']}", upload)
        token = signing.dumps({"u": user.pk, "p": path, "n": info["name"]}, salt=_SALT, compress=True)
        kept.append(PendingUpload(token=token, name=info["name"], path=path))
    return kept


def pending_resolve(*, user: User, tokens: Iterable[str]) -> list[PendingUpload]:
    """The pending uploads the tokens name, for this user, still stored; any other token is ignored."""
    found = []
    for token in tokens:
        try:
            data = signing.loads(token, salt=_SALT, max_age=PENDING_MAX_AGE)
        except signing.BadSignature:
            continue
        path = data.get("p", "")
        if data.get("u") == user.pk and path.startswith(f"{PENDING_DIR}/{user.pk}/") and default_storage.exists(path):
            found.append(PendingUpload(token=token, name=data["n"], path=path))
    return found


def pending_discard(pending: Iterable[PendingUpload]) -> None:
    for upload in pending:
        default_storage.delete(upload.path)
