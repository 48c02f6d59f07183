"""How the drive URLs keep users inside their jurisdiction (checked by tests/test_url_inventory.py)."""

# One drive by id: a drive whose region neither lies in nor covers the user's jurisdiction is 404
# (pingan/drives/tests/test_drive_pages.py, test_drive_api.py); its figures count only the user's cases.
OBJECT = {
    "drive-detail",
    "drive-edit",
    "drive-cases",
    "drive-tag",
    "drive-untag",
    "api-drive-detail",
    "api-drive-figures",
    "api-drive-breakdown",
    "api-drive-cases",
    "api-drive-tag",
    "api-drive-untag",
}
SCOPED_LIST = {"drive-list", "drive-new", "api-drive-list"}
SCOPED_GETS = ["/drives/", "/drives/new/", "/api/v1/drives/"]
