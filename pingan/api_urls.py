"""The REST API, version 1: every app contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("pingan.accounts.api.urls")),
    path("", include("pingan.regions.api.urls")),
    path("", include("pingan.cases.api.urls")),
    path("", include("pingan.disputes.api.urls")),
    path("stats/", include("pingan.stats.api.urls")),
    path("", include("pingan.geo.api.urls")),
    path("", include("pingan.gridwork.api.urls")),
    path("", include("pingan.map.api.urls")),
    path("", include("pingan.incidents.api.urls")),
    path("", include("pingan.risks.api.urls")),
    path("", include("pingan.risks.insight_api_urls")),
    path("", include("pingan.consultations.api.urls")),
    path("", include("pingan.lawchecks.api.urls")),
    path("", include("pingan.cameras.api.urls")),
    path("", include("pingan.drives.api.urls")),
    path("", include("pingan.majorevents.api.urls")),
    path("", include("pingan.lawguard.api.urls")),
    path("", include("pingan.lawguard.outcome_api_urls")),
]
