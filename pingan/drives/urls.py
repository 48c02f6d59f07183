"""The drive pages (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("drives/", views.drive_list, name="drive-list"),
    path("drives/new/", views.drive_new, name="drive-new"),
    path("drives/<int:drive_id>/", views.drive_detail, name="drive-detail"),
    path("drives/<int:drive_id>/edit/", views.drive_edit, name="drive-edit"),
    path("drives/<int:drive_id>/cases/", views.drive_cases, name="drive-cases"),
    path("drives/<int:drive_id>/tag/", views.drive_tag, name="drive-tag"),
    path("drives/<int:drive_id>/untag/", views.drive_untag, name="drive-untag"),
]
