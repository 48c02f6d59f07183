"""The risk register's pages (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("risks/", views.risk_list, name="risk-list"),
    path("risks/new/", views.risk_new, name="risk-new"),
]
