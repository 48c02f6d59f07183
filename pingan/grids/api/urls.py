"""API routes of grid governance: outlines and the locator; people, rosters and patrols; the map's data."""

from django.urls import include, path

urlpatterns = [
    path("", include("pingan.grids.api.urls_shapes")),
    path("", include("pingan.grids.api.urls_people")),
    path("", include("pingan.grids.api.urls_map")),
]
