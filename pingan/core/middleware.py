from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from .context import RequestInfo, reset_request_info, set_request_info
from .errors import NotFoundError, PermissionDeniedError


def _valid_ip(value: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit log and the throttles: REMOTE_ADDR, unless the site sits behind
    `PINGAN_TRUSTED_PROXY_COUNT` proxies of its own. Each of them appends the address it saw to
    X-Forwarded-For, so the client is the N-th entry from the right; anything left of it came from the client
    and is never believed (the rule of DRF's NUM_PROXIES). A malformed or short header never fails the
    request: what cannot be read as an address falls back to REMOTE_ADDR, or None."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.PINGAN_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < proxies or not entries[-proxies]:
        return remote
    return _valid_ip(entries[-proxies]) or remote


class RequestContextMiddleware:
    """Remembers the client's address for the audit log of this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = set_request_info(
            RequestInfo(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200])
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)


class ServiceErrorMiddleware:
    """Answers the web UI's views the way the API's exception handler answers its views: a selector's
    or service's NotFoundError (outside the user's jurisdiction, or gone) is a 404 page, a
    PermissionDeniedError a 403 page. Other ApplicationErrors are the view's to show on its form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, PermissionDeniedError):
            return response_for_exception(request, PermissionDenied(exception.message))
        return None
