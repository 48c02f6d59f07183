"""The enterprise portal's own pages (/qiye/, mounted by pingan.web_urls)."""

from django.urls import path

from . import portal_views as views

urlpatterns = [
    path("qiye/", views.home, name="portal-home"),
    path("qiye/suggestions/", views.suggestion_list, name="portal-suggestion-list"),
    path("qiye/suggestions/<int:suggestion_id>/", views.suggestion_detail, name="portal-suggestion-detail"),
    path(
        "qiye/suggestions/<int:suggestion_id>/<slug:action>/", views.suggestion_answer, name="portal-suggestion-answer"
    ),
    path("qiye/disputes/", views.dispute_list, name="portal-dispute-list"),
    path("qiye/disputes/new/", views.dispute_new, name="portal-dispute-new"),
    path("qiye/disputes/<int:case_id>/", views.dispute_detail, name="portal-dispute-detail"),
    path("qiye/ratings/", views.rating_list, name="portal-rating-list"),
    path("qiye/ratings/<int:case_id>/", views.rate, name="portal-rate"),
]
