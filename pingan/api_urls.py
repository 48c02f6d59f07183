"""The REST API, version 1: every app contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("pingan.core.api_urls")),
]
