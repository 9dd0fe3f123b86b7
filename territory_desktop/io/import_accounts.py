"""From a table of strings and a column mapping to the canonical accounts frame, with every problem reported.

Rows are rejected only for reasons that make them unusable (empty, no id, a repeated id); everything else is
kept with the bad cell set blank and a warning, so nothing disappears without a line in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.plan import CANONICAL_COLUMNS
from . import values as V
from .geocode import geocode
from .import_problems import ERROR, WARNING, ImportProblem, problems_for, sheet_row

TEXT_FIELDS = ("address", "city", "industry", "status", "owner")


@dataclass
class AccountsBuild:
    """The kept accounts (canonical columns), their positions in the source table, and the problems."""

    accounts: pd.DataFrame
    kept: np.ndarray
    problems: list[ImportProblem]


def _text(df: pd.DataFrame, mapping: dict[str, str], field: str) -> pd.Series:
    if field not in mapping:
        return pd.Series([""] * len(df), index=df.index, dtype=str)
    s = df[mapping[field]].astype(str).str.strip()
    return s.where(~V.blank_mask(s), "")


def reject_rows(df: pd.DataFrame, mapping: dict[str, str], file: str) -> tuple[np.ndarray, list[ImportProblem]]:
    """Rows to keep: not empty, with an id, and the first of their id. Every rejected row gets an error."""
    problems: list[ImportProblem] = []
    filled = np.zeros(len(df), dtype=bool)
    for col in df.columns:  # only rows still looking empty are checked: after a column or two that is few
        open_rows = np.flatnonzero(~filled)
        if not len(open_rows):
            break
        cells = df[col].iloc[open_rows].astype(str).str.strip()
        filled[open_rows] = (cells != "").to_numpy(dtype=bool)
    empty = ~filled
    rows = np.flatnonzero(empty)
    problems += problems_for(file, rows, None, [""] * len(rows), "empty row", ERROR)
    id_col = mapping.get("account_id") or mapping["name"]
    what = "account id" if "account_id" in mapping else "account name (used as the id)"
    ids = _text(df, {"id": id_col}, "id")
    blank = (ids == "").to_numpy() & ~empty
    rows = np.flatnonzero(blank)
    problems += problems_for(file, rows, id_col, df[id_col].to_numpy()[rows], f"blank {what}", ERROR)
    candidate = ~empty & ~blank
    dup = np.zeros(len(df), dtype=bool)
    dup[candidate] = ids[candidate].duplicated(keep="first").to_numpy()
    if dup.any():
        first_pos = pd.Series(np.flatnonzero(candidate), index=ids[candidate].to_numpy())
        first_pos = first_pos[~first_pos.index.duplicated(keep="first")]
        for r in np.flatnonzero(dup).tolist():
            value = ids.iloc[r]
            first = sheet_row(int(first_pos[value]))
            problems.append(ImportProblem(file, sheet_row(r), id_col, value,
                                          f"duplicate {what} {value!r} (first seen in row {first}); "
                                          "the first one is kept", ERROR))
    return candidate & ~dup, problems


def build_accounts(df: pd.DataFrame, mapping: dict[str, str], file: str) -> AccountsBuild:
    """Parse and place the accounts of `df` (already read as strings) according to `mapping`."""
    keep, problems = reject_rows(df, mapping, file)
    kept = np.flatnonzero(keep)
    src = df.iloc[kept].reset_index(drop=True)
    n = len(src)
    out: dict[str, object] = {}
    id_col = mapping.get("account_id") or mapping["name"]
    out["account_id"] = _text(src, {"id": id_col}, "id")
    out["name"] = _text(src, {"name": mapping.get("name", id_col)}, "name")
    out["name"] = out["name"].where(out["name"] != "", out["account_id"])
    for f in TEXT_FIELDS:
        out[f] = _text(src, mapping, f)

    numeric = [src[mapping[f]] for f in ("potential", "pipeline", "employees", "lat", "lon") if f in mapping]
    decimal_comma = V.uses_decimal_comma(numeric)

    def numbers(field: str, label: str) -> np.ndarray:
        if field not in mapping:
            return np.full(n, np.nan)
        col = mapping[field]
        if field == "employees":
            vals, bad = V.parse_employee_counts(src[col], decimal_comma)
        else:
            vals, bad = V.parse_numbers(src[col], decimal_comma)
        rows = np.flatnonzero(bad)
        problems.extend(problems_for(file, kept[rows], col, src[col].to_numpy()[rows],
                                     f"cannot read {{value!r}} as {label}; left blank", WARNING))
        return vals

    out["potential"] = numbers("potential", "a number")
    out["pipeline"] = numbers("pipeline", "a number")
    out["employees"] = numbers("employees", "a number of employees")
    lat = numbers("lat", "a latitude")
    lon = numbers("lon", "a longitude")

    country = V.parse_country(_text(src, mapping, "country"))
    state = V.parse_state(_text(src, mapping, "state"))
    us_rows = country.isin(("", "US", "PR", "GU", "VI", "AS", "MP")).to_numpy()
    zips = V.parse_zip(_text(src, mapping, "zip"), us_rows)
    if "segment" in mapping:
        out["segment"] = V.parse_segment(_text(src, mapping, "segment"))
    else:
        out["segment"] = pd.Series(V.derive_segment(out["employees"], out["potential"]), dtype=str)
    if "named" in mapping:
        col = mapping["named"]
        named, bad = V.parse_bool(src[col])
        rows = np.flatnonzero(bad)
        problems.extend(problems_for(file, kept[rows], col, src[col].to_numpy()[rows],
                                     "cannot read {value!r} as yes/no; taken as no", WARNING))
        out["named"] = named
    else:
        out["named"] = np.zeros(n, dtype=bool)

    geo = geocode(lat, lon, zips, out["city"], state, country)  # type: ignore[arg-type]
    out.update(lat=geo.lat, lon=geo.lon, geo_source=geo.source, city=geo.city, state=geo.state, zip=zips,
               country=country)
    problems.extend(_geo_problems(src, kept, mapping, geo.bad_latlon, geo.source, file))
    accounts = pd.DataFrame({c: _plain(out[c]) for c in CANONICAL_COLUMNS})
    return AccountsBuild(accounts, kept, problems)


def _plain(v: object) -> object:
    return v.reset_index(drop=True) if isinstance(v, pd.Series) else v


def _geo_problems(src: pd.DataFrame, kept: np.ndarray, mapping: dict[str, str], bad_latlon: np.ndarray,
                  source: np.ndarray, file: str) -> list[ImportProblem]:
    problems: list[ImportProblem] = []
    lat_col = mapping.get("lat")
    if lat_col and bad_latlon.any():
        rows = np.flatnonzero(bad_latlon)
        lon_vals = src[mapping["lon"]].to_numpy()[rows] if "lon" in mapping else [""] * len(rows)
        vals = [f"{a}, {b}" for a, b in zip(src[lat_col].to_numpy()[rows], lon_vals, strict=True)]
        fallback = np.where(source[rows] == "none", "it could not be placed otherwise",
                            np.char.add("placed by ", source[rows].astype(str)))
        for r, v, fb in zip(rows.tolist(), vals, fallback.tolist(), strict=True):
            problems.append(ImportProblem(file, sheet_row(kept[r]), lat_col, v,
                                          f"latitude/longitude {v!r} is not a valid position; {fb}", WARNING))
    none = np.flatnonzero(source == "none")
    if len(none):
        place_col = next((mapping[f] for f in ("zip", "city", "address", "lat") if f in mapping), None)
        vals = src[place_col].to_numpy()[none] if place_col else [""] * len(none)
        problems.extend(problems_for(file, kept[none], place_col, vals,
                                     "cannot place this account (no valid latitude/longitude, known US ZIP or "
                                     "known city); kept without a location", WARNING))
    return problems
