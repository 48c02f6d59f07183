"""API routes of outlines and places (GEO): /api/v1/shapes/, /api/v1/shapes/import, /api/v1/locate."""

from django.urls import path

from .shapes import LocateView, ShapeImportView, ShapeListView

urlpatterns = [
    path("shapes/", ShapeListView.as_view(), name="api-shape-list"),
    path("shapes/import", ShapeImportView.as_view(), name="api-shape-import"),
    path("locate", LocateView.as_view(), name="api-locate"),
]
