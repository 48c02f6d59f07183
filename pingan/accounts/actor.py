"""Who is acting in this request, for the records written on the way (a password set, a post changed): the
signed-in user of the web request, None outside a request (a management command, the demo loader)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponseBase

_request: ContextVar[HttpRequest | None] = ContextVar("pingan_acting_request", default=None)


def current_actor() -> Any:
    """The signed-in user of the current web request (None: no request, or nobody signed in). Read late,
    so that a sign-in or sign-out during the request is seen."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


class ActorMiddleware:
    """Remembers the request so that `current_actor` can name the user behind a change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
