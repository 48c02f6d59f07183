"""API routes of the map dashboard (mounted under /api/v1/)."""

from django.urls import path

from .map import MapHeatView, MapRegionsView

urlpatterns = [
    path("map/regions/", MapRegionsView.as_view(), name="api-map-regions"),
    path("map/heat/", MapHeatView.as_view(), name="api-map-heat"),
]
