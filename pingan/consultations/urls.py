"""The consultation pages (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("consultations/", views.consultation_list, name="consult-list"),
    path("consultations/new/", views.consultation_new, name="consult-new"),
    path("consultations/hotline/", views.hotline_new, name="consult-hotline"),
    path("qiye/consultations/", views.portal_list, name="portal-consult-list"),
    path("qiye/consultations/new/", views.portal_new, name="portal-consult-new"),
    path("qiye/consultations/<int:case_id>/", views.portal_detail, name="portal-consult-detail"),
]
