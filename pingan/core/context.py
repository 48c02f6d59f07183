"""Per-request context (client address) that services read for the audit log without passing it around."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_NO_REQUEST = RequestInfo()
_current: ContextVar[RequestInfo | None] = ContextVar("pingan_request", default=None)


def current_request_info() -> RequestInfo:
    return _current.get() or _NO_REQUEST


def set_request_info(info: RequestInfo) -> Token[RequestInfo | None]:
    return _current.set(info)


def reset_request_info(token: Token[RequestInfo | None]) -> None:
    _current.reset(token)
