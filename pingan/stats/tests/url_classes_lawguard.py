"""法治护航台账 (test_lawguard_ledger.py tests the jurisdiction with records on both sides)."""

SCOPED_LIST = {
    "dashboard-lawguard",
    "dashboard-lawguard-export",
    "stats-lawguard-workstations",
    "stats-lawguard-roles",
}
SCOPED_GETS = [
    "/dashboard/lawguard/",
    "/dashboard/lawguard/export.xlsx",
    "/api/v1/stats/lawguard/workstations/",
    "/api/v1/stats/lawguard/roles/",
    "/api/v1/stats/summary/?group=lawguard",
    "/api/v1/stats/drilldown/?indicator=lg_services&part=numerator",
    "/dashboard/drilldown/?indicator=lg_suggestions&part=numerator",
]
