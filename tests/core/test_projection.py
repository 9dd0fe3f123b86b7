"""Projections: invertible, equal-area, NaN-transparent, and the right one chosen for the data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.core.projection import EARTH_RADIUS_M, albers_usa, choose_projection, equal_earth

PROJECTIONS = [albers_usa(), equal_earth()]
lons = st.floats(-180.0, 180.0, allow_nan=False)
# An equal-area map squeezes a cap of radius d around a pole into a band of width ~d**2, so at the poles
# themselves one float ulp of x/y is ~1e-6 deg of latitude: the round trip is checked up to 89.9 deg.
lats = st.floats(-89.9, 89.9, allow_nan=False)


def _lon_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Degrees between two longitudes, so -180 and 180 count as the same meridian."""
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


@pytest.mark.parametrize("proj", PROJECTIONS, ids=lambda p: p.name)
@settings(max_examples=300, deadline=None)
@given(points=st.lists(st.tuples(lons, lats), min_size=1, max_size=50))
def test_inverse_undoes_forward(proj, points):
    lon, lat = np.array(points).T
    back_lon, back_lat = proj.inverse(*proj.forward(lon, lat))
    assert np.all(np.abs(back_lat - lat) < 1e-6)
    assert np.all(_lon_gap(back_lon, lon) < 1e-6)


def _projected_area(proj, lon0: float, lat0: float, size: float) -> float:
    """Area of a lon/lat square on the map, with its edges traced finely so their curvature counts."""
    t = np.linspace(0.0, size, 41)[:-1]
    lon = np.concatenate([lon0 + t, np.full_like(t, lon0 + size), lon0 + size - t, np.full_like(t, lon0)])
    lat = np.concatenate([np.full_like(t, lat0), lat0 + t, np.full_like(t, lat0 + size), lat0 + size - t])
    x, y = proj.forward(lon, lat)
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)))


def _sphere_area(lat0: float, size: float) -> float:
    return EARTH_RADIUS_M ** 2 * np.radians(size) * (np.sin(np.radians(lat0 + size)) - np.sin(np.radians(lat0)))


@pytest.mark.parametrize(("proj", "places"), [
    (albers_usa(), [(-97.7, 30.3), (-122.4, 37.8), (-70.0, 44.0), (-150.0, 61.2), (-157.8, 21.3), (-80.2, 25.8)]),
    (equal_earth(), [(2.3, 48.9), (100.0, 0.0), (-60.0, -35.0), (139.7, 35.7), (170.0, 65.0), (-20.0, -75.0)]),
], ids=["albers", "equal-earth"])
def test_small_squares_keep_their_true_area(proj, places):
    for lon, lat in places:
        for size in (0.5, 2.0):
            ratio = _projected_area(proj, lon, lat, size) / _sphere_area(lat, size)
            assert ratio == pytest.approx(1.0, rel=0.005), (proj.name, lon, lat, size)


@pytest.mark.parametrize("proj", PROJECTIONS, ids=lambda p: p.name)
def test_missing_coordinates_pass_through_as_missing(proj):
    x, y = proj.forward(np.array([-97.0, np.nan, -97.0]), np.array([30.0, 30.0, np.nan]))
    assert np.isfinite(x[0]) and np.isfinite(y[0])
    assert np.isnan(x[1:]).all() and np.isnan(y[1:]).all()
    lon, lat = proj.inverse(np.array([np.nan, 0.0]), np.array([0.0, np.nan]))
    assert np.isnan(lon).all() and np.isnan(lat).all()


def test_albers_keeps_alaska_and_hawaii_in_place_and_the_aleutians_joined():
    proj = albers_usa()
    # Kansas, Anchorage, Honolulu, San Francisco, then two Aleutian points 2 deg apart across the antimeridian
    x, y = proj.forward(np.array([-96.0, -150.0, -157.8, -122.4, 179.0, -179.0]),
                        np.array([39.0, 61.2, 21.3, 37.8, 52.0, 52.0]))
    assert np.isfinite(x).all() and np.isfinite(y).all()
    assert x[1] < x[3] < x[0] and y[1] > y[0]  # Anchorage: north-west of the lower 48
    assert x[2] < x[3] and y[2] < y[1]  # Honolulu: west of California, south of Alaska
    assert np.hypot(x[4] - x[5], y[4] - y[5]) < 200_000  # neighbours on the map, not a world apart


def test_the_projection_follows_the_data():
    rng = np.random.default_rng(1)
    us_lon, us_lat = rng.uniform(-124, -68, 500), rng.uniform(26, 48, 500)
    assert choose_projection(us_lon, us_lat).name == albers_usa().name
    # a few accounts abroad (5%) and unplaced ones do not switch the view
    lon = np.concatenate([us_lon, rng.uniform(0, 20, 25), [np.nan] * 100])
    lat = np.concatenate([us_lat, rng.uniform(40, 55, 25), [np.nan] * 100])
    assert choose_projection(lon, lat) == albers_usa()
    eu_asia_lon, eu_asia_lat = rng.uniform(-10, 140, 500), rng.uniform(0, 60, 500)
    assert choose_projection(eu_asia_lon, eu_asia_lat) == equal_earth()
    assert choose_projection(np.array([]), np.array([])) == albers_usa()
    assert choose_projection(np.array([np.nan, 1.0]), np.array([2.0, np.nan])) == albers_usa()
