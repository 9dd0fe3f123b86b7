"""Map projections for the map view: lon/lat degrees to planar metres and back, vectorised with numpy.

Both projections are equal-area on the sphere of `geo.EARTH_RADIUS_KM`, so a territory that looks twice as
big on the map covers twice the ground: the honest picture when areas are compared by eye. y grows north
(a Qt scene, whose y grows down, flips it). NaN in gives NaN out, so unplaced accounts need no masking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from territory_desktop.core.geo import EARTH_RADIUS_KM

EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000.0

NORTH_AMERICA = (-170.0, -50.0, 15.0, 75.0)
"""lon_min, lon_max, lat_min, lat_max of the box in which a data set counts as North American."""


def _wrap_degrees(delta: np.ndarray) -> np.ndarray:
    """Longitude offsets into [-180, 180], keeping exactly +-180 so shapes that end at the antimeridian stay whole."""
    outside = np.abs(delta) > 180.0
    if not outside.any():  # the common case costs one comparison, not a modulo of every point
        return delta
    return np.where(outside, np.mod(delta + 180.0, 360.0) - 180.0, delta)


def _as_float_arrays(a: np.ndarray | float, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    return np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))


@dataclass(frozen=True)
class Projection:
    """A named, hashable projection: the view compares two to know whether it must re-project its shapes."""

    name: str

    def forward(self, lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) in metres for lon/lat in degrees."""
        raise NotImplementedError

    def inverse(self, x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """(lon, lat) in degrees for x/y in metres; NaN for points outside the projected world."""
        raise NotImplementedError


@dataclass(frozen=True)
class AlbersEqualArea(Projection):
    """Albers equal-area conic on the sphere (Snyder 1987, eqs. 14-1 to 14-4 and 14-8 to 14-11).

    Distortion is smallest between the two standard parallels; longitudes are taken relative to the central
    meridian, so the cut lies on the far side of the globe and Alaska's Aleutians (across 180 deg) stay joined.
    """

    lat1: float = 29.5
    lat2: float = 45.5
    lat0: float = 23.0
    lon0: float = -96.0
    radius: float = EARTH_RADIUS_M

    @property
    def _constants(self) -> tuple[float, float, float]:
        p1, p2, p0 = math.radians(self.lat1), math.radians(self.lat2), math.radians(self.lat0)
        n = (math.sin(p1) + math.sin(p2)) / 2.0
        c = math.cos(p1) ** 2 + 2.0 * n * math.sin(p1)
        rho0 = self.radius * math.sqrt(c - 2.0 * n * math.sin(p0)) / n
        return n, c, rho0

    def forward(self, lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = _as_float_arrays(lon, lat)
        n, c, rho0 = self._constants
        rho = self.radius * np.sqrt(c - 2.0 * n * np.sin(np.radians(lat))) / n
        theta = n * np.radians(_wrap_degrees(lon - self.lon0))
        return rho * np.sin(theta), rho0 - rho * np.cos(theta)

    def inverse(self, x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        x, y = _as_float_arrays(x, y)
        n, c, rho0 = self._constants
        dy = rho0 - y
        rho = np.hypot(x, dy)
        theta = np.arctan2(x, dy)
        with np.errstate(invalid="ignore"):
            lat = np.degrees(np.arcsin((c - (rho * n / self.radius) ** 2) / (2.0 * n)))
        dlon = np.degrees(theta) / n
        inside = np.abs(dlon) <= 180.0 + 1e-9  # outside the fan
        lon = np.where(inside & ~np.isnan(lat), _wrap_degrees(self.lon0 + np.clip(dlon, -180.0, 180.0)), np.nan)
        return lon, np.where(np.isnan(lon), np.nan, lat)


# Equal Earth polynomial coefficients (Šavrič, Patterson & Jenny 2018, doi:10.1080/13658816.2018.1504949).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3.0) / 2.0


@dataclass(frozen=True)
class EqualEarth(Projection):
    """Equal Earth (Šavrič et al. 2018): equal-area like Mollweide but with less shape distortion at the edges.

    The forward formulas are closed-form; the inverse solves the latitude polynomial by Newton iteration.
    """

    lon0: float = 0.0
    radius: float = EARTH_RADIUS_M

    def forward(self, lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = _as_float_arrays(lon, lat)
        theta = np.arcsin(_M * np.sin(np.radians(lat)))
        t2 = theta * theta
        t6 = t2 * t2 * t2
        lam = np.radians(_wrap_degrees(lon - self.lon0))
        x = self.radius * 2.0 * math.sqrt(3.0) * lam * np.cos(theta) / (
            3.0 * (9.0 * _A4 * t6 * t2 + 7.0 * _A3 * t6 + 3.0 * _A2 * t2 + _A1))
        y = self.radius * theta * (_A4 * t6 * t2 + _A3 * t6 + _A2 * t2 + _A1)
        return x, np.where(np.isnan(x), np.nan, y)  # y ignores lon: a missing lon still gives a missing point

    def inverse(self, x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        x, y = _as_float_arrays(x, y)
        target = y / self.radius
        theta = target / _A1
        for _ in range(20):  # quadratic convergence: 4-5 steps reach machine precision over the whole map
            t2 = theta * theta
            t6 = t2 * t2 * t2
            f = theta * (_A4 * t6 * t2 + _A3 * t6 + _A2 * t2 + _A1) - target
            step = f / (9.0 * _A4 * t6 * t2 + 7.0 * _A3 * t6 + 3.0 * _A2 * t2 + _A1)
            theta = theta - step
            if not np.any(np.abs(step) > 1e-14):  # NaN steps (NaN input) compare False: they do not hold it up
                break
        t2 = theta * theta
        t6 = t2 * t2 * t2
        with np.errstate(invalid="ignore", divide="ignore"):
            lam = 3.0 * (x / self.radius) * (9.0 * _A4 * t6 * t2 + 7.0 * _A3 * t6 + 3.0 * _A2 * t2 + _A1) / (
                2.0 * math.sqrt(3.0) * np.cos(theta))
            lat = np.degrees(np.arcsin(np.sin(theta) / _M))
        dlon = np.degrees(lam)
        inside = np.abs(dlon) <= 180.0 + 1e-9  # beyond the outline
        lon = np.where(inside & ~np.isnan(lat), _wrap_degrees(self.lon0 + np.clip(dlon, -180.0, 180.0)), np.nan)
        return lon, np.where(np.isnan(lon), np.nan, lat)


def albers_usa() -> AlbersEqualArea:
    """The usual equal-area map of the USA (USGS parallels 29.5/45.5 N, origin 23 N, 96 W).

    Alaska and Hawaii are drawn where they truly are (no insets): skewed but continuous and invertible.
    """
    return AlbersEqualArea(name="Albers USA")


def equal_earth() -> EqualEarth:
    """The world map for data that is not North American: equal-area, Greenwich in the middle."""
    return EqualEarth(name="Equal Earth")


def choose_projection(lon: np.ndarray, lat: np.ndarray) -> Projection:
    """Albers USA when >= 90% of the placed points are North American, else Equal Earth.

    A conic map suits one continent and badly bends the rest of the world; 90% lets a few stray accounts abroad
    keep the US view. No placed points at all gives Albers USA, the app's home market.
    """
    lon, lat = _as_float_arrays(lon, lat)
    finite = np.isfinite(lon) & np.isfinite(lat)
    count = int(finite.sum())
    if count == 0:
        return albers_usa()
    lo, la = lon[finite], lat[finite]
    lon_min, lon_max, lat_min, lat_max = NORTH_AMERICA
    inside = (lo >= lon_min) & (lo <= lon_max) & (la >= lat_min) & (la <= lat_max)
    return albers_usa() if int(inside.sum()) >= 0.9 * count else equal_earth()
