"""Registering and changing camera points: the grid is where the point lies, inside the editor's jurisdiction."""

from __future__ import annotations

import datetime
from decimal import Decimal

import prcoords
import pytest

from pingan.cameras.choices import CameraStatus, CameraType
from pingan.cameras.models import Camera
from pingan.cameras.services import camera_create, camera_update
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.models import AuditAction, AuditLog


def new_camera(actor, **overrides):
    values = {
        "code": "XL430211009999",
        "name": "泰山路口",
        "camera_type": CameraType.BULLET,
        "lng": 113.09,
        "lat": 27.80,
        "owner_unit": "株洲市公安局",
        **overrides,
    }
    return camera_create(actor=actor, **values)


@pytest.mark.django_db
def test_a_new_camera_lies_in_the_grid_at_its_point(grids, people):
    camera = new_camera(people.district_clerk)
    assert camera.grid == grids.taishan_1
    assert camera.region_code == "430211004001001"
    assert (camera.lng, camera.lat) == (Decimal("113.090000"), Decimal("27.800000"))
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(camera.pk)).exists()


@pytest.mark.django_db
def test_gcj02_coordinates_are_stored_as_wgs84(grids, people):
    gcj = prcoords.wgs_gcj((27.80, 113.11))
    camera = new_camera(people.district_clerk, lng=gcj.lon, lat=gcj.lat, coord_system="gcj02")
    assert camera.grid == grids.taishan_2
    assert abs(float(camera.lng) - 113.11) < 2e-6 and abs(float(camera.lat) - 27.80) < 2e-6


@pytest.mark.django_db
def test_a_camera_on_a_shared_border_goes_to_the_grid_with_the_smallest_code(grids, people):
    assert new_camera(people.district_clerk, lng=113.10, lat=27.80).grid == grids.taishan_1


@pytest.mark.django_db
def test_a_camera_outside_every_grid_is_refused_and_nothing_is_written(grids, people):
    with pytest.raises(ApplicationError) as refused:
        new_camera(people.district_clerk, lng=112.0, lat=26.0)
    assert "location" in refused.value.fields
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_a_camera_in_another_district_is_refused(grids, people):
    with pytest.raises(ApplicationError) as refused:
        new_camera(people.district_clerk, lng=113.26, lat=27.86)
    assert refused.value.code == "outside_jurisdiction"
    assert "月塘" not in refused.value.message  # another district's grid cells are not named
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_only_centre_staff_and_administrators_maintain_cameras(grids, people):
    with pytest.raises(PermissionDeniedError):
        new_camera(people.mediator)
    with pytest.raises(PermissionDeniedError):
        new_camera(grids.worker)


@pytest.mark.django_db
def test_a_camera_code_is_unique(grids, people):
    new_camera(people.district_clerk)
    with pytest.raises(ApplicationError) as refused:
        new_camera(people.district_clerk, name="另一个")
    assert "code" in refused.value.fields


@pytest.mark.django_db
def test_an_installation_date_in_the_future_is_refused(grids, people):
    with pytest.raises(ApplicationError) as refused:
        new_camera(people.district_clerk, installed_on=datetime.date.today() + datetime.timedelta(days=3))
    assert "installed_on" in refused.value.fields


@pytest.mark.django_db
def test_moving_a_camera_locates_it_again_and_logs_the_change(cameras, grids, people):
    camera = camera_update(
        actor=people.district_clerk, camera=cameras.taishan_gate, lng=113.11, status=CameraStatus.OFFLINE
    )
    assert camera.grid == grids.taishan_2
    entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(camera.pk))
    assert entry.changes["lng"] == ["113.090000", "113.110000"]
    assert entry.changes["status"] == ["online", "offline"]


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_nothing(cameras, people):
    camera_update(actor=people.district_clerk, camera=cameras.taishan_gate, name=cameras.taishan_gate.name)
    assert not AuditLog.objects.filter(action=AuditAction.UPDATE).exists()


@pytest.mark.django_db
def test_another_districts_staff_cannot_change_a_camera(cameras, people):
    with pytest.raises(PermissionDeniedError):
        camera_update(actor=people.hetang_clerk, camera=cameras.taishan_gate, name="改名")
    cameras.taishan_gate.refresh_from_db()
    assert cameras.taishan_gate.name != "改名"


@pytest.mark.django_db
def test_half_a_point_in_another_coordinate_system_is_refused(cameras, people):
    with pytest.raises(ApplicationError) as refused:
        camera_update(actor=people.district_clerk, camera=cameras.taishan_gate, lng=113.1, coord_system="gcj02")
    assert "location" in refused.value.fields
