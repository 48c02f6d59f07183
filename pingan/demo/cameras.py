"""The demo's camera register of the 雪亮工程: about 100,000 camera points (the seed), times --scale.

Cameras are dealt to the grid cells by weight — a cell of the four urban districts counts three times a
rural one, a street community's twice a village's — and placed at random inside their cell; then every
point is located with `pingan.geo.locator.locate_many`, as an import would, and the located grid is the
one stored (a point that rounding puts on no cell moves to its cell's label point). Codes follow the
20-digit device codes of GB/T 28181 (county code + 00, industry 00, type 132 = network camera, network
0, serial); type, owner, status (about 95% online) and installation date (2016–2022, the years of the
雪亮工程) follow plausible distributions. The same seed gives the same cameras.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction

from pingan.cameras.choices import CameraStatus, CameraType
from pingan.cameras.models import Camera
from pingan.geo import locator

from .geography import grid_rows, is_village, is_virtual, region_rows, short_name
from .rows import rows_insert
from .shapes import grid_geometries, points_in

CAMERAS = 100_000  # "雪亮工程 … 10万路" (the seed)
URBAN = {"430202", "430203", "430204", "430211"}  # 荷塘区, 芦淞区, 石峰区, 天元区
URBAN_WEIGHT = 3.0
STREET_WEIGHT = 2.0
STATUS_WEIGHTS = {
    CameraStatus.ONLINE: 95.0,
    CameraStatus.OFFLINE: 3.0,
    CameraStatus.FAULT: 1.5,
    CameraStatus.RETIRED: 0.5,
}
TYPE_WEIGHTS = {
    "urban": {
        CameraType.BULLET: 40,
        CameraType.DOME: 20,
        CameraType.HEMISPHERE: 25,
        CameraType.FACE: 8,
        CameraType.VEHICLE: 6,
        CameraType.HIGH_POINT: 1,
    },
    "rural": {
        CameraType.BULLET: 55,
        CameraType.DOME: 20,
        CameraType.HEMISPHERE: 8,
        CameraType.FACE: 3,
        CameraType.VEHICLE: 6,
        CameraType.HIGH_POINT: 8,
    },
}
# Installed per year of the 雪亮工程 (launched nationally in 2016).
YEAR_WEIGHTS = {2016: 4, 2017: 8, 2018: 14, 2019: 18, 2020: 20, 2021: 18, 2022: 18}
URBAN_PLACES = [
    "路口",
    "小区大门",
    "农贸市场",
    "学校门口",
    "公交站",
    "广场",
    "停车场",
    "医院周边",
    "商业街",
    "背街小巷",
]
VILLAGE_PLACES = ["村口", "村部", "桥头", "主干道", "集市", "小学门口", "山塘", "组道路口"]
OPERATORS = ["中国电信株洲分公司", "中国移动株洲分公司", "中国联通株洲分公司"]


@dataclass(frozen=True)
class _Place:
    """The names around a grid cell that a camera's name, address and owner are made of."""

    county: str
    village: bool
    community: str
    address: str
    police: str
    centre: str
    committee: str
    school: str

    @classmethod
    def of(cls, grid: str, names: dict) -> _Place:
        county, township, community = names[grid[:6]], names[grid[:9]], names[grid[:12]]
        village = is_village(community) or is_virtual(community)
        short = short_name(community)
        police = f"株洲市公安局{county.name[:-1]}分局" if county.name.endswith("区") else f"{county.name}公安局"
        return cls(
            county=county.code,
            village=village,
            community=short,
            address=f"{county.name}{township.name}{short}",
            police=police,
            centre=f"{township.name}综治中心",
            committee=f"{short}{'村委会' if village else '居委会'}",
            school=f"{township.name}中心学校",
        )


