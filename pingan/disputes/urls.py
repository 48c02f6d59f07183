"""URLs of the dispute kind's own pages (mounted at the site root by pingan.web_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:case_id>/agreement.docx", views.case_agreement, name="case-agreement"),
]
