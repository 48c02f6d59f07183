"""Mounted at /dashboard/ by the web UI."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drilldown/", views.drilldown, name="dashboard-drilldown"),
    path("lawguard/", views.lawguard_ledger, name="dashboard-lawguard"),
    path("lawguard/export.xlsx", views.lawguard_export, name="dashboard-lawguard-export"),
]
