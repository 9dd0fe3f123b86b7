"""The shipped base map loads, holds the expected shapes, and fails clearly when a file is missing or broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point

from territory_desktop.io import basemap, resources
from territory_desktop.io.basemap import BasemapUnavailable, load_basemap


@pytest.fixture
def fresh_cache():
    """load_basemap caches per process: a test that swaps files must not see, nor leave, a cached result."""
    load_basemap.cache_clear()
    yield
    load_basemap.cache_clear()


def test_the_base_map_holds_the_48_states_and_the_world():
    bm = load_basemap()
    assert len(bm.states) == 48
    names = {s.name for s in bm.states}
    assert "Texas" in names and "Alaska" not in names
    assert {s.code for s in bm.states} >= {"TX", "CA", "NY"}
    france = next(c for c in bm.countries if c.name == "France")
    assert france.continent == "Europe" and france.code == "FRA"
    assert len(bm.countries) == 177
    assert all(s.geometry.is_valid and not s.geometry.is_empty for s in bm.countries + bm.states)
    assert load_basemap() is bm


def test_austin_lies_in_texas():
    bm = load_basemap()
    austin = Point(-97.74, 30.27)
    assert [s.name for s in bm.states if s.geometry.contains(austin)] == ["Texas"]
    assert [c.code for c in bm.countries if c.geometry.contains(austin)] == ["USA"]


def test_a_missing_file_is_named(monkeypatch, fresh_cache):
    real = resources.resource_path

    def without_states(*parts: str) -> Path:
        if parts[-1] == basemap.STATES_FILE:
            raise FileNotFoundError(f"resource {'/'.join(parts)!r} not found")
        return real(*parts)

    monkeypatch.setattr(resources, "resource_path", without_states)
    with pytest.raises(BasemapUnavailable, match="us_states.geojson"):
        load_basemap()


def test_a_corrupt_file_is_named(monkeypatch, fresh_cache, tmp_path):
    broken = tmp_path / basemap.COUNTRIES_FILE
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feat', encoding="utf-8")
    monkeypatch.setattr(resources, "resource_path", lambda *parts: broken)
    with pytest.raises(BasemapUnavailable, match="countries.geojson"):
        load_basemap()
