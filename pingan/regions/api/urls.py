from rest_framework.routers import SimpleRouter

from .views import OrganizationViewSet, RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="api-region")
router.register("organizations", OrganizationViewSet, basename="api-organization")

urlpatterns = router.urls
