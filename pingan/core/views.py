from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from .api import not_found_body
from .faults import UNAVAILABLE, service_unavailable


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for the load balancer: 200 {"status": "ok"}, or 503 in the API's error
    shape with Retry-After when the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except UNAVAILABLE:
        return service_unavailable(request)
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ a URL that matches no route (an id that is not a number, a mistyped path)
    answers in the API's one JSON error shape, as the OpenAPI document says every 404 does; pages keep the
    Chinese 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(not_found_body(), status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)
