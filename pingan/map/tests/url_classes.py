"""How the map dashboard's URLs and the place lookup keep users inside their jurisdiction (see
tests/test_url_inventory.py). The place at a point does not name a grid outside the jurisdiction
(tested in test_locate_api.py)."""

OBJECT = {"map-grid-panel"}
SCOPED_LIST = {"map", "map-table", "api-map-regions", "api-map-heat", "api-locate"}
URL_ARGS = {"map-grid-panel": ["430211004001001"]}
SCOPED_GETS = [
    "/map/",
    "/map/table/",
    "/api/v1/map/regions/",
    "/api/v1/map/heat/",
    "/api/v1/locate?lng=113.09&lat=27.80",
]
