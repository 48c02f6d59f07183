"""The grid locator: a point belongs to the grid cell it lies in; a shared border goes to the smallest
code; a point outside every cell is reported as such, never guessed; the index follows changes."""

from __future__ import annotations

import math

import pytest
from django.utils import timezone
from shapely.geometry import box

from pingan.core.errors import ApplicationError
from pingan.geo import locator
from pingan.geo.models import RegionShape
from pingan.geo.shapes import shape_fields

TAISHAN_1, TAISHAN_2, YUETANG_1 = "430211004001001", "430211004001002", "430202001001001"
OUTSIDE_THE_CITY = (112.0, 26.0)


@pytest.mark.parametrize(
    ("lng", "lat", "code"),
    [
        (113.09, 27.80, TAISHAN_1),
        (113.11, 27.80, TAISHAN_2),
        (113.26, 27.86, YUETANG_1),
        (113.08, 27.79, TAISHAN_1),  # on the west edge of 第1网格: the outline belongs to the cell
        (113.28, 27.88, YUETANG_1),  # a corner
        (*OUTSIDE_THE_CITY, None),
        (113.16, 27.80, None),  # inside 天元区 but in no grid cell
    ],
)
def test_a_point_belongs_to_the_cell_it_lies_in(grids, lng, lat, code):
    assert locator.locate(lng=lng, lat=lat) == code
    assert locator.locate_many([lng], [lat]) == [code]


def test_a_point_on_a_shared_border_goes_to_the_smallest_code(grids):
    on_border = [(113.10, 27.80), (113.10, 27.78), (113.10, 27.82)]
    for lng, lat in on_border:
        assert locator.locate(lng=lng, lat=lat) == TAISHAN_1
    assert locator.locate_many(*zip(*on_border, strict=True)) == [TAISHAN_1] * 3


def test_many_points_at_once_keep_their_order_and_report_the_ones_outside(grids):
    lngs = [113.26, 113.09, math.nan, 113.11, OUTSIDE_THE_CITY[0], 113.10]
    lats = [27.86, 27.80, 27.80, 27.80, OUTSIDE_THE_CITY[1], 27.80]
    assert locator.locate_many(lngs, lats) == [YUETANG_1, TAISHAN_1, None, TAISHAN_2, None, TAISHAN_1]
    assert locator.locate_many([], []) == []


def test_a_point_in_a_rounding_sliver_between_cells_goes_to_the_smallest_near_cell():
    """Outlines are stored to 6 decimals; cells cut from different parents can leave slivers thinner than
    that between them. A point in one belongs to a cell within the storage precision, never farther."""
    west, east = box(113.08, 27.78, 113.0999996, 27.82), box(113.1000003, 27.78, 113.12, 27.82)
    index = locator.index_of([("002", east), ("001", west)])
    in_the_sliver, just_beyond = (113.0999999, 27.80), (113.12002, 27.80)
    assert locator.locate_in(index, lng=in_the_sliver[0], lat=in_the_sliver[1]) == "001"
    assert locator.locate_in(index, lng=just_beyond[0], lat=just_beyond[1]) is None
    found = locator.locate_indices(index, [113.09, in_the_sliver[0], just_beyond[0]], [27.80, 27.80, 27.80])
    assert found.tolist() == [0, 0, -1]


def test_without_any_grid_outline_nothing_is_located(zhuzhou):
    assert locator.locate(lng=113.09, lat=27.80) is None
    assert locator.locate_many([113.09], [27.80]) == [None]


def test_grid_at_gives_the_cell_and_refuses_a_point_outside_every_cell(grids):
    assert locator.grid_at(lng=113.11, lat=27.80) == grids.taishan_2
    with pytest.raises(ApplicationError) as refused:
        locator.grid_at(lng=OUTSIDE_THE_CITY[0], lat=OUTSIDE_THE_CITY[1])
    assert "不在任何网格内" in refused.value.message and "location" in refused.value.fields


def test_an_inactive_cell_is_not_located(grids):
    grids.taishan_2.is_active = False
    grids.taishan_2.save()
    assert locator.locate(lng=113.11, lat=27.80) is None


def test_a_saved_outline_is_seen_at_once_in_this_process(grids, settings):
    settings.PINGAN_GRID_INDEX_TTL = 3600  # no fingerprint check: the save itself must invalidate
    assert locator.locate(lng=113.13, lat=27.80) is None
    shape = RegionShape.objects.get(region=grids.taishan_2)
    for name, value in shape_fields(box(113.10, 27.78, 113.14, 27.82)).items():
        setattr(shape, name, value)
    shape.save()
    assert locator.locate(lng=113.13, lat=27.80) == TAISHAN_2


def test_a_change_made_by_another_process_is_noticed_through_the_fingerprint(grids):
    assert locator.locate(lng=113.13, lat=27.80) is None
    # A write that sends no signal, as another process's write looks to this one.
    RegionShape.objects.filter(region=grids.taishan_2).update(
        geometry=shape_fields(box(113.10, 27.78, 113.14, 27.82))["geometry"], updated_at=timezone.now()
    )
    assert locator.locate(lng=113.13, lat=27.80) == TAISHAN_2
    RegionShape.objects.filter(region=grids.yuetang_1).delete()
    assert locator.locate(lng=113.26, lat=27.86) is None


def test_within_the_ttl_the_index_is_not_rechecked_until_invalidated(grids, settings):
    settings.PINGAN_GRID_INDEX_TTL = 3600
    assert locator.locate(lng=113.13, lat=27.80) is None
    RegionShape.objects.filter(region=grids.taishan_2).update(
        geometry=shape_fields(box(113.10, 27.78, 113.14, 27.82))["geometry"], updated_at=timezone.now()
    )
    assert locator.locate(lng=113.13, lat=27.80) is None
    locator.invalidate()
    assert locator.locate(lng=113.13, lat=27.80) == TAISHAN_2
