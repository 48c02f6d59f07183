"""URLs of the camera register (雪亮工程) in the staff web UI."""

from django.urls import path

from . import views

urlpatterns = [
    path("cameras/", views.camera_list, name="camera-list"),
    path("cameras/counts/", views.camera_counts, name="camera-counts"),
    path("cameras/new/", views.camera_new, name="camera-new"),
    path("cameras/import/", views.camera_import, name="camera-import"),
    path("cameras/<int:camera_id>/", views.camera_detail, name="camera-detail"),
    path("cameras/<int:camera_id>/edit/", views.camera_edit, name="camera-edit"),
]
