"""API routes of the risk register's links outward (mounted under /api/v1/ by pingan.api_urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .insight_api import RiskRaiseView, SuggestionViewSet

router = SimpleRouter(use_regex_path=False)
router.register("risks/suggestions", SuggestionViewSet, basename="api-risk-suggestion")

urlpatterns = [path("risks/raise/", RiskRaiseView.as_view(), name="api-risk-raise"), *router.urls]
