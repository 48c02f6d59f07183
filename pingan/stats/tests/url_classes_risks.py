"""The risk register's figures by owner unit (test_risk_indicators.py tests the jurisdiction)."""

SCOPED_LIST = {"stats-risk-owners"}
SCOPED_GETS = ["/api/v1/stats/risks/owners/", "/api/v1/stats/drilldown/?indicator=risks&part=numerator"]
