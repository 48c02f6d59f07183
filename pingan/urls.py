from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pingan.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The API's documentation is for signed-in users (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); a browser that
    # is not signed in is sent to the login page. The split view loads Swagger UI's start-up script from a URL of
    # its own (?script) instead of inline, so the nonce-based CSP (SECURE_CSP) lets it run unchanged.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
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
