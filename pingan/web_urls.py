"""The staff web UI."""

from django.urls import include, path

urlpatterns = [
    path("", include("pingan.core.web_urls")),
]
