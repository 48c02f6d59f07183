"""API routes of 法治护航's outcomes and of the enterprise portal (mounted under /api/v1/ by pingan.api_urls)."""

from rest_framework.routers import SimpleRouter

from .outcome_api import LossViewSet, SuggestionViewSet
from .portal_api import PortalDisputeViewSet, PortalRatingViewSet, PortalSuggestionViewSet

router = SimpleRouter(use_regex_path=False)
router.register("lawguard/suggestions", SuggestionViewSet, basename="api-lawguard-suggestion")
router.register("lawguard/losses", LossViewSet, basename="api-lawguard-loss")
router.register("portal/suggestions", PortalSuggestionViewSet, basename="api-portal-suggestion")
router.register("portal/disputes", PortalDisputeViewSet, basename="api-portal-dispute")
router.register("portal/ratings", PortalRatingViewSet, basename="api-portal-rating")

urlpatterns = router.urls
