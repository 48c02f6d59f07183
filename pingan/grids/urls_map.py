"""URLs of the map dashboard (网格地图)."""

from django.urls import path

from . import map_views

urlpatterns = [
    path("map/", map_views.map_page, name="map"),
    path("map/table/", map_views.map_table, name="map-table"),
    path("map/grids/<str:code>/", map_views.map_grid_panel, name="map-grid-panel"),
]
