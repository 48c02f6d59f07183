"""The staff web UI (and the citizens' tracking page)."""

from django.urls import include, path

from pingan.cases.public import track

urlpatterns = [
    path("track/", track, name="track"),
    path("", include("pingan.core.web_urls")),
    path("", include("pingan.accounts.otp_urls")),
    path("", include("pingan.accounts.urls")),
    path("", include("pingan.cases.urls")),
    path("", include("pingan.disputes.urls")),
    path("dashboard/", include("pingan.stats.urls")),
    path("", include("pingan.gridwork.urls")),
    path("", include("pingan.map.urls")),
    path("", include("pingan.incidents.urls")),
    path("", include("pingan.risks.urls")),
    path("", include("pingan.risks.insight_urls")),
    path("", include("pingan.consultations.urls")),
    path("", include("pingan.lawchecks.urls")),
    path("", include("pingan.cameras.urls")),
    path("", include("pingan.drives.urls")),
    path("", include("pingan.majorevents.urls")),
    path("", include("pingan.lawguard.urls")),
    path("", include("pingan.lawguard.outcome_urls")),
    path("", include("pingan.lawguard.portal_urls")),
]
