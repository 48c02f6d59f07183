"""The consultation API (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ConsultationViewSet, PortalConsultationView

router = SimpleRouter(use_regex_path=False)
router.register("consultations", ConsultationViewSet, basename="api-consult")

urlpatterns = [
    path("portal/consultations/", PortalConsultationView.as_view(), name="api-portal-consult"),
    *router.urls,
]
