"""How the outline URLs keep users inside their jurisdiction (see tests/test_url_inventory.py). Outlines
are read from the user's jurisdiction (a parent outside it answers 404); the import accepts only codes
inside it (tested in test_geometry*.py)."""

SCOPED_LIST = {"api-shape-list", "api-shape-import"}
SCOPED_GETS = [
    "/api/v1/shapes/",
    "/api/v1/shapes/?level=4",
    "/api/v1/shapes/?level=5",
]
