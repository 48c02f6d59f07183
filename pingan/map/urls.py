"""URLs of the map dashboard (网格地图)."""

from django.urls import path

from . import views

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/table/", views.map_table, name="map-table"),
    path("map/grids/<str:code>/", views.map_grid_panel, name="map-grid-panel"),
]
