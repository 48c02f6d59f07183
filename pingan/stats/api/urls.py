"""Mounted at /api/v1/stats/."""

from django.urls import path

from . import views

urlpatterns = [
    path("summary/", views.SummaryView.as_view(), name="stats-summary"),
    path("breakdown/", views.BreakdownView.as_view(), name="stats-breakdown"),
    path("risks/owners/", views.RiskOwnersView.as_view(), name="stats-risk-owners"),
    path("drilldown/", views.DrilldownView.as_view(), name="stats-drilldown"),
    path("lawguard/workstations/", views.LawguardWorkstationsView.as_view(), name="stats-lawguard-workstations"),
    path("lawguard/roles/", views.LawguardRolesView.as_view(), name="stats-lawguard-roles"),
]
