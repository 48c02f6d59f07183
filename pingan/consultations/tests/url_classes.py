"""How the consultation URLs keep users inside their jurisdiction (checked by tests/test_url_inventory.py).

The register, its API and the intake forms list only the user's jurisdiction. The portal's pages and API are
an enterprise user's own (the enterprise of their account): its detail is an OBJECT that answers 404 for any
other enterprise's consultation (test_portal.py)."""

OBJECT = {"portal-consult-detail"}
SCOPED_LIST = {
    "consult-list",
    "consult-new",
    "consult-hotline",
    "api-consult-list",
    "portal-consult-list",
    "portal-consult-new",
    "api-portal-consult",
}
SCOPED_GETS = ["/consultations/", "/consultations/new/", "/consultations/hotline/", "/api/v1/consultations/"]
