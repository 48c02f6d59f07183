"""Camera points for tests (the map's tests use them too)."""

from __future__ import annotations

import datetime

from pingan.cameras.choices import CameraStatus, CameraType
from pingan.cameras.models import Camera


def make_camera(code: str, grid, lng: str, lat: str, **fields) -> Camera:
    values = {
        "name": f"{grid.name}{code[-3:]}号点位",
        "camera_type": CameraType.BULLET,
        "status": CameraStatus.ONLINE,
        "owner_unit": "株洲市公安局",
        "installed_on": datetime.date(2021, 5, 6),
        **fields,
    }
    return Camera.objects.create(code=code, grid=grid, lng=lng, lat=lat, **values)
