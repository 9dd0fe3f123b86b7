"""Territories of an imported plan: from a reps file matched to the accounts' owners, or one per owner.

Owners are matched to a rep row by territory name or rep name (case-insensitive, trimmed). An owner without a
rep row still gets a territory (with a warning), and a rep without accounts gets an empty one, so the plan
always shows every book the CRM and the reps file know about.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.core.palette import color_for
from territory_desktop.core.settings import DEFAULT_CAPACITY_HOURS
from territory_desktop.core.territory import Territory
from territory_desktop.io.importing import values as V
from territory_desktop.io.importing.columns import REP_FIELDS, guess_reps_mapping, resolve_mapping
from territory_desktop.io.importing.errors import ImportFailed
from territory_desktop.io.importing.geocode import geocode
from territory_desktop.io.importing.problems import ERROR, NOTE, WARNING, ImportProblem, problems_for
from territory_desktop.io.importing.table_reader import read_table

"""A full-time rep's selling hours per year when the reps file does not say (about 40 weeks x 40 hours)."""


@dataclass
class TerritoryBuild:
    territories: list[Territory]
    assignment: np.ndarray
    problems: list[ImportProblem] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value below which half the weight lies (NaN values ignored; equal weights if all are zero)."""
    v = np.asarray(values, dtype=float)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0).clip(min=0.0)
    ok = np.isfinite(v)
    v, w = v[ok], w[ok]
    if not len(v):
        return math.nan
    if w.sum() <= 0:
        w = np.ones_like(v)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, cum[-1] / 2.0)])


def book_centre(lat: np.ndarray, lon: np.ndarray, potential: np.ndarray) -> tuple[float, float]:
    """A home for a rep nobody located: the potential-weighted median of their accounts' lat and lon.

    Why the median: a book with a few far-flung accounts (one in Hawaii, a head office in another state)
    drags a weighted mean into empty country between the clusters; the median stays where the weight of the
    book actually is, so travel time estimates stay sensible.
    """
    return weighted_median(lat, potential), weighted_median(lon, potential)


def _key(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip().str.casefold()


def _read_reps(path: str | Path, mapping: dict[str, str] | None) -> tuple[pd.DataFrame, dict[str, str], str,
                                                                             list[ImportProblem]]:
    """The reps table parsed: one row per territory with name, rep, home, role, capacity, region and area."""
    file = Path(path).name
    df = read_table(path, find_header=False)
    columns = list(df.columns)
    mapping = resolve_mapping(mapping, columns, REP_FIELDS, file, guess_reps_mapping(columns))
    if "rep" not in mapping and "territory" not in mapping:
        raise ImportFailed(f"{file}: cannot find a rep or territory column; the columns are "
                           f"{', '.join(map(repr, columns))} (map 'rep' or 'territory' by hand)")
    # what the reader had to decide (encodings, NUL bytes, Excel formulas and merged cells, repeated headers)
    problems: list[ImportProblem] = list(df.attrs.pop("read_problems", []))

    def text(f: str) -> pd.Series:
        if f not in mapping:
            return pd.Series([""] * len(df), dtype=str)
        return V.clean_text(df[mapping[f]])

    rep, terr = text("rep"), text("territory")
    name = terr.where(terr != "", rep)
    keycol = mapping.get("territory") or mapping["rep"]
    blank = (name == "").to_numpy()
    # a line with nothing in it is no rep (a note); a row with a capacity or a place but no name is an error
    empty = df.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1).to_numpy() if len(df.columns) \
        else np.ones(len(df), dtype=bool)
    rows = np.flatnonzero(blank & empty)
    problems += problems_for(file, rows, None, [""] * len(rows), "empty row", NOTE)
    rows = np.flatnonzero(blank & ~empty)
    problems += problems_for(file, rows, keycol, [""] * len(rows), "no rep or territory name; row ignored",
                             ERROR)
    dup = _key(name).duplicated(keep="first").to_numpy() & ~blank
    rows = np.flatnonzero(dup)
    problems += problems_for(file, rows, keycol, name.to_numpy()[rows],
                             "territory {value!r} appears twice; the first row is used", ERROR)

    def numbers(f: str, instead: str = "left blank") -> np.ndarray:
        if f not in mapping:
            return np.full(len(df), np.nan)
        vals, bad = V.parse_numbers(df[mapping[f]])
        rows = np.flatnonzero(bad)
        problems.extend(problems_for(file, rows, mapping[f], df[mapping[f]].to_numpy()[rows],
                                     "cannot read {value!r} as a number; " + instead, WARNING))
        return vals

    default_used = f"the default {DEFAULT_CAPACITY_HOURS:,.0f} hours used"
    capacity = numbers("capacity", default_used)
    country = V.parse_country(text("country"))
    state = V.parse_state(text("state"))
    zips = V.parse_zip(text("zip"), country.isin(("", "US")).to_numpy())
    geo = geocode(numbers("lat"), numbers("lon"), zips, text("city"), state, country)
    bad_cap = np.isfinite(capacity) & (capacity <= 0)
    rows = np.flatnonzero(bad_cap)
    problems += problems_for(file, rows, mapping.get("capacity"), df[mapping["capacity"]].to_numpy()[rows]
                             if "capacity" in mapping else [], "capacity {value!r} must be positive; "
                             + default_used, WARNING)
    capacity = np.where(np.isfinite(capacity) & (capacity > 0), capacity, DEFAULT_CAPACITY_HOURS)
    reps = pd.DataFrame({
        "row": np.arange(len(df)), "name": name, "rep": rep.where(rep != "", name), "role": text("role"),
        "region": text("region"), "area": text("area"), "lat": geo.lat, "lon": geo.lon, "capacity": capacity,
        "located": geo.source != "none", "sheet_row": np.arange(len(df)) + 2,
    })
    return reps[~blank & ~dup].reset_index(drop=True), mapping, file, problems


_EMAIL = re.compile(r"^([^@\s]+)@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


def person_key(text: str) -> str:
    """One key for the ways a CRM writes a person: "Ann Lee", "Lee, Ann", "ann.lee@corp.com", "ANN  LEE"."""
    s = unicodedata.normalize("NFKD", str(text).strip())
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    m = _EMAIL.match(s)
    if m:
        s = re.sub(r"[._\-+]+", " ", m.group(1))
    elif s.count(",") == 1:
        last, first = (part.strip() for part in s.split(","))
        if first and last:
            s = f"{first} {last}"
    return " ".join(re.sub(r"[^\w']+", " ", s).split())


def _display_name(spellings: list[str]) -> str:
    """The spelling to show for a person: "First Last" rather than an e-mail or "Last, First"."""
    plain = [x for x in spellings if "@" not in x and "," not in x]
    return plain[0] if plain else spellings[0]


def build_territories(accounts: pd.DataFrame, owner_column: str | None, accounts_file: str,
                      reps_path: str | Path | None = None,
                      reps_mapping: dict[str, str] | None = None,
                      sheet_rows: np.ndarray | None = None) -> TerritoryBuild:
    """Territories and the assignment at import (blank owner = unassigned, -1).

    `sheet_rows` gives each account's row in the accounts file, so warnings can point at it.
    """
    # per distinct owner cell, never per row: at 1M accounts row-wise maps cost ~1 s
    codes, cells = pd.factorize(accounts["owner"].to_numpy(dtype=object), use_na_sentinel=True)
    owner_texts = [str(c).strip() for c in cells.tolist()] + [""]  # the last one: blank owners
    codes = np.where(codes < 0, len(owner_texts) - 1, codes)
    cell_keys = [person_key(o) for o in owner_texts]
    key_codes, key_names = pd.factorize(np.array(cell_keys, dtype=object))
    key_names = [str(k) for k in key_names.tolist()]
    row_key = key_codes[codes]  # each row's person key, as a code into key_names
    problems: list[ImportProblem] = []
    territories: list[Territory] = []
    index: dict[str, int] = {}
    located: list[bool] = []
    rep_rows: list[int | None] = []
    mapping: dict[str, str] = {}
    if reps_path is not None:
        reps, mapping, _, problems = _read_reps(reps_path, reps_mapping)
        for r in reps.itertuples(index=False):
            i = len(territories)
            territories.append(Territory(name=r.name, rep=r.rep, role=r.role, region=r.region, area=r.area,
                                         home_lat=float(r.lat), home_lon=float(r.lon),
                                         capacity_hours=float(r.capacity), color=color_for(i)))
            located.append(bool(r.located))
            rep_rows.append(int(r.sheet_row))
        for i, t in enumerate(territories):  # territory names win over rep names
            index.setdefault(person_key(t.name), i)
        for i, t in enumerate(territories):
            index.setdefault(person_key(t.rep), i)
    present, first_at = np.unique(row_key, return_index=True)
    first_row = {key_names[int(c)]: int(r) for c, r in zip(present.tolist(), first_at.tolist(), strict=True)}
    unknown = sorted((k for k in first_row if k and k not in index), key=lambda k: (k, first_row[k]))
    for k in unknown:
        r = first_row[k]
        i = len(territories)
        # the owner texts of this person in order of first appearance (factorize keeps that order)
        spelled = list(dict.fromkeys(o for o, ck in zip(owner_texts, cell_keys, strict=True) if ck == k and o))
        name = _display_name(spelled)
        territories.append(Territory(name=name, rep=name, color=color_for(i),
                                     capacity_hours=DEFAULT_CAPACITY_HOURS))
        located.append(False)
        rep_rows.append(None)
        index[k] = i
        if reps_path is not None:
            row = None if sheet_rows is None else int(sheet_rows[r])
            said = owner_texts[int(codes[r])]
            problems.append(ImportProblem(accounts_file, row, owner_column, said,
                                          f"owner {said!r} has no row in {Path(reps_path).name}; a "
                                          "territory was made for them with its home at the centre of its "
                                          "accounts", WARNING))
    territory_of_key = np.array([index.get(k, -1) for k in key_names], dtype=np.int32)
    assignment = territory_of_key[row_key] if len(row_key) else np.zeros(0, dtype=np.int32)
    lat = accounts["lat"].to_numpy(dtype=float)
    lon = accounts["lon"].to_numpy(dtype=float)
    pot = accounts["potential"].to_numpy(dtype=float)
    by_territory = np.argsort(assignment, kind="stable")  # rows grouped by territory, not a scan per territory
    bounds = np.searchsorted(assignment[by_territory], np.arange(len(territories) + 1))
    for i, t in enumerate(territories):
        if located[i]:
            continue
        rows = by_territory[bounds[i]:bounds[i + 1]]
        t.home_lat, t.home_lon = book_centre(lat[rows], lon[rows], pot[rows])
        if reps_path is not None and rep_rows[i] is not None:
            where = (f"no home location for {t.name!r}; " + ("placed at the centre of its accounts"
                     if t.has_home else "it has no placed accounts either, so travel is not counted"))
            problems.append(ImportProblem(Path(reps_path).name, rep_rows[i], None, t.name, where, WARNING))
    return TerritoryBuild(territories, assignment, problems, mapping)
