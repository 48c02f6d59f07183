"""The legal-service API (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import LegalServiceViewSet, PortalServiceView, ReportDownloadView

router = SimpleRouter(use_regex_path=False)
router.register("lawservices", LegalServiceViewSet, basename="api-lawservice")

urlpatterns = [
    path("lawservices/<int:case_id>/report/<str:fmt>/", ReportDownloadView.as_view(), name="api-lawservice-report"),
    path("portal/lawservices/", PortalServiceView.as_view(), name="api-portal-lawservices"),
    *router.urls,
]
