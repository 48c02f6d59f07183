"""Answers when something outside the request fails: the database is unreachable (503, Retry-After) or a
body is larger than the site reads (413). The API and /healthz answer in the API's one JSON error shape,
pages with a Chinese page.

They are Django's error handlers (handler400, handler500 in pingan.urls), so they answer whatever raised —
a view, a middleware reading the session or the user, DRF authenticating a token — and they touch no
database themselves. Connections come back by themselves: Django closes a connection that failed at the
end of the request (close_old_connections), and CONN_HEALTH_CHECKS tests a persistent one before reuse."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from .api import error_body
from .limits import too_large_message

# Failures of the connection to the database (refused, dropped, closed, timed out), not of a statement's
# content: those are IntegrityError, DataError, ProgrammingError, and still a 500.
UNAVAILABLE = (OperationalError, InterfaceError)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def unavailable_message() -> str:
    return _("系统暂时无法访问数据库,请稍后重试")


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API and the health check, a Chinese page for the rest."""
    retry_after = str(settings.PINGAN_RETRY_AFTER_SECONDS)
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse(error_body("service_unavailable", unavailable_message()), status=503)
    else:
        # No RequestContext: its context processors would read the user, that is the database.
        response = HttpResponse(loader.render_to_string("503.html", {"retry_after": retry_after}), status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponse:
    """handler500: a lost database is a 503 (try again), anything else the 500 it was."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        return service_unavailable(request)
    if wants_json(request):
        return JsonResponse(error_body("server_error", _("系统暂时出现问题,请稍后重试")), status=500)
    return defaults.server_error(request, template_name)


def bad_request(
    request: HttpRequest, exception: Exception, template_name: str = defaults.ERROR_400_TEMPLATE_NAME
) -> HttpResponse:
    """handler400: Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig) with a 400
    page; that is a 413, and in the API its JSON error shape."""
    if isinstance(exception, RequestDataTooBig):
        message = too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if wants_json(request):
            return JsonResponse(error_body("request_too_large", message), status=413)
        return HttpResponse(
            loader.render_to_string("413.html", {"message": message}), status=413, content_type="text/html"
        )
    if wants_json(request):
        return JsonResponse(error_body("bad_request", _("请求无效")), status=400)
    return defaults.bad_request(request, exception, template_name)
