"""Camera points of the test scene: two in 泰山社区 (天元区), one in 月塘社区 (荷塘区)."""

from __future__ import annotations

import pytest

from pingan.cameras.choices import CameraStatus, CameraType

from .factories import make_camera


@pytest.fixture
def cameras(grids):
    class Cameras:
        pass

    c = Cameras()
    c.taishan_gate = make_camera("XL430211000001", grids.taishan_1, "113.090000", "27.800000", address="泰山路1号")
    c.taishan_park = make_camera(
        "XL430211000002",
        grids.taishan_2,
        "113.110000",
        "27.800000",
        status=CameraStatus.FAULT,
        camera_type=CameraType.DOME,
    )
    c.yuetang_market = make_camera(
        "XL430202000001", grids.yuetang_1, "113.260000", "27.860000", owner_unit="荷塘区城管局"
    )
    return c
