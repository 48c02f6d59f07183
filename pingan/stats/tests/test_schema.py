"""The statistics endpoints describe themselves in OpenAPI without warnings."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def test_stats_schema_is_valid_and_warning_free():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/stats/", include("pingan.stats.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors for the stats API"
    assert {"/api/v1/stats/summary/", "/api/v1/stats/breakdown/", "/api/v1/stats/drilldown/"} <= set(schema["paths"])
    drilldown = schema["paths"]["/api/v1/stats/drilldown/"]["get"]
    assert {p["name"] for p in drilldown["parameters"]} >= {"indicator", "part", "region", "page"}
