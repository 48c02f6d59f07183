"""The incident API (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .views import IncidentViewSet

router = SimpleRouter(use_regex_path=False)
router.register("incidents", IncidentViewSet, basename="api-incident")

urlpatterns = router.urls
