"""The demo's geography: the real Zhuzhou region tree, generated grid cells (网格) below each community,
and the organisations of every level (综治中心 and the departments).

Everything here is a pure function of the region fixture (no randomness that depends on --seed), so
that regions, grids and organisations are the same on every machine and every run, and upserts by code
are idempotent.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region, scope_prefix

REGIONS_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / "zhuzhou_regions.json"
CITY_CODE = "430200"

LEVELS: dict[str, int] = {
    "city": RegionLevel.CITY,
    "county": RegionLevel.COUNTY,
    "township": RegionLevel.TOWNSHIP,
    "community": RegionLevel.COMMUNITY,
}
LEVEL_NAMES = {level: name for name, level in LEVELS.items()} | {RegionLevel.GRID: "grid"}

# The seed article: "优化全科网格3261个" and "健全综治中心1397个".
GRID_TOTAL = 3261
CENTRE_TOTAL = 1397
# Grid-count seed: the grid layout is part of the fixed geography, not of a generated year.
GRID_LAYOUT_SEED = 3261


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent: str | None

    @property
    def parent_code(self) -> str:
        """The parent's code, for a row below the city (the only row without a parent)."""
        if self.parent is None:
            raise ValueError(f"region {self.code} has no parent")
        return self.parent


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    org_type: str
    region_code: str


@cache
def region_rows() -> tuple[RegionRow, ...]:
    """The 1,522 rows of the fixture (city, 9 counties, 112 townships, 1,400 communities), parents first."""
    raw = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    return tuple(RegionRow(r["code"], r["name"], LEVELS[r["level"]], r["parent"]) for r in raw)


def rows_at(level: int) -> list[RegionRow]:
    return [row for row in region_rows() if row.level == level]


def children_of(code: str) -> list[RegionRow]:
    return [row for row in region_rows() if row.parent == code]


def is_virtual(row: RegionRow) -> bool:
    """The placeholder community of a park or farm (虚拟社区/虚拟生活区)."""
    return "虚拟" in row.name


def is_village(row: RegionRow) -> bool:
    """Village committees (村委会) carry urban-rural code 2xx; residents' committees (居委会) 0xx."""
    return row.code[9] == "2" or row.name.endswith(("村", "村委会"))


def short_name(row: RegionRow) -> str:
    """A community's everyday name: 文化路社区居委会 → 文化路社区, 荷塘铺村委会 → 荷塘铺村, 高塘居委会 → 高塘社区."""
    name = row.name
    for suffix, replacement in (
        ("社区居民委员会", "社区"),
        ("社区居委会", "社区"),
        ("居民委员会", "社区"),
        ("居委会", "社区"),
        ("村委会", "村"),
    ):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _stable_key(code: str) -> str:
    return hashlib.sha1(code.encode()).hexdigest()


# --- grids -----------------------------------------------------------------------------------------


@cache
def grid_counts() -> dict[str, int]:
    """How many grid cells each community gets: street communities 2–4, villages 1–2, virtual ones 1.

    Every community starts at its minimum; the remaining cells up to exactly GRID_TOTAL are dealt out one
    by one over a deterministic shuffle of the spare capacity (two spare slots per street community, one
    per village)."""
    import random

    communities = rows_at(RegionLevel.COMMUNITY)
    counts: dict[str, int] = {}
    spare: list[str] = []
    for row in communities:
        if is_virtual(row):
            counts[row.code] = 1
        elif is_village(row):
            counts[row.code] = 1
            spare.append(row.code)
        else:
            counts[row.code] = 2
            spare.extend([row.code, row.code])
    extra = GRID_TOTAL - sum(counts.values())
    if not 0 <= extra <= len(spare):
        raise ValueError(f"cannot lay out {GRID_TOTAL} grids over {len(communities)} communities")
    random.Random(GRID_LAYOUT_SEED).shuffle(spare)
    for code in spare[:extra]:
        counts[code] += 1
    return counts


def grid_rows() -> list[RegionRow]:
    by_code = {row.code: row for row in rows_at(RegionLevel.COMMUNITY)}
    rows: list[RegionRow] = []
    for code, count in grid_counts().items():
        name = short_name(by_code[code])
        rows.extend(
            RegionRow(f"{code}{n:03d}", f"{name}第{n}网格", RegionLevel.GRID, code) for n in range(1, count + 1)
        )
    return rows


# --- governance centres ----------------------------------------------------------------------------


@cache
def communities_without_centre() -> frozenset[str]:
    """The communities whose centre is not yet built to standard, so that the city has exactly
    CENTRE_TOTAL centres (the seed's 1,397) and cases there are routed to the township centre.

    The virtual communities of parks and farms first, then village committees in a stable hash order,
    never the first community of a township (the demo's grid workers sit in those)."""
    communities = rows_at(RegionLevel.COMMUNITY)
    above = len(region_rows()) - len(communities)
    missing = len(communities) - (CENTRE_TOTAL - above)
    first = {children_of(t.code)[0].code for t in rows_at(RegionLevel.TOWNSHIP)}
    virtual = [row.code for row in communities if is_virtual(row)]
    villages = sorted(
        (row.code for row in communities if is_village(row) and not is_virtual(row) and row.code not in first),
        key=_stable_key,
    )
    return frozenset((virtual + villages)[:missing])


