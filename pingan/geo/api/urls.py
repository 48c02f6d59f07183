"""API routes of outlines (mounted under /api/v1/): /api/v1/shapes/ and /api/v1/shapes/import."""

from django.urls import path

from .views import ShapeImportView, ShapeListView

urlpatterns = [
    path("shapes/", ShapeListView.as_view(), name="api-shape-list"),
    path("shapes/import", ShapeImportView.as_view(), name="api-shape-import"),
]
