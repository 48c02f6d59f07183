"""Mounted at /dashboard/ by the web UI."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drilldown/", views.drilldown, name="dashboard-drilldown"),
]
