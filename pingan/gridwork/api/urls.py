"""API routes of grid people, duty rosters, patrols and visits, their counts, and the grid worker's workbench."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    DutyShiftViewSet,
    GridMemberViewSet,
    GridViewSet,
    GridWorkView,
    PatrolCountsView,
    PatrolFindingCaseView,
    PatrolViewSet,
)

router = SimpleRouter(use_regex_path=False)
router.register("grids", GridViewSet, basename="api-grid")
router.register("grid-members", GridMemberViewSet, basename="api-grid-member")
router.register("duty-shifts", DutyShiftViewSet, basename="api-duty-shift")
router.register("patrols", PatrolViewSet, basename="api-patrol")

urlpatterns = [
    path("patrol-counts/", PatrolCountsView.as_view(), name="api-patrol-counts"),
    path("patrol-findings/<int:pk>/case/", PatrolFindingCaseView.as_view(), name="api-patrol-finding-case"),
    path("grid-work/", GridWorkView.as_view(), name="api-grid-work"),
    *router.urls,
]
