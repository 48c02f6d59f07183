"""Web URLs of 法治护航's outcomes (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import outcome_views as views

urlpatterns = [
    path("lawguard/suggestions/", views.suggestion_list, name="lawguard-suggestion-list"),
    path("lawguard/suggestions/<int:suggestion_id>/", views.suggestion_detail, name="lawguard-suggestion-detail"),
    path(
        "lawguard/suggestions/<int:suggestion_id>/<slug:action>/",
        views.suggestion_action,
        name="lawguard-suggestion-action",
    ),
    path("lawguard/dispute-help/new/", views.dispute_help_new, name="lawguard-dispute-help-new"),
    path("lawguard/losses/", views.loss_list, name="lawguard-loss-list"),
    path("lawguard/losses/export.xlsx", views.loss_export, name="lawguard-loss-export"),
    path("lawguard/losses/new/", views.loss_new, name="lawguard-loss-new"),
]
