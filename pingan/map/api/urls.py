"""API routes of the map (mounted under /api/v1/): the dashboard's data and the place at a point."""

from django.urls import path

from .views import LocateView, MapHeatView, MapRegionsView, MapRisksView

urlpatterns = [
    path("map/regions/", MapRegionsView.as_view(), name="api-map-regions"),
    path("map/heat/", MapHeatView.as_view(), name="api-map-heat"),
    path("map/risks/", MapRisksView.as_view(), name="api-map-risks"),
    path("locate", LocateView.as_view(), name="api-locate"),
]
