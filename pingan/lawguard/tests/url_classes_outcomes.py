"""How the URLs of 法治护航's outcomes and of the enterprise portal keep users inside their jurisdiction or
their own enterprise (checked by tests/test_url_inventory.py; the 404s are tested in test_outcome_pages,
test_outcome_api and test_portal_isolation).

Staff pages and API: lists start from the enterprises of the user's jurisdiction; one suggestion, or an
enterprise named by ?enterprise= or in the body, outside it is a 404. Portal pages and API (/qiye/,
/api/v1/portal/): open to enterprise users only (staff get 403); every read starts from the caller's own
enterprise, another enterprise's record is a 404."""

OBJECT = {
    "lawguard-suggestion-detail",
    "lawguard-suggestion-action",
    "lawguard-dispute-help-new",
    "lawguard-loss-new",
    "api-lawguard-suggestion-detail",
    "api-lawguard-suggestion-accept",
    "api-lawguard-suggestion-decline",
    "api-lawguard-suggestion-implement",
    "api-lawguard-suggestion-verify",
    "portal-suggestion-detail",
    "portal-suggestion-answer",
    "portal-dispute-detail",
    "portal-rate",
    "api-portal-suggestion-detail",
    "api-portal-suggestion-accept",
    "api-portal-suggestion-decline",
    "api-portal-suggestion-implement",
    "api-portal-dispute-detail",
}
SCOPED_LIST = {
    "lawguard-suggestion-list",
    "lawguard-loss-list",
    "lawguard-loss-export",
    "api-lawguard-suggestion-list",
    "api-lawguard-loss-list",
    "api-lawguard-loss-totals",
    "portal-home",
    "portal-suggestion-list",
    "portal-dispute-list",
    "portal-dispute-new",
    "portal-rating-list",
    "api-portal-suggestion-list",
    "api-portal-dispute-list",
    "api-portal-rating-list",
}
URL_ARGS = {
    "lawguard-suggestion-action": [1, "accept"],
    "lawguard-dispute-help-new": [],
    "lawguard-loss-new": [],
    "api-lawguard-suggestion-detail": [1],
    "api-lawguard-suggestion-accept": [1],
    "api-lawguard-suggestion-decline": [1],
    "api-lawguard-suggestion-implement": [1],
    "api-lawguard-suggestion-verify": [1],
    "portal-suggestion-detail": [1],
    "portal-suggestion-answer": [1, "accept"],
    "api-portal-suggestion-detail": [1],
    "api-portal-suggestion-accept": [1],
    "api-portal-suggestion-decline": [1],
    "api-portal-suggestion-implement": [1],
}
# Staff lists only: the portal's refuse staff (403), which test_portal_isolation checks.
SCOPED_GETS = [
    "/lawguard/suggestions/",
    "/lawguard/losses/",
    "/lawguard/losses/export.xlsx",
    "/api/v1/lawguard/suggestions/",
    "/api/v1/lawguard/losses/",
    "/api/v1/lawguard/losses/totals/",
]
