"""How the outline and locator URLs keep users inside their jurisdiction (see tests/test_url_inventory.py).
Outlines and places are read from the user's jurisdiction (a parent outside it answers 404, a grid outside
it is not named); the import accepts only codes inside it (tested in test_geometry*.py)."""

SCOPED_LIST = {"api-shape-list", "api-locate", "api-shape-import"}
SCOPED_GETS = [
    "/api/v1/shapes/",
    "/api/v1/shapes/?level=4",
    "/api/v1/shapes/?level=5",
    "/api/v1/locate?lng=113.09&lat=27.80",
]
