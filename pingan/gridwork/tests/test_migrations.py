"""Outlines moved from grid work (label `grids`) to geography (`geo`) in `grids.0002_regionshape_to_geo`: an
installation migrated before the move keeps every outline, and the permissions its groups were granted on
outlines, after it (docs/grids-geometry.md)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pingan.geo.models import RegionShape
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

BEFORE = [("grids", "0001_initial")]
AFTER = [("grids", "0002_regionshape_to_geo")]
SQUARE = {"type": "Polygon", "coordinates": [[[113.08, 27.78], [113.1, 27.78], [113.1, 27.82], [113.08, 27.78]]]}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


@pytest.mark.django_db(transaction=True)
def test_outlines_and_the_permissions_granted_on_them_move_from_grids_to_geo(migration_data):
    region = Region.objects.create(code="430211", name="天元区", level=RegionLevel.COUNTY)
    executor = migrate(BEFORE)
    try:
        assert "grids_regionshape" in connection.introspection.table_names()
        old_shape = executor.loader.project_state(BEFORE).apps.get_model("grids", "RegionShape")
        old_shape.objects.create(
            region_id=region.pk,
            region_code=region.code,
            level=region.level,
            geometry=SQUARE,
            min_lng=113.08,
            min_lat=27.78,
            max_lng=113.1,
            max_lat=27.82,
            label_lng=113.09,
            label_lat=27.8,
            area_km2=4.38,
            source="imported",
        )
        old_type = ContentType.objects.get(app_label="grids", model="regionshape")
        sysadmins = Group.objects.create(name="系统管理员(迁移前)")
        sysadmins.permissions.add(Permission.objects.get(content_type=old_type, codename="change_regionshape"))
    finally:
        migrate(AFTER)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # on to the newest, as the session was

    assert "grids_regionshape" not in connection.introspection.table_names()
    shape = RegionShape.objects.get(region=region)
    assert (shape.region_code, shape.level, shape.geometry, shape.area_km2) == ("430211", 2, SQUARE, 4.38)
    assert not ContentType.objects.filter(app_label="grids", model="regionshape").exists()
    assert ContentType.objects.get_for_model(RegionShape).pk == old_type.pk
    granted = Group.objects.get(name="系统管理员(迁移前)").permissions.get()
    assert (granted.content_type.app_label, granted.codename) == ("geo", "change_regionshape")
