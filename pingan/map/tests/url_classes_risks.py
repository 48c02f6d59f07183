"""The map's risk layer (pingan/map/tests/test_risk_layer.py tests the jurisdiction)."""

SCOPED_LIST = {"api-map-risks"}
SCOPED_GETS = ["/api/v1/map/risks/"]
