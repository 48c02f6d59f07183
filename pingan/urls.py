from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pingan.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("pingan.api_urls")),
    path("open311/v2/", include("pingan.open311.urls")),
    path("", include("pingan.web_urls")),
]

# Under /api/ an unknown URL answers 404 in the API's JSON error shape, elsewhere the 404 page.
handler404 = "pingan.core.views.page_not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A lost database answers 503 (JSON in the API), a body too large 413: pingan.core.faults.
handler400 = "pingan.core.faults.bad_request"
handler500 = "pingan.core.faults.server_error"
