"""How the risk URLs keep users inside their jurisdiction (checked by tests/test_url_inventory.py)."""

OBJECT = {"api-risk-detail"}
# The register and the form list only what the user may see; the matrix, the level policies and the
# templates are reference data with no case in them.
SCOPED_LIST = {
    "risk-list",
    "risk-new",
    "api-risk-list",
    "api-risk-matrix",
    "api-risk-level-policies",
    "api-risk-templates",
}
SCOPED_GETS = [
    "/risks/",
    "/risks/new/",
    "/api/v1/risks/",
    "/api/v1/risks/matrix/",
    "/api/v1/risks/level-policies/",
    "/api/v1/risks/templates/",
]
