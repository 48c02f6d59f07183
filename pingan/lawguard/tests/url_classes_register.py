"""How the register's URLs keep users inside their jurisdiction (see tests/test_url_inventory.py). Object URLs
answer 404 outside it (pingan/lawguard/tests/test_register_pages.py and test_register_api.py)."""

OBJECT = {
    "lawguard-enterprise-detail",
    "lawguard-enterprise-edit",
    "lawguard-enterprise-deactivate",
    "lawguard-contact-add",
    "lawguard-contact-remove",
    "lawguard-contacts-unmask",
    "lawguard-guard-assign",
    "lawguard-guard-end",
    "lawguard-account-new",
    "lawguard-account-deactivate",
    "lawguard-workstation-detail",
    "lawguard-workstation-edit",
    "lawguard-expert-edit",
    "api-lawguard-enterprise-detail",
    "api-lawguard-enterprise-guards",
    "api-lawguard-workstation-detail",
    "api-lawguard-expert-detail",
    "api-lawguard-account-deactivate",
}
SCOPED_LIST = {
    "lawguard-enterprise-list",
    "lawguard-enterprise-mine",
    "lawguard-enterprise-export",
    "lawguard-enterprise-new",
    "lawguard-enterprise-import",
    "lawguard-enterprise-import-template",
    "lawguard-workstation-list",
    "lawguard-workstation-new",
    "lawguard-expert-list",
    "lawguard-expert-new",
    "api-lawguard-enterprise-list",
    "api-lawguard-enterprise-import",
    "api-lawguard-workstation-list",
    "api-lawguard-expert-list",
    "api-lawguard-account-list",
}
URL_ARGS = {
    "lawguard-contact-remove": [1, 1],
    "lawguard-guard-end": [1, 1],
}
SCOPED_GETS = [
    "/lawguard/enterprises/",
    "/lawguard/enterprises/mine/",
    "/lawguard/enterprises/export.xlsx",
    "/lawguard/enterprises/new/",
    "/lawguard/enterprises/import/",
    "/lawguard/workstations/",
    "/lawguard/workstations/new/",
    "/lawguard/experts/",
    "/api/v1/lawguard/enterprises/",
    "/api/v1/lawguard/workstations/",
    "/api/v1/lawguard/experts/",
    "/api/v1/lawguard/accounts/",
]
