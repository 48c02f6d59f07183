"""API routes of the camera register (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .views import CameraViewSet

router = SimpleRouter(use_regex_path=False)
router.register("cameras", CameraViewSet, basename="api-camera")

urlpatterns = router.urls
