#!/usr/bin/env python
"""Speed of the grid locator (run by hand; figures go to docs/benchmarks.md).

    .venv/bin/python bench/locate.py [--cells synthetic|demo] [--points 1000000] [--single 20000]

Cells: `synthetic` (default) is a Voronoi tessellation of 3,261 cells over a district-sized box
(60 km × 55 km around Zhuzhou's centre), made with shapely's `voronoi_polygons` from seeded random
points; `demo` is the demo's generated grid cells of the whole city (`pingan.demo.shapes.tessellation`,
3,261 cells nested in the real county outlines; no database needed). Both go through the locator's own
code: `index_of` (the STRtree over prepared cells), `locate_indices` (what `locate_many` runs) and
`locate_in` (what `locate` runs once its index is current).

Points: uniform in the cells' bounding box (some fall outside every cell, as real input does), plus a
share placed exactly on cell vertices (shared borders and corners, the expensive case). Targets: ≥ 200,000
points/s in bulk on one core, p99 < 1 ms for one point.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from pingan.geo import locator  # noqa: E402

CELLS = 3261
BOX = (112.85, 27.60, 113.45, 28.10)  # ≈ 59 km × 55 km


def synthetic_cells(seed: int) -> list[tuple[str, shapely.Geometry]]:
    rng = np.random.default_rng(seed)
    west, south, east, north = BOX
    seeds = shapely.multipoints(np.column_stack([rng.uniform(west, east, CELLS), rng.uniform(south, north, CELLS)]))
    extent = shapely.box(*BOX)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=extent))
    cells = shapely.intersection(cells, extent)
    return [(f"430211{index:09d}", cell) for index, cell in enumerate(cells, start=1)]


def demo_cells() -> list[tuple[str, shapely.Geometry]]:
    from pingan.demo.geography import grid_rows
    from pingan.demo.shapes import tessellation

    outlines = tessellation()
    return [(row.code, outlines[row.code]) for row in grid_rows()]


def sample(cells, count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    geometries = [geometry for _code, geometry in cells]
    west, south, east, north = shapely.total_bounds(geometries)
    on_vertices = count // 20
    vertices = shapely.get_coordinates(geometries)
    picked = vertices[rng.integers(0, len(vertices), on_vertices)]
    lngs = np.concatenate([rng.uniform(west, east, count - on_vertices), picked[:, 0]])
    lats = np.concatenate([rng.uniform(south, north, count - on_vertices), picked[:, 1]])
    order = rng.permutation(count)
    return lngs[order], lats[order]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", choices=["synthetic", "demo"], default="synthetic")
    parser.add_argument("--points", type=int, default=1_000_000, help="points located in bulk")
    parser.add_argument("--batch", type=int, default=100_000, help="points per locate_indices call")
    parser.add_argument("--single", type=int, default=20_000, help="points located one at a time")
    parser.add_argument("--seed", type=int, default=3261)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    cells = synthetic_cells(args.seed) if args.cells == "synthetic" else demo_cells()
    made = time.perf_counter() - started
    vertices = int(shapely.get_num_coordinates([geometry for _code, geometry in cells]).sum())
    started = time.perf_counter()
    index = locator.index_of(cells)
    built = time.perf_counter() - started
    print(f"cells: {args.cells}, {len(cells):,} cells, {vertices:,} vertices (made in {made:.1f} s)")
    print(f"index built in {built * 1000:.0f} ms")

    lngs, lats = sample(cells, args.points, rng)
    locator.locate_indices(index, lngs[:1000], lats[:1000])  # warm up
    timings = []
    found = 0
    for start in range(0, args.points, args.batch):
        batch_lngs, batch_lats = lngs[start : start + args.batch], lats[start : start + args.batch]
        began = time.perf_counter()
        result = locator.locate_indices(index, batch_lngs, batch_lats)
        timings.append(time.perf_counter() - began)
        found += int((result >= 0).sum())
    rate = args.points / sum(timings)
    print(
        f"bulk: {args.points:,} points in {sum(timings):.2f} s = {rate:,.0f} points/s "
        f"(batches of {args.batch:,}; {found / args.points:.1%} inside a cell)"
    )

    single_lngs, single_lats = sample(cells, args.single, rng)
    latencies = []
    for lng, lat in zip(single_lngs.tolist(), single_lats.tolist(), strict=True):
        began = time.perf_counter()
        locator.locate_in(index, lng=lng, lat=lat)
        latencies.append((time.perf_counter() - began) * 1e6)
    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]
    print(f"single: {args.single:,} points, p50 {p50:.0f} µs, p99 {p99:.0f} µs, max {latencies[-1]:.0f} µs")

    check = locator.locate_indices(index, single_lngs[:2000], single_lats[:2000])
    one_by_one = [
        locator.locate_in(index, lng=x, lat=y) for x, y in zip(single_lngs[:2000], single_lats[:2000], strict=True)
    ]
    assert [index.codes[i] if i >= 0 else None for i in check] == one_by_one, "bulk and single disagree"
    print("bulk and single agree on 2,000 points")


if __name__ == "__main__":
    main()
