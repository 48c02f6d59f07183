"""The drive API (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .views import DriveViewSet

router = SimpleRouter(use_regex_path=False)
router.register("drives", DriveViewSet, basename="api-drive")

urlpatterns = router.urls
