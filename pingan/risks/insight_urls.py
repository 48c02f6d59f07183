"""Web URLs of the risk register's links outward (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import insight_views as views

urlpatterns = [
    path("risks/raise/<int:case_id>/", views.risk_raise, name="risk-raise"),
    path("risks/suggestions/", views.suggestion_list, name="risk-suggestion-list"),
    path("risks/suggestions/<int:suggestion_id>/", views.suggestion_detail, name="risk-suggestion-detail"),
    path("risks/suggestions/<int:suggestion_id>/accept/", views.suggestion_accept, name="risk-suggestion-accept"),
    path("risks/suggestions/<int:suggestion_id>/dismiss/", views.suggestion_dismiss, name="risk-suggestion-dismiss"),
]
