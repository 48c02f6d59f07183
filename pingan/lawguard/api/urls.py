"""API routes of 法治护航's register (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .views import EnterpriseAccountViewSet, EnterpriseViewSet, ExpertViewSet, WorkstationViewSet

router = SimpleRouter(use_regex_path=False)
router.register("lawguard/enterprises", EnterpriseViewSet, basename="api-lawguard-enterprise")
router.register("lawguard/workstations", WorkstationViewSet, basename="api-lawguard-workstation")
router.register("lawguard/experts", ExpertViewSet, basename="api-lawguard-expert")
router.register("lawguard/accounts", EnterpriseAccountViewSet, basename="api-lawguard-account")

urlpatterns = router.urls
