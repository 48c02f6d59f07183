"""Small pure helpers on GeoJSON geometries (WGS-84 longitude/latitude) shared by import, demo and tests."""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

KM_PER_DEGREE = 111.32


def area_km2(geometry: BaseGeometry) -> float:
    """Area on a local equirectangular projection: good to well under 1% at a city's extent."""
    latitude = geometry.centroid.y
    return geometry.area * KM_PER_DEGREE * KM_PER_DEGREE * math.cos(math.radians(latitude))


def shape_fields(geometry: BaseGeometry) -> dict[str, Any]:
    """The stored fields of a RegionShape derived from its geometry."""
    min_lng, min_lat, max_lng, max_lat = geometry.bounds
    label = geometry.representative_point()
    return {
        "geometry": as_geojson(geometry),
        "min_lng": min_lng,
        "min_lat": min_lat,
        "max_lng": max_lng,
        "max_lat": max_lat,
        "label_lng": round(label.x, 6),
        "label_lat": round(label.y, 6),
        "area_km2": round(area_km2(geometry), 4),
    }


def as_geojson(geometry: BaseGeometry, precision: int = 6) -> dict[str, Any]:
    """GeoJSON of a geometry with coordinates rounded (6 decimals ≈ 0.1 m), lists not tuples."""
    rounded = shapely.set_precision(geometry, 10**-precision) if precision else geometry
    return _lists(mapping(rounded))


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value
