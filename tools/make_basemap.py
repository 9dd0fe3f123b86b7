"""Convert the base-map shapefiles into the small GeoJSON files the app ships (run by developers, not at run time).

    python tools/make_basemap.py [--source /work/shared/data/basemap] [--out resources/basemap]

Reads the shapefiles with a small `struct` reader (polygons only), so the conversion needs nothing beyond
shapely, which the app already depends on. Each shape is simplified with `shapely.simplify(...,
preserve_topology=True)`, snapped to a 1e-4 degree grid with `shapely.set_precision` (which keeps it valid) and
written with 4 decimals: ~10 m, far below a pixel at US-state zoom. Re-running it gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("/work/shared/data/basemap")
DEFAULT_OUT = ROOT / "resources" / "basemap"

TOLERANCE_DEG = 0.01
"""Douglas-Peucker tolerance in degrees (~1 km): below one pixel when the 48 states fill a 1,000-pixel view."""
GRID_DEG = 1e-4
DECIMALS = 4
LICENSES = ("LICENSE_geopandas_BSD-3-Clause.txt", "LICENSE_libpysal_BSD-3-Clause.txt")


def read_dbf(path: Path, encoding: str) -> list[dict[str, str]]:
    """Rows of a dBASE III table as stripped strings; deleted rows are kept so rows line up with shapes."""
    data = path.read_bytes()
    n_rows, header_len, row_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    for pos in range(32, header_len - 1, 32):
        desc = data[pos:pos + 32]
        fields.append((desc[:11].split(b"\0")[0].decode("ascii"), desc[16]))
    rows = []
    for i in range(n_rows):
        rec = data[header_len + i * row_len: header_len + (i + 1) * row_len]
        pos, row = 1, {}
        for name, length in fields:
            row[name] = rec[pos:pos + length].decode(encoding).strip()
            pos += length
        rows.append(row)
    return rows


def _ring_area(coords: list[tuple[float, float]]) -> float:
    """Shoelace signed area: negative for clockwise rings, which the shapefile spec uses for outer rings."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False))


def _polygon_from_rings(rings: list[list[tuple[float, float]]]) -> BaseGeometry:
    """Outer rings (clockwise) become shells; each hole goes to the smallest shell that contains it."""
    shells = [r for r in rings if _ring_area(r) < 0]
    holes = [r for r in rings if _ring_area(r) >= 0]
    if not shells:  # writer ignored the winding rule: treat every ring as a shell
        shells, holes = rings, []
    shell_polys = [Polygon(s) for s in shells]
    shell_holes: list[list[list[tuple[float, float]]]] = [[] for _ in shells]
    for hole in holes:
        probe = Polygon(hole).representative_point()
        owners = [i for i, p in enumerate(shell_polys) if p.contains(probe)]
        if owners:
            shell_holes[min(owners, key=lambda i: shell_polys[i].area)].append(hole)
        else:  # an orphan counter-clockwise ring is an island drawn the wrong way round
            shells.append(hole)
            shell_holes.append([])
    polys = [Polygon(s, h) for s, h in zip(shells, shell_holes, strict=True)]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def read_shp_polygons(path: Path) -> list[BaseGeometry | None]:
    """Every record of a polygon (type 5) shapefile as a shapely geometry; None for a null shape."""
    data = path.read_bytes()
    (file_type,) = struct.unpack("<i", data[32:36])
    if file_type != 5:
        raise ValueError(f"{path.name}: shape type {file_type}, only polygons (5) are supported")
    shapes: list[BaseGeometry | None] = []
    pos = 100
    while pos + 8 <= len(data):
        _rec_no, words = struct.unpack(">ii", data[pos:pos + 8])
        content = data[pos + 8: pos + 8 + 2 * words]
        pos += 8 + 2 * words
        (shape_type,) = struct.unpack("<i", content[:4])
        if shape_type == 0:
            shapes.append(None)
            continue
        if shape_type != 5:
            raise ValueError(f"{path.name}: record of shape type {shape_type}")
        n_parts, n_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", content[44:44 + 4 * n_parts])) + [n_points]
        flat = struct.unpack(f"<{2 * n_points}d", content[44 + 4 * n_parts: 44 + 4 * n_parts + 16 * n_points])
        points = list(zip(flat[0::2], flat[1::2], strict=True))
        rings = [points[a:b] for a, b in zip(parts, parts[1:], strict=False) if b - a >= 4]
        shapes.append(_polygon_from_rings(rings))
    return shapes


def _polygons_only(geom: BaseGeometry) -> BaseGeometry:
    """make_valid may return lines or points beside the areas; the map only fills areas."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon)]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def clean(geom: BaseGeometry) -> BaseGeometry:
    """Valid, simplified, snapped to the output grid: what the app loads must pass `is_valid`."""
    if not geom.is_valid:
        geom = _polygons_only(shapely.make_valid(geom))
    geom = shapely.simplify(geom, TOLERANCE_DEG, preserve_topology=True)
    geom = _polygons_only(shapely.set_precision(geom, GRID_DEG))
    if not geom.is_valid:
        raise ValueError("geometry invalid after simplification")
    return geom


def _round(obj: Any) -> Any:
    """Coordinates to DECIMALS places (rounding a grid-snapped value only strips float noise like ...0001)."""
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


def write_collection(path: Path, features: list[tuple[dict[str, str], BaseGeometry]]) -> None:
    """Compact GeoJSON, one feature per line so a diff of a re-run shows which shape changed."""
    lines = []
    for props, geom in features:
        geo = mapping(geom)
        feature = {"type": "Feature", "properties": props,
                   "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])}}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def convert(source: Path, out: Path) -> None:
    """Both layers, the licences beside them; prints what was written."""
    out.mkdir(parents=True, exist_ok=True)
    countries = []
    rows = read_dbf(source / "naturalearth_lowres.dbf", _encoding(source / "naturalearth_lowres.cpg"))
    for row, geom in zip(rows, read_shp_polygons(source / "naturalearth_lowres.shp"), strict=True):
        if geom is None:
            continue
        code = "" if row["iso_a3"] == "-99" else row["iso_a3"]  # Natural Earth's "no ISO code" (Kosovo)
        countries.append(({"name": row["name"], "iso_a3": code, "continent": row["continent"]}, clean(geom)))
    states = []
    rows = read_dbf(source / "us48.dbf", _encoding(source / "us48.cpg"))
    for row, geom in zip(rows, read_shp_polygons(source / "us48.shp"), strict=True):
        if geom is not None:
            states.append(({"name": row["STATE_NAME"], "abbr": row["STATE_ABBR"]}, clean(geom)))
    states.sort(key=lambda f: f[0]["name"])
    write_collection(out / "countries.geojson", countries)
    write_collection(out / "us_states.geojson", states)
    for name in LICENSES:
        shutil.copyfile(source / name, out / name)
    for name in ("countries.geojson", "us_states.geojson"):
        print(f"{out / name}: {(out / name).stat().st_size / 1024:.1f} KiB")
    print(f"{len(countries)} countries, {len(states)} states")


def _encoding(cpg: Path) -> str:
    """The .cpg sidecar names the dbf's code page; shapefiles without one are conventionally Latin-1."""
    return cpg.read_text(encoding="ascii").strip() if cpg.exists() else "latin-1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    convert(args.source, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
