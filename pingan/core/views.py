from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

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
