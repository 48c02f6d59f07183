"""How the map dashboard's URLs keep users inside their jurisdiction (see tests/test_url_inventory.py)."""

OBJECT = {"map-grid-panel"}
SCOPED_LIST = {"map", "map-table", "api-map-regions", "api-map-heat"}
URL_ARGS = {"map-grid-panel": ["430211004001001"]}
SCOPED_GETS = ["/map/", "/map/table/", "/api/v1/map/regions/", "/api/v1/map/heat/"]
