"""The REST API, version 1: every app contributes its routes here."""

from django.urls import include, path

import pingan.core.api  # noqa: F401  (registers the OpenAPI documentation of the token endpoint)

urlpatterns = [
    path("", include("pingan.core.api_urls")),
    path("", include("pingan.regions.api.urls")),
    path("", include("pingan.cases.api.urls")),
    path("", include("pingan.disputes.api.urls")),
    path("stats/", include("pingan.stats.api.urls")),
    path("", include("pingan.geo.api.urls")),
    path("", include("pingan.gridwork.api.urls")),
    path("", include("pingan.map.api.urls")),
    path("", include("pingan.incidents.api.urls")),
    path("", include("pingan.cameras.api.urls")),
]
