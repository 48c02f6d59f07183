"""How the major-event URLs keep users inside their jurisdiction (checked by tests/test_url_inventory.py):
every object URL goes through the event, which is "not found" outside the user's jurisdiction
(pingan/majorevents/tests/test_jurisdiction.py)."""

OBJECT = {
    "event-board",
    "event-status",
    "event-sweeps",
    "event-roster",
    "event-report-generate",
    "event-review",
    "event-task-complete",
    "event-task-evidence",
    "event-finding-add",
    "event-finding-case",
    "event-roster-remove",
    "event-report",
    "event-report-send",
    "event-report-docx",
    "event-lesson-save",
    "api-event-detail",
    "api-event-status",
    "api-event-tasks",
    "api-event-sweeps",
    "api-event-roster",
    "api-event-reports",
    "api-event-review",
    "api-event-task-complete",
    "api-event-sweep-findings",
    "api-event-finding-case",
    "api-event-roster-shift",
    "api-event-report",
    "api-event-report-send",
    "api-event-report-docx",
    "api-event-lesson-save",
}
# Scenario templates hold no regional data; the event list starts from the user's jurisdiction.
SCOPED_LIST = {"event-list", "event-new", "api-event-list", "api-event-template-list"}
SCOPED_GETS = ["/events/", "/events/new/", "/api/v1/events/", "/api/v1/events/templates/"]
