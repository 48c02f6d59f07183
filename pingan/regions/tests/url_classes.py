"""How the region URLs keep users inside their jurisdiction (see tests/test_url_inventory.py): the search
by name answers only regions of the caller's jurisdiction (tested in test_search.py)."""

SCOPED_LIST = {"api-region-search"}
SCOPED_GETS = ["/api/v1/regions/search/?q=山", "/api/v1/regions/search/?q=4302", "/api/v1/regions/search/?q=天元"]
