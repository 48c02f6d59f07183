"""API routes of major-event security, all under /api/v1/events/."""

from django.urls import path

from . import views

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="api-event-list"),
    path("events/templates/", views.TemplateListView.as_view(), name="api-event-template-list"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="api-event-detail"),
    path("events/<int:pk>/status/", views.EventStatusView.as_view(), name="api-event-status"),
    path("events/<int:pk>/tasks/", views.EventTasksView.as_view(), name="api-event-tasks"),
    path("events/<int:pk>/sweeps/", views.EventSweepsView.as_view(), name="api-event-sweeps"),
    path("events/<int:pk>/roster/", views.EventRosterView.as_view(), name="api-event-roster"),
    path("events/<int:pk>/reports/", views.EventReportsView.as_view(), name="api-event-reports"),
    path("events/<int:pk>/review/", views.EventReviewView.as_view(), name="api-event-review"),
    path("events/tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="api-event-task-complete"),
    path("events/sweeps/<int:pk>/findings/", views.SweepFindingsView.as_view(), name="api-event-sweep-findings"),
    path("events/findings/<int:pk>/case/", views.FindingCaseView.as_view(), name="api-event-finding-case"),
    path("events/roster/<int:pk>/", views.RosterShiftView.as_view(), name="api-event-roster-shift"),
    path("events/reports/<int:pk>/", views.ReportView.as_view(), name="api-event-report"),
    path("events/reports/<int:pk>/send/", views.ReportSendView.as_view(), name="api-event-report-send"),
    path("events/reports/<int:pk>/report.docx", views.ReportDocxView.as_view(), name="api-event-report-docx"),
    path("events/lessons/<int:pk>/save/", views.LessonSaveView.as_view(), name="api-event-lesson-save"),
]
