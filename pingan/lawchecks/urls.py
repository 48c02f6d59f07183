"""The legal services' pages (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("lawservices/", views.service_list, name="lawchecks-list"),
    path("lawservices/offer/", views.service_offer, name="lawchecks-offer"),
    path("lawservices/<int:case_id>/report.<str:fmt>", views.service_report, name="lawchecks-report"),
    path("qiye/lawservices/", views.portal_list, name="lawchecks-portal-list"),
    path("qiye/lawservices/book/", views.portal_book, name="lawchecks-portal-book"),
    path("qiye/lawservices/<int:case_id>/self-check/", views.portal_self_check, name="lawchecks-portal-self-check"),
    path("qiye/lawservices/<int:case_id>/report.<str:fmt>", views.portal_report, name="lawchecks-portal-report"),
]
