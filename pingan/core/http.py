"""Types of requests as the middleware leaves them, for the annotations of views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request after django-htmx's middleware, which sets `htmx` (truthy when htmx sent it). For
    annotations only: views receive a plain HttpRequest."""

    htmx: HtmxDetails
