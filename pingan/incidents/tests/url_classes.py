"""How the incident URLs keep users inside their jurisdiction (checked by tests/test_url_inventory.py)."""

# The service worker is a static script with no data in it.
PUBLIC = {"incident-report-sw"}
OBJECT = {"api-incident-detail", "api-incident-feedback", "api-incident-convert"}
SCOPED_LIST = {"incident-report", "api-incident-list"}
SCOPED_GETS = ["/report/", "/api/v1/incidents/"]
