from django.urls import path
from rest_framework.routers import SimpleRouter

from pingan.core.api import FirstRendererNegotiation

from .views import CaseViewSet, CategoryListView, ExportJobViewSet, NotificationViewSet

router = SimpleRouter(use_regex_path=False)
router.register("cases", CaseViewSet, basename="api-case")
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("exports", ExportJobViewSet, basename="api-export")

# Files are named like files (no trailing slash) and answer errors in the one JSON shape.
file_views = {"content_negotiation_class": FirstRendererNegotiation}

urlpatterns = [
    path("cases/export.xlsx", CaseViewSet.as_view({"get": "export"}, **file_views), name="api-case-export"),
    path("categories/", CategoryListView.as_view(), name="api-category-list"),
    *router.urls,
]
