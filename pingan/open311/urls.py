"""Open311 GeoReport v2 under /open311/v2/: every resource in .json and .xml; anything else answers the
spec's 404."""

from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")

urlpatterns = [
    path("discovery.<open311fmt:fmt>", views.discovery, name="open311-discovery"),
    path("services.<open311fmt:fmt>", views.service_list, name="open311-services"),
    path("services/<str:service_code>.<open311fmt:fmt>", views.service_definition, name="open311-service"),
    path("requests.<open311fmt:fmt>", views.request_collection, name="open311-requests"),
    path("requests/<str:service_request_id>.<open311fmt:fmt>", views.request_detail, name="open311-request"),
    path("tokens/<str:token>.<open311fmt:fmt>", views.token_detail, name="open311-token"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="open311-not-found"),
]
