"""The Open311 endpoints are public by design (GeoReport v2): reads show only public requests, or the
private ones of the client whose api_key is given; filing needs a key (tested in test_open311_*.py)."""

PUBLIC = {
    "open311-discovery",
    "open311-services",
    "open311-service",
    "open311-requests",
    "open311-request",
    "open311-token",
    "open311-not-found",
}
