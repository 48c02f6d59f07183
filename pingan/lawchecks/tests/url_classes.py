"""How the legal-service URLs keep users inside their jurisdiction (checked by tests/test_url_inventory.py).
The portal's pages and endpoint read only the signed-in enterprise's own services (test_portal.py)."""

OBJECT = {
    "lawchecks-report",
    "api-lawservice-report",
    "lawchecks-portal-self-check",
    "lawchecks-portal-report",
}
SCOPED_LIST = {
    "lawchecks-list",
    "lawchecks-offer",
    "api-lawservice-list",
    "lawchecks-portal-list",
    "lawchecks-portal-book",
    "api-portal-lawservices",
}
URL_ARGS = {
    "lawchecks-report": [1, "pdf"],
    "api-lawservice-report": [1, "pdf"],
    "lawchecks-portal-report": [1, "pdf"],
}
SCOPED_GETS = ["/lawservices/", "/lawservices/offer/", "/api/v1/lawservices/"]
