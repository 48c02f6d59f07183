"""How the URLs of the risk register's links outward keep users inside their jurisdiction (checked by
tests/test_url_inventory.py; the apps' suites test the 404s: test_insight_raising, test_insight_suggestions,
pingan/map/tests/test_risk_layer.py, pingan/stats/tests/test_risk_indicators.py)."""

# One object by id: a source case or a suggestion outside the jurisdiction is a 404. The raise endpoint names
# its source case in the body and answers 404 for one outside it.
OBJECT = {
    "risk-raise",
    "risk-suggestion-detail",
    "risk-suggestion-accept",
    "risk-suggestion-dismiss",
    "api-risk-raise",
    "api-risk-suggestion-detail",
    "api-risk-suggestion-accept",
    "api-risk-suggestion-dismiss",
}
SCOPED_LIST = {"risk-suggestion-list", "api-risk-suggestion-list"}
URL_ARGS = {
    "risk-suggestion-detail": [1],
    "risk-suggestion-accept": [1],
    "risk-suggestion-dismiss": [1],
    "api-risk-raise": [],
    "api-risk-suggestion-detail": [1],
    "api-risk-suggestion-accept": [1],
    "api-risk-suggestion-dismiss": [1],
}
SCOPED_GETS = ["/risks/suggestions/", "/api/v1/risks/suggestions/"]
