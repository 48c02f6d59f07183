"""The risk API (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import LevelPolicyListView, PlanTemplateListView, RiskMatrixView, RiskViewSet

router = SimpleRouter(use_regex_path=False)
router.register("risks", RiskViewSet, basename="api-risk")

urlpatterns = [
    path("risks/matrix/", RiskMatrixView.as_view(), name="api-risk-matrix"),
    path("risks/level-policies/", LevelPolicyListView.as_view(), name="api-risk-level-policies"),
    path("risks/templates/", PlanTemplateListView.as_view(), name="api-risk-templates"),
    *router.urls,
]