def centre_code(region_code: str) -> str:
    return f"ZZZX-{region_code}"


def _centre_name(row: RegionRow) -> str:
    return f"{short_name(row) if row.level == RegionLevel.COMMUNITY else row.name}综治中心"


# Departments: (code prefix, name pattern, type). "{n}" is the region's name.
CITY_DEPARTMENTS = [
    ("ZFW", "中共{n}委政法委员会", OrgType.PLA_COMMITTEE),
    ("FY", "{n}中级人民法院", OrgType.COURT),
    ("JCY", "{n}人民检察院", OrgType.PROCURATORATE),
    ("GA", "{n}公安局", OrgType.POLICE),
    ("SFJ", "{n}司法局", OrgType.JUSTICE),
    ("RSJ", "{n}人力资源和社会保障局", OrgType.LABOUR),
    ("ZJJ", "{n}住房和城乡建设局", OrgType.HOUSING),
]
COUNTY_DEPARTMENTS = [
    ("FY", "{n}人民法院", OrgType.COURT),
    ("JCY", "{n}人民检察院", OrgType.PROCURATORATE),
    ("GA", "{police}", OrgType.POLICE),
    ("SFJ", "{n}司法局", OrgType.JUSTICE),
    ("RSJ", "{n}人力资源和社会保障局", OrgType.LABOUR),
    ("ZJJ", "{n}住房和城乡建设局", OrgType.HOUSING),
    ("LDZC", "{n}劳动人事争议仲裁委员会", OrgType.ARBITRATION),
    ("XFJ", "{n}信访局", OrgType.LETTERS),
]
TOWNSHIP_DEPARTMENTS = [
    ("PCS", "{n}派出所", OrgType.POLICE),
    ("SFS", "{n}司法所", OrgType.JUSTICE),
    ("TWH", "{n}人民调解委员会", OrgType.MEDIATION_COMMITTEE),
]
DEPARTMENTS: dict[int, list[tuple[str, str, OrgType]]] = {
    RegionLevel.CITY: CITY_DEPARTMENTS,
    RegionLevel.COUNTY: COUNTY_DEPARTMENTS,
    RegionLevel.TOWNSHIP: TOWNSHIP_DEPARTMENTS,
}


def department_code(prefix: str, region_code: str) -> str:
    return f"{prefix}-{region_code}"


def _county_police(name: str) -> str:
    # Districts have a branch of the city bureau (株洲市公安局天元分局); counties and the county-level city
    # have their own bureau (攸县公安局).
    return f"株洲市公安局{name[:-1]}分局" if name.endswith("区") else f"{name}公安局"


@cache
def org_specs() -> tuple[OrgSpec, ...]:
    specs: list[OrgSpec] = []
    skip = communities_without_centre()
    for row in region_rows():
        if row.level == RegionLevel.COMMUNITY and row.code in skip:
            continue
        specs.append(OrgSpec(centre_code(row.code), _centre_name(row), OrgType.CENTRE, row.code))
        for prefix, pattern, org_type in DEPARTMENTS.get(row.level, []):
            name = pattern.format(n=row.name, police=_county_police(row.name))
            specs.append(OrgSpec(department_code(prefix, row.code), name, org_type, row.code))
    return tuple(specs)


# --- loading ---------------------------------------------------------------------------------------


def _upsert_regions(rows: list[RegionRow], ids: dict[str, int], *, generated: bool) -> None:
    objs = [
        Region(
            code=row.code,
            name=row.name,
            level=row.level,
            prefix=scope_prefix(row.code, row.level),
            parent_id=ids[row.parent] if row.parent else None,
            is_generated=generated,
        )
        for row in rows
    ]
    Region.objects.bulk_create(
        objs,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "prefix", "parent", "is_generated"],
    )
    codes = [row.code for row in rows]
    for start in range(0, len(codes), 900):
        ids.update(Region.objects.filter(code__in=codes[start : start + 900]).values_list("code", "id"))


@transaction.atomic
def regions_load() -> dict[str, int]:
    """Upsert the real tree and the generated grids, one bulk pass per level. Returns code → id."""
    ids: dict[str, int] = {}
    for level in (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.COMMUNITY):
        _upsert_regions(rows_at(level), ids, generated=False)
    _upsert_regions(grid_rows(), ids, generated=True)
    return ids


@transaction.atomic
def organizations_load(region_ids: dict[str, int]) -> dict[str, int]:
    """Upsert every centre and department by code. Returns code → id."""
    specs = org_specs()
    Organization.objects.bulk_create(
        [
            Organization(code=s.code, name=s.name, org_type=s.org_type, region_id=region_ids[s.region_code])
            for s in specs
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "org_type", "region"],
    )
    return dict(Organization.objects.filter(code__in=[s.code for s in specs]).values_list("code", "id"))
