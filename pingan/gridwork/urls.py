"""URLs of the grid pages: grids, grid people and their import, duty rosters, patrols and visits, counts."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("grids/", views.grid_list, name="grid-list"),
    path("grids/members/", views.member_list, name="grid-member-list"),
    path("grids/members/new/", views.member_new, name="grid-member-new"),
    path("grids/members/import/", views.member_import, name="grid-member-import"),
    path("grids/members/<int:member_id>/edit/", views.member_edit, name="grid-member-edit"),
    path("grids/members/<int:member_id>/unmask/", views.member_unmask, name="grid-member-unmask"),
    # Grid codes are digits only, so that other grid pages (the map's) can live under /grids/ too.
    re_path(r"^grids/(?P<code>[0-9]+)/$", views.grid_detail, name="grid-detail"),
    re_path(r"^grids/(?P<code>[0-9]+)/roster/$", views.grid_roster, name="grid-roster"),
    path("patrols/", views.patrol_list, name="patrol-list"),
    path("patrols/new/", views.patrol_new, name="patrol-new"),
    path("patrols/counts/", views.patrol_counts, name="patrol-counts"),
    path("patrols/<int:patrol_id>/", views.patrol_detail, name="patrol-detail"),
    path("patrols/<int:patrol_id>/log/", views.patrol_log, name="patrol-log"),
    path("patrols/<int:patrol_id>/cancel/", views.patrol_cancel, name="patrol-cancel"),
    path("patrols/<int:patrol_id>/findings/", views.finding_add, name="patrol-finding-add"),
    path("patrols/findings/<int:finding_id>/case/", views.finding_case, name="patrol-finding-case"),
]
