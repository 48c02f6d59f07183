"""`Idempotency-Key` for the POSTs that create cases: the case API, Open311 `POST requests` and the phone
report (the IETF httpapi draft "The Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header).

- The same key with the same request answers the first answer again (status, body, Content-Type and
  Location), marked `Idempotent-Replayed: true`; nothing is created twice.
- The same key with another request (another body, or another endpoint) is refused with 422.
- Keys belong to one caller: a user's key never meets another user's or an Open311 client's.
- Concurrent copies: the answer is stored in the same transaction as what the request wrote, under a
  unique (scope, key) constraint; a second copy's INSERT waits for the first transaction, then fails and
  replays the committed answer (or, if the first failed and rolled back, runs itself).
- Only success (2xx) is stored: a refusal wrote nothing (its transaction is rolled back here), so a
  corrected retry may use the same key.
- Answers are kept PINGAN_IDEMPOTENCY_TTL_HOURS (24 h); an older key counts as new.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .errors import ApplicationError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEPT_HEADERS = ("Location",)

# The header as the OpenAPI schema documents it (drf-spectacular `parameters=[...]`).
OPENAPI_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "幂等键(1–255 个可见 ASCII 字符,建议 UUID)。同一用户以同一键重发相同请求,返回第一次的应答"
        "(应答头 Idempotent-Replayed: true),不会重复登记;同一键配不同请求返回 422。键保留 24 小时。"
    ),
)


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    default_code = "idempotency_key_reused"


def reused_message() -> str:
    return _("该幂等键(Idempotency-Key)已用于另一请求:请为新的请求使用新的键")


def key_of(request: HttpRequest) -> str | None:
    """The request's key, None without one; a malformed key is a 400."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise ApplicationError(_("Idempotency-Key 须为 1–255 个可见 ASCII 字符"), field=HEADER, code="invalid")
    return key


def fingerprint(request: HttpRequest, data: Iterable[tuple[str, Any]], files: Iterable[tuple[str, Any]]) -> str:
    """A digest of what the request asks: method, path, its fields (in order of name) and its files'
    contents. Computed from the parsed request, so a multipart body with photos needs no second copy."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    fields = sorted((str(name), str(value)) for name, value in data)
    digest.update(json.dumps(fields, ensure_ascii=False).encode())
    for name, upload in sorted(files, key=lambda item: (item[0], getattr(item[1], "name", ""))):
        digest.update(f"\nfile {name} {getattr(upload, 'name', '')} ".encode())
        if isinstance(upload, UploadedFile):
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _items(data: Any) -> list[tuple[str, Any]]:
    """A parsed body as (name, value) pairs: a form's every value, a JSON document as itself."""
    if hasattr(data, "lists"):
        return [(name, value) for name, values in data.lists() for value in values]
    return [("", json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False))]


def _file_items(files: Any) -> list[tuple[str, Any]]:
    if hasattr(files, "lists"):
        return [(name, upload) for name, uploads in files.lists() for upload in uploads]
    return []


def run(
    request: HttpRequest,
    *,
    scope: str,
    key: str,
    digest: str,
    call: Callable[[], HttpResponse],
    store: Callable[[HttpResponse], tuple[bytes, str]],
    replay: Callable[[IdempotencyRecord], HttpResponse],
    refuse: Callable[[], HttpResponse],
) -> HttpResponse:
    """Run `call` once per (scope, key): see the module's description."""
    now = timezone.now()
    expired_before = now - datetime.timedelta(hours=settings.PINGAN_IDEMPOTENCY_TTL_HOURS)
    with transaction.atomic():
        IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=expired_before).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=digest, status_code=0, content_type="", body=b"", created_at=now
                )
        except IntegrityError:
            # Another request with this key committed first (this INSERT waited for it): answer as it did.
            first = IdempotencyRecord.objects.get(scope=scope, key=key)
            if first.fingerprint != digest:
                return refuse()
            response = replay(first)
            response[REPLAYED] = "true"
            return response
        response = call()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)  # nothing of a refused request stays, the key included
            return response
        record.status_code = response.status_code
        record.body, record.content_type = store(response)
        record.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        record.save(update_fields=["status_code", "body", "content_type", "headers"])
    return response


def _replay_headers(response: HttpResponse, record: IdempotencyRecord) -> HttpResponse:
    for name, value in record.headers.items():
        response[name] = value
    return response


def idempotent[ViewMethod: Callable[..., Response]](method: ViewMethod) -> ViewMethod:
    """For a DRF view's POST handler: honours `Idempotency-Key`, keys scoped to the signed-in user. The
    stored answer is the response's data (rendered again on replay, the same way); a reused key is 422 in
    the API's one error shape."""

    @wraps(method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = key_of(request)
        if key is None:
            return method(self, request, *args, **kwargs)
        digest = fingerprint(request, _items(request.data), _file_items(request.FILES))

        def store(response: HttpResponse) -> tuple[bytes, str]:
            assert isinstance(response, Response)
            return json.dumps(response.data, cls=JSONEncoder, ensure_ascii=False).encode(), "application/json"

        def replay(record: IdempotencyRecord) -> HttpResponse:
            data = json.loads(bytes(record.body)) if record.body else None
            return _replay_headers(Response(data, status=record.status_code), record)

        def refuse() -> HttpResponse:
            raise IdempotencyKeyReused(reused_message(), field=HEADER)

        response = run(
            request,
            scope=f"user:{request.user.pk}",
            key=key,
            digest=digest,
            call=lambda: method(self, request, *args, **kwargs),
            store=store,
            replay=replay,
            refuse=refuse,
        )
        assert isinstance(response, Response)
        return response

    return wrapper  # type: ignore[return-value]


def idempotent_response(
    request: HttpRequest, *, scope: str, call: Callable[[], HttpResponse], refuse: Callable[[str], HttpResponse]
) -> HttpResponse:
    """For a plain Django view (Open311): the stored answer is the response's bytes. `refuse` renders the
    422 in the endpoint's own error format."""
    key = key_of(request)
    if key is None:
        return call()
    data = [(name, value) for name, value in _items(request.POST) if name != "api_key"]
    digest = fingerprint(request, data, _file_items(request.FILES))

    def store(response: HttpResponse) -> tuple[bytes, str]:
        return response.content, response["Content-Type"]

    def replay(record: IdempotencyRecord) -> HttpResponse:
        response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
        return _replay_headers(response, record)

    return run(
        request,
        scope=scope,
        key=key,
        digest=digest,
        call=call,
        store=store,
        replay=replay,
        refuse=lambda: refuse(reused_message()),
    )


def purge(now: datetime.datetime | None = None) -> int:
    """Delete the answers older than PINGAN_IDEMPOTENCY_TTL_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.PINGAN_IDEMPOTENCY_TTL_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
