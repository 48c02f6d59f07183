#!/usr/bin/env python
"""Import of a whole city's camera register (雪亮工程, ~100,000 points) from one file (run by hand; the
figures go to docs/map-and-cameras.md).

    .venv/bin/python bench/camera_import.py [--rows 100000] [--cells 3261] [--xlsx]

Builds its own throw-away SQLite database (or uses BENCH_DATABASE_URL, e.g. a PostgreSQL scratch database
that may be emptied), with a district tessellated into `--cells` grid cells (shapely's voronoi_polygons over
random seeds, clipped to the district's box), and a city centre clerk who imports. Then times, through the
real services: reading the file, the first import (every point located in bulk and created, with its
history row), a second import of the same file (nothing changes), and one where a tenth of the cameras
changed status. Prints rows per second for each step.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SCRATCH = tempfile.mkdtemp(prefix="pingan-bench-cameras-")
os.environ["PINGAN_VAR_DIR"] = SCRATCH
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SCRATCH}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from shapely.geometry import box  # noqa: E402

from pingan.accounts.choices import Role  # noqa: E402
from pingan.accounts.models import Membership, User  # noqa: E402
from pingan.cameras.importing import read_camera_file  # noqa: E402
from pingan.cameras.models import Camera  # noqa: E402
from pingan.cameras.services import cameras_import  # noqa: E402
from pingan.geo import locator  # noqa: E402
from pingan.geo.choices import ShapeSource  # noqa: E402
from pingan.geo.models import RegionShape  # noqa: E402
from pingan.geo.shapes import shape_fields  # noqa: E402
from pingan.regions.choices import OrgType, RegionLevel  # noqa: E402
from pingan.regions.models import Organization, Region  # noqa: E402

DISTRICT_BOX = (112.95, 27.60, 113.45, 28.00)  # about 50 km × 45 km, the size of a large district
COMMUNITIES = 5
HEADER = ["点位编码", "点位名称", "类型", "状态", "经度", "纬度", "安装地址", "建设/权属单位", "安装日期"]
TYPES = ["枪机", "球机", "半球", "人脸抓拍", "车辆卡口", "高空瞭望"]
OWNERS = ["株洲市公安局", "天元区公安分局", "天元区城管局", "天元区教育局", "嵩山路街道办事处"]


def build_scene(cells: int, rng: random.Random) -> User:
    call_command("migrate", verbosity=0)
    RegionShape.objects.all().delete()
    Camera.objects.all().delete()
    city = Region.objects.create(code="430200", name="株洲市", level=RegionLevel.CITY)
    district = Region.objects.create(code="430211", name="天元区", level=RegionLevel.COUNTY, parent=city)
    township = Region.objects.create(code="430211004", name="嵩山路街道", level=RegionLevel.TOWNSHIP, parent=district)
    communities = [
        Region.objects.create(
            code=f"430211004{c + 1:03d}", name=f"第{c + 1}社区", level=RegionLevel.COMMUNITY, parent=township
        )
        for c in range(COMMUNITIES)
    ]
    outline = box(*DISTRICT_BOX)
    min_x, min_y, max_x, max_y = DISTRICT_BOX
    seeds = shapely.multipoints([(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)) for _ in range(cells)])
    polygons = sorted(
        (cell.intersection(outline) for cell in shapely.voronoi_polygons(seeds, extend_to=outline).geoms),
        key=lambda polygon: (polygon.centroid.x, polygon.centroid.y),
    )
    per_community = -(-len(polygons) // COMMUNITIES)
    grids, shapes = [], []
    for index, polygon in enumerate(polygons):
        community = communities[index // per_community]
        number = index % per_community + 1
        grids.append(
            Region(
                code=f"{community.code}{number:03d}",
                name=f"{community.name}第{number}网格",
                level=RegionLevel.GRID,
                parent=community,
                prefix=f"{community.code}{number:03d}",
            )
        )
        shapes.append(polygon)
    Region.objects.bulk_create(grids, batch_size=1000)
    saved = {r.code: r for r in Region.objects.filter(level=RegionLevel.GRID)}
    RegionShape.objects.bulk_create(
        [
            RegionShape(
                region=saved[grid.code],
                region_code=grid.code,
                level=RegionLevel.GRID,
                source=ShapeSource.GENERATED,
                **shape_fields(polygon),
            )
            for grid, polygon in zip(grids, shapes, strict=True)
        ],
        batch_size=500,
    )
    locator.invalidate()
    centre = Organization.objects.create(code="C430200", name="株洲市综治中心", org_type=OrgType.CENTRE, region=city)
    clerk = User.objects.create_user(username="bench_clerk", password="x", full_name="基准测试")
    Membership.objects.create(user=clerk, organization=centre, role=Role.CENTRE_STAFF)
    return clerk


def camera_rows(count: int, rng: random.Random) -> list[list]:
    min_x, min_y, max_x, max_y = DISTRICT_BOX
    rows = []
    for n in range(count):
        rows.append(
            [
                f"XL430211{n:08d}",
                f"点位{n}",
                rng.choice(TYPES),
                "在线" if rng.random() < 0.95 else "离线",
                f"{rng.uniform(min_x, max_x):.6f}",
                f"{rng.uniform(min_y, max_y):.6f}",
                f"测试路{n % 997}号",
                rng.choice(OWNERS),
                f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            ]
        )
    return rows


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Named(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def timed(label: str, rows: int, function):
    """Wall-clock and CPU time of one step (the CPU time says more on a busy shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = function()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{label:<44} {seconds:7.2f} s wall {rows / seconds:>9,.0f} rows/s"
        f" | {cpu_seconds:7.2f} s CPU {rows / cpu_seconds:>9,.0f} rows/s"
    )
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=3_261)
    parser.add_argument("--xlsx", action="store_true", help="also time reading the same rows from an .xlsx file")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    clerk = build_scene(args.cells, rng)
    rows = camera_rows(args.rows, rng)
    data = as_csv(rows)
    print(
        f"database: {connection.vendor}, grid cells: {RegionShape.objects.count():,}, "
        f"rows: {args.rows:,}, CSV: {len(data) / 1e6:.1f} MB"
    )
    table = timed("read CSV", args.rows, lambda: read_camera_file(Named(data, "cameras.csv")))
    if args.xlsx:
        workbook = as_xlsx(rows)
        print(f"xlsx: {len(workbook) / 1e6:.1f} MB")
        timed("read .xlsx", args.rows, lambda: read_camera_file(Named(workbook, "cameras.xlsx")))
    locator.current_index()  # built once per process; not part of an import
    result = timed(
        "first import (locate + create + history)", args.rows, lambda: cameras_import(rows=table, actor=clerk)
    )
    assert result.ok and result.created == args.rows, result.errors[:5]
    result = timed("same file again (nothing changes)", args.rows, lambda: cameras_import(rows=table, actor=clerk))
    assert result.unchanged == args.rows
    for row in table[::10]:
        row["状态"] = "故障"
    result = timed(
        "a tenth changed status (update + history)", args.rows, lambda: cameras_import(rows=table, actor=clerk)
    )
    assert result.updated == len(table[::10])
    print(f"cameras stored: {Camera.objects.count():,}; history rows: {Camera.history.count():,}")


if __name__ == "__main__":
    main()
