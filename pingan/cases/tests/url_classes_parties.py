"""How the party correction URLs keep users inside their jurisdiction (see tests/test_url_inventory.py):
the case is looked up among those the user may see (404 outside), the party among that case's parties."""

OBJECT = {"case-party-edit", "api-case-party"}
URL_ARGS = {"case-party-edit": [1, 1], "api-case-party": [1, 1]}
