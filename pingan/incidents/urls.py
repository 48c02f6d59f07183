"""The phone reporting page and its service worker (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("report/", views.report, name="incident-report"),
    path("report/sw.js", views.service_worker, name="incident-report-sw"),
]
