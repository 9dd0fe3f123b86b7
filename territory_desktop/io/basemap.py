"""The offline base map: country and US state outlines drawn behind the accounts on the map view.

The shapes ship as simplified GeoJSON in `resources/basemap/` (made by tools/make_basemap.py, sources and
licences in its README). They are read once per process and shared: the result is immutable, and parsing
both files costs a noticeable fraction of a second the map view should pay only once.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, shape

from territory_desktop.io import resources

COUNTRIES_FILE = "countries.geojson"
STATES_FILE = "us_states.geojson"


class BasemapUnavailable(Exception):
    """The base-map files are missing or unreadable; the map view then draws the accounts on a blank ground."""


@dataclass(frozen=True)
class BasemapShape:
    """One outline in lon/lat degrees; `code` is the ISO alpha-3 code of a country or the state's abbreviation."""

    name: str
    code: str
    continent: str
    geometry: Polygon | MultiPolygon


@dataclass(frozen=True)
class Basemap:
    """Both layers; shared by every caller of load_basemap, so treat the lists as read-only."""

    countries: list[BasemapShape]
    states: list[BasemapShape]


def _resource(name: str) -> Path:
    try:  # looked up through the module at call time, so tests can monkeypatch resources.resource_path
        return resources.resource_path("basemap", name)
    except FileNotFoundError as exc:
        raise BasemapUnavailable(f"base map file {name!r} not found: {exc}") from exc


def _read_shapes(name: str, code_key: str, continent: str | None) -> list[BasemapShape]:
    """Shapes of one FeatureCollection; any defect names the file, so a broken install is easy to report."""
    path = _resource(name)
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        shapes = []
        for feature in collection["features"]:
            props = feature["properties"]
            geometry = shape(feature["geometry"])
            if not isinstance(geometry, Polygon | MultiPolygon):
                raise ValueError(f"{props.get('name')!r} is a {geometry.geom_type}, not an area")
            shapes.append(BasemapShape(name=str(props["name"]), code=str(props[code_key]),
                                       continent=str(props["continent"]) if continent is None else continent,
                                       geometry=geometry))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        # json.JSONDecodeError and shapely's GEOSException both derive from ValueError
        raise BasemapUnavailable(f"base map file {name!r} ({path}) is unreadable: {exc}") from exc
    if not shapes:
        raise BasemapUnavailable(f"base map file {name!r} ({path}) holds no shapes")
    return shapes


@functools.lru_cache(maxsize=1)
def load_basemap() -> Basemap:
    """Countries (Natural Earth 1:110m) and the 48 contiguous US states, parsed once per process.

    Raises BasemapUnavailable naming the file when one is missing or corrupt; a failure is not cached, so a
    repaired install is picked up on the next call.
    """
    return Basemap(countries=_read_shapes(COUNTRIES_FILE, "iso_a3", None),
                   states=_read_shapes(STATES_FILE, "abbr", "North America"))
