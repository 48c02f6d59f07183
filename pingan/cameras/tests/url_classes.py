"""How the camera register's URLs keep users inside their jurisdiction (see tests/test_url_inventory.py)."""

OBJECT = {"camera-detail", "camera-edit", "api-camera-detail"}
SCOPED_LIST = {
    "camera-list",
    "camera-counts",
    "camera-new",
    "camera-import",
    "api-camera-list",
    "api-camera-counts",
    "api-camera-points",
    "api-camera-import",
}
SCOPED_GETS = [
    "/cameras/",
    "/cameras/counts/",
    "/cameras/new/",
    "/cameras/import/",
    "/api/v1/cameras/",
    "/api/v1/cameras/counts/",
    "/api/v1/cameras/points/",
]
