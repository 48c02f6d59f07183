"""URLs of the grid governance web UI: grids, people, rosters and patrols; the map."""

from django.urls import include, path

urlpatterns = [
    path("", include("pingan.grids.urls_people")),
    path("", include("pingan.grids.urls_map")),
]
