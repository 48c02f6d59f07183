"""Coordinate systems of points and outlines, and their conversion to WGS-84 (坐标系转换).

Everything the platform stores is WGS-84 (GPS, 北斗, a phone's `navigator.geolocation`). Chinese map apps
and SDKs hand out GCJ-02 (高德, 腾讯, 微信, the "火星坐标") or BD-09 (百度), which lie some hundreds of
metres off; a point in either is converted on intake when the client says which system it is in. The
conversions are those of `prcoords` (public domain), inverted exactly by iteration (to ~0.1 mm).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import prcoords
import shapely
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from pingan.core.errors import ApplicationError


class CoordSystem(models.TextChoices):
    """The coordinate system (坐标系) a client's longitude and latitude are given in."""

    WGS84 = "wgs84", gettext_lazy("WGS-84(GPS、北斗、手机定位)")
    GCJ02 = "gcj02", gettext_lazy("GCJ-02(高德、腾讯、微信)")
    BD09 = "bd09", gettext_lazy("BD-09(百度)")


def check_system(system: str, *, field: str = "coord_system") -> str:
    if system not in CoordSystem.values:
        raise ApplicationError(
            _("坐标系“%(system)s”无效,应为 wgs84、gcj02 或 bd09") % {"system": system},
            field=field,
        )
    return system


def check_point(*, lng: float, lat: float, field: str = "location") -> tuple[float, float]:
    """The point as floats, refused when it is not a longitude/latitude pair at all."""
    try:
        lng, lat = float(lng), float(lat)
    except (TypeError, ValueError):
        raise ApplicationError(_("经纬度应为数字"), field=field) from None
    if not (math.isfinite(lng) and math.isfinite(lat)) or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ApplicationError(
            _("经纬度超出范围:经度应在 -180 到 180 之间,纬度应在 -90 到 90 之间(注意经度在前)"),
            field=field,
        )
    return lng, lat


def _gcj_to_wgs(lat: float, lng: float) -> tuple[float, float]:
    # GCJ-02 only shifts points inside China; elsewhere it is WGS-84 unchanged (prcoords would warn).
    if not prcoords.sanity_in_china_p(prcoords.Coords(lat, lng)):
        return lat, lng
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wgs = prcoords.gcj_wgs_bored((lat, lng))
    return wgs.lat, wgs.lon


def to_wgs84(*, lng: float, lat: float, system: str) -> tuple[float, float]:
    """The WGS-84 (lng, lat) of a point given in `system` (a CoordSystem value)."""
    check_system(system)
    lng, lat = check_point(lng=lng, lat=lat)
    if system == CoordSystem.WGS84:
        return lng, lat
    if system == CoordSystem.BD09:
        gcj = prcoords.bd_gcj_bored((lat, lng))
        lat, lng = gcj.lat, gcj.lon
    lat, lng = _gcj_to_wgs(lat, lng)
    return lng, lat


def to_wgs84_many(lngs: ArrayLike, lats: ArrayLike, system: str) -> tuple[np.ndarray, np.ndarray]:
    """Arrays of WGS-84 longitudes and latitudes for many points in `system` (a file's vertices)."""
    check_system(system)
    xs, ys = np.asarray(lngs, dtype=float), np.asarray(lats, dtype=float)
    if system == CoordSystem.WGS84:
        return xs, ys
    pairs = [to_wgs84(lng=x, lat=y, system=system) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    converted = np.array(pairs, dtype=float).reshape(-1, 2)
    return converted[:, 0], converted[:, 1]


def geometry_to_wgs84(geometry: BaseGeometry, system: str) -> BaseGeometry:
    """An outline given in `system`, with every vertex converted to WGS-84."""
    check_system(system)
    if system == CoordSystem.WGS84:
        return geometry

    def convert(coords: np.ndarray) -> np.ndarray:
        lngs, lats = to_wgs84_many(coords[:, 0], coords[:, 1], system)
        return np.column_stack([lngs, lats])

    return shapely.transform(geometry, convert)
