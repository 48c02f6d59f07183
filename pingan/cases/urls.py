"""URLs of the staff web UI for cases (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/export.xlsx", views.case_export, name="case-export"),
    path("cases/exports/", views.export_job_new, name="case-export-job-new"),
    path("cases/exports/<int:job_id>/", views.export_job, name="case-export-job"),
    path("cases/exports/<int:job_id>/download/", views.export_job_download, name="case-export-job-download"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/actions/<slug:action>/", views.case_action, name="case-action"),
    path("cases/<int:case_id>/parties/unmask/", views.case_unmask, name="case-unmask"),
    path("cases/<int:case_id>/parties/<int:party_id>/", views.party_edit, name="case-party-edit"),
    path("cases/<int:case_id>/attachments/", views.attachment_upload, name="case-attachment-upload"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>/", views.attachment_download, name="case-attachment"),
]