def _allocate(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split `total` into integer counts proportional to `weights`: the whole parts, then the remainder
    drawn at random by weight."""
    counts = np.floor(weights / weights.sum() * total).astype(int)
    remainder = total - counts.sum()
    if remainder:
        extra = rng.choice(len(weights), size=remainder, replace=True, p=weights / weights.sum())
        np.add.at(counts, extra, 1)
    return counts


def cameras_generate(*, region_ids: dict[str, int], seed: int, scale: float) -> list[dict]:
    """The camera rows (field attname → value), located to their grids."""
    np_rng = np.random.default_rng([seed, 28181])  # a stream of its own, apart from the other demo data
    geometries = grid_geometries()
    names = {row.code: row for row in region_rows()}
    grids = [row for row in grid_rows() if row.code in geometries]
    weights = np.array(
        [
            (URBAN_WEIGHT if g.code[:6] in URBAN else 1.0)
            * (1.0 if is_village(names[g.parent_code]) or is_virtual(names[g.parent_code]) else STREET_WEIGHT)
            for g in grids
        ]
    )
    counts = _allocate(round(CAMERAS * scale), weights, np_rng)
    placed = [(g, points_in(geometries[g.code], int(n), np_rng)) for g, n in zip(grids, counts, strict=True) if n]
    points = np.concatenate([p for _, p in placed])
    sampled_in = [g for g, p in placed for _ in range(len(p))]
    located = locator.locate_many(points[:, 0], points[:, 1])
    for i in np.flatnonzero(np.array([code is None for code in located])):
        label = geometries[sampled_in[i].code].representative_point()
        points[i] = np.round([label.x, label.y], 6)
        located[i] = locator.locate(lng=points[i, 0], lat=points[i, 1])
        if located[i] is None:
            raise RuntimeError(f"the label point of grid {sampled_in[i].code} is in no grid: are the outlines loaded?")
    codes = [code for code in located if code is not None]  # all of them: an unlocated point raised above
    return _rows(points, codes, region_ids=region_ids, names=names, rng=np_rng)


def _draw(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    """`size` indexes into `weights` (a dict of choice → weight), drawn at once."""
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _rows(
    points: np.ndarray, located: list[str], *, region_ids: dict[str, int], names: dict, rng: np.random.Generator
) -> list[dict]:
    """The camera rows for located points: every random attribute drawn for all points at once."""
    size = len(located)
    statuses, years = list(STATUS_WEIGHTS), list(YEAR_WEIGHTS)
    status_at, year_at = _draw(rng, STATUS_WEIGHTS, size).tolist(), _draw(rng, YEAR_WEIGHTS, size).tolist()
    type_at = {kind: _draw(rng, weights, size).tolist() for kind, weights in TYPE_WEIGHTS.items()}
    types = {kind: list(weights) for kind, weights in TYPE_WEIGHTS.items()}
    owner_at, spot_at = rng.random(size).tolist(), rng.integers(0, 2**31, size).tolist()
    day_at, operator_at = rng.integers(0, 365, size).tolist(), rng.integers(0, len(OPERATORS), size).tolist()
    serial: Counter[str] = Counter()
    places: dict[str, _Place] = {}
    rows = []
    for i, ((lng, lat), code) in enumerate(zip(points.tolist(), located, strict=True)):
        place = places.get(code) or places.setdefault(code, _Place.of(code, names))
        serial[place.county] += 1
        number = serial[place.county]
        spots = VILLAGE_PLACES if place.village else URBAN_PLACES
        spot = spots[spot_at[i] % len(spots)]
        owner = owner_at[i]
        if owner < 0.55:
            owner_unit = place.police
        elif owner < 0.75:
            owner_unit = place.centre
        elif owner < 0.87:
            owner_unit = place.committee
        elif owner < 0.9:
            owner_unit = place.school
        else:
            owner_unit = OPERATORS[operator_at[i]]
        kind = "urban" if place.county in URBAN else "rural"
        rows.append(
            {
                "code": f"{place.county}00001320{number:06d}",
                "name": f"{place.community}{spot}{number % 7 + 1}号",
                "camera_type": types[kind][type_at[kind][i]],
                "status": statuses[status_at[i]],
                "lng": Decimal(f"{lng:.6f}"),
                "lat": Decimal(f"{lat:.6f}"),
                "address": f"{place.address}{spot}",
                "grid_id": region_ids[code],
                "region_code": code,
                "owner_unit": owner_unit,
                "installed_on": datetime.date(years[year_at[i]], 1, 1) + datetime.timedelta(days=day_at[i]),
                "is_generated": True,
            }
        )
    return rows


@transaction.atomic
def cameras_write(rows: list[dict]) -> dict[str, int]:
    rows_insert(Camera, rows)
    by_status = Counter(row["status"] for row in rows)
    urban = sum(row["region_code"][:6] in URBAN for row in rows)
    return {"cameras": len(rows), "online": by_status[CameraStatus.ONLINE], "urban": urban}
