"""URLs of the major-event pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("events/", views.event_list, name="event-list"),
    path("events/new/", views.event_new, name="event-new"),
    path("events/<int:event_id>/", views.event_board, name="event-board"),
    path("events/<int:event_id>/status/", views.event_status, name="event-status"),
    path("events/<int:event_id>/sweeps/", views.event_sweeps, name="event-sweeps"),
    path("events/<int:event_id>/roster/", views.event_roster, name="event-roster"),
    path("events/<int:event_id>/reports/", views.report_generate, name="event-report-generate"),
    path("events/<int:event_id>/review/", views.event_review, name="event-review"),
    path("events/tasks/<int:task_id>/complete/", views.task_complete, name="event-task-complete"),
    path("events/tasks/<int:task_id>/evidence/", views.task_evidence, name="event-task-evidence"),
    path("events/sweeps/<int:sweep_id>/findings/", views.finding_add, name="event-finding-add"),
    path("events/findings/<int:finding_id>/case/", views.finding_case, name="event-finding-case"),
    path("events/roster/<int:shift_id>/remove/", views.roster_remove, name="event-roster-remove"),
    path("events/reports/<int:report_id>/", views.report_detail, name="event-report"),
    path("events/reports/<int:report_id>/send/", views.report_send, name="event-report-send"),
    path("events/reports/<int:report_id>/report.docx", views.report_docx, name="event-report-docx"),
    path("events/lessons/<int:lesson_id>/save/", views.lesson_save, name="event-lesson-save"),
]
