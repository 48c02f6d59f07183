"""What geography answers without knowing the apps above it: the grid cells of a jurisdiction, the grid cells
a user works (as grid work registers them), and the place at a point, whose responsible centre comes from
the caller."""

from __future__ import annotations

import pytest

from pingan.cases.services import nearest_centre
from pingan.geo import selectors
from pingan.gridwork import selectors as gridwork_selectors


def test_the_grid_cells_of_a_jurisdiction(grids, people):
    assert list(selectors.grids_visible_to(people.clerk).order_by("code")) == [grids.taishan_1, grids.taishan_2]
    assert list(selectors.grids_visible_to(people.hetang_clerk)) == [grids.yuetang_1]


def test_the_grids_a_user_works_are_grid_works_answer(grids, people):
    assert list(selectors.grids_of_user(grids.worker)) == [grids.taishan_1]
    assert list(selectors.grids_of_user(grids.hetang_worker)) == [grids.yuetang_1]
    assert not selectors.grids_of_user(people.clerk).exists()  # works no grid


def test_without_a_registered_answer_nobody_works_a_grid(grids, monkeypatch):
    monkeypatch.setattr(selectors, "_grids_of_user", None)
    assert not selectors.grids_of_user(grids.worker).exists()
    selectors.grids_of_user_register(gridwork_selectors.grids_of_user)
    assert list(selectors.grids_of_user(grids.worker)) == [grids.taishan_1]


def test_the_place_names_a_centre_only_when_the_caller_says_how(grids, zhuzhou, people):
    place = selectors.place_at(user=people.clerk, lng=113.09, lat=27.80)
    assert (place.grid, place.community, place.township, place.district) == (
        grids.taishan_1,
        zhuzhou.taishan,
        zhuzhou.songshan,
        zhuzhou.tianyuan,
    )
    assert place.centre is None and place.reason is None
    place = selectors.place_at(user=people.clerk, lng=113.09, lat=27.80, centre_of=nearest_centre)
    assert place.centre == zhuzhou.taishan_centre


@pytest.mark.parametrize(("lng", "lat", "reason"), [(112.0, 26.0, "outside"), (113.26, 27.86, "outside_jurisdiction")])
def test_a_place_without_a_grid_says_why_and_asks_for_no_centre(grids, people, lng, lat, reason):
    asked = []
    place = selectors.place_at(user=people.clerk, lng=lng, lat=lat, centre_of=asked.append)
    assert (place.grid, place.centre, place.reason, asked) == (None, None, reason, [])
