"""Generic point problems for `solve-points` and the benchmarks: points, territories, measures, bands, distances.

Everything a planner's CSV can say (or a published benchmark needs) becomes a Problem here, with clear errors
naming the file, row and column; the solver itself never sees a file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.core.adjacency import AdjacencyError, pair_rows
from territory_desktop.solver.problem.contiguity import Adjacency
from territory_desktop.solver.problem.snapshot import Problem, project

OBJECTIVES = ("distance", "disruption", "weighted")
RESERVED = {"id", "x", "y", "lat", "lon", "territory", "locked", "capacity"}


class PointsError(ValueError):
    """Bad input: the message names the file, row or column."""


@dataclass
class PointsInput:
    """The parsed inputs with the ids needed to write the answer back."""

    problem: Problem
    point_ids: np.ndarray
    territory_ids: np.ndarray


def _read(path: Path, what: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise PointsError(f"{what} file not found: {path}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise PointsError(f"{path}: not a readable CSV ({exc})") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    if "id" not in df.columns:
        raise PointsError(f"{path}: needs an 'id' column (has: {', '.join(df.columns)})")
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        raise PointsError(f"{path}: duplicate id {dup.iloc[0]!r} (row {int(dup.index[0]) + 2})")
    return df


LARGEST = 1e15
"""Beyond this a coordinate or measure is no real quantity (and sums of them lose every digit)."""

DEGREES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
"""The range of a latitude and a longitude, in degrees: beyond it a point is on no map."""


def _numbers(df: pd.DataFrame, col: str, path: Path, allow_blank: bool = False) -> np.ndarray:
    """The column as floats; blank is NaN where allowed. Text, ±inf ("inf", "Infinity", "1e999"), magnitudes
    beyond LARGEST and a lat/lon off the globe are refused naming file, row and column: a blank means "not
    given" (a centre to choose, no capacity), an infinite number never does."""
    raw = df[col].astype(str).str.strip()
    vals = pd.to_numeric(raw.where(raw != "", None), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(vals) & ((raw != "").to_numpy() | (not allow_blank))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise PointsError(f"{path}: row {row + 2}, column {col!r}: {df[col].iloc[row]!r} is not a number")
    given = ~np.isnan(vals)
    huge = given & ~(np.abs(np.where(given, vals, 0.0)) <= LARGEST)
    if huge.any():
        row = int(np.flatnonzero(huge)[0])
        raise PointsError(f"{path}: row {row + 2}, column {col!r}: {df[col].iloc[row]!r} is not a usable number "
                          f"(give a finite value within ±{LARGEST:.0e})")
    if col in DEGREES:
        lo, hi = DEGREES[col]
        off = given & ((vals < lo) | (vals > hi))
        if off.any():
            row = int(np.flatnonzero(off)[0])
            what = "latitude" if col == "lat" else "longitude"
            raise PointsError(f"{path}: row {row + 2}, column {col!r}: {df[col].iloc[row]!r} is not a {what} "
                              f"(allowed: {lo:g} to {hi:g} degrees)")
    return vals


def _truthy(s: pd.Series) -> np.ndarray:
    return s.astype(str).str.strip().str.lower().isin({"1", "true", "yes", "y", "x", "locked"}).to_numpy()


def load_points(points: Path, territories: Path, *, measures: list[str] | None = None, band: float = 0.2,
                bounds: tuple[float, float] | None = None, objective: str = "distance",
                distance: str = "euclidean", q: int = 1, mode: str | None = None,
                distance_matrix: Path | None = None, weight_by: str | None = None,
                adjacency: Path | None = None, contiguous: bool = False) -> PointsInput:
    """Parse the two CSVs (and an optional point x territory distance matrix, and an adjacency of the points
    as `a,b` id pairs) into a Problem."""
    pdf = _read(points, "points")
    tdf = _read(territories, "territories")
    n, k = len(pdf), len(tdf)
    if n == 0 or k == 0:
        raise PointsError("need at least one point and one territory")
    if {"x", "y"} <= set(pdf.columns):
        x, y = _numbers(pdf, "x", points), _numbers(pdf, "y", points)
        lat = lon = None
    elif {"lat", "lon"} <= set(pdf.columns):
        lat, lon = _numbers(pdf, "lat", points), _numbers(pdf, "lon", points)
        x, y = project(lat, lon, float(lat.mean()), float(lon.mean()))
    elif distance_matrix is None:
        raise PointsError(f"{points}: needs x,y or lat,lon columns (or --distance-matrix)")
    else:
        x = y = np.zeros(n)
        lat = lon = None
    if measures is None:
        measures = [c for c in pdf.columns if c not in RESERVED]
    for m in measures:
        if m not in pdf.columns:
            raise PointsError(f"{points}: no measure column {m!r} (has: {', '.join(pdf.columns)})")
    mvals = np.column_stack([_numbers(pdf, m, points) for m in measures]) if measures else np.ones((n, 1))
    names = tuple(measures) if measures else ("points",)
    tids = tdf["id"].astype(str).str.strip().to_numpy(dtype=object)
    pos = {t: i for i, t in enumerate(tids)}
    current = np.full(n, -1, dtype=np.int32)
    if "territory" in pdf.columns:
        for r, t in enumerate(pdf["territory"].astype(str).str.strip()):
            if t == "":
                continue
            if t not in pos:
                raise PointsError(f"{points}: row {r + 2}, column 'territory': {t!r} is not in {territories}")
            current[r] = pos[t]
    locked = _truthy(pdf["locked"]) if "locked" in pdf.columns else np.zeros(n, dtype=bool)
    if (locked & (current < 0)).any():
        r = int(np.flatnonzero(locked & (current < 0))[0])
        raise PointsError(f"{points}: row {r + 2}: a locked point needs a territory")
    centres = np.full((k, 2), np.nan)
    centre_ll = None
    if {"x", "y"} <= set(tdf.columns):
        centres = np.column_stack([_numbers(tdf, "x", territories, True), _numbers(tdf, "y", territories, True)])
    elif {"lat", "lon"} <= set(tdf.columns) and lat is not None:
        clat, clon = _numbers(tdf, "lat", territories, True), _numbers(tdf, "lon", territories, True)
        cx, cy = project(clat, clon, float(lat.mean()), float(lon.mean()))
        centres = np.column_stack([cx, cy])
        centre_ll = np.column_stack([clat, clon])
    elif {"lat", "lon"} <= set(tdf.columns) and distance_matrix is None:
        raise PointsError(f"{territories}: the territories are placed by lat,lon but the points by x,y in "
                          f"{points}: give both in the same coordinates")
    capacity = _numbers(tdf, "capacity", territories, True) if "capacity" in tdf.columns else None
    if capacity is not None:
        capacity = np.where(np.isnan(capacity), np.inf, capacity)
    site_cap = _numbers(pdf, "capacity", points) if "capacity" in pdf.columns else None
    matrix = _read_matrix(distance_matrix, pdf["id"].astype(str).str.strip(), tids) if distance_matrix else None
    if mode is None:
        mode = "carve" if np.isnan(centres).all() and matrix is None else "rebalance"
    if mode == "carve" and matrix is not None:
        raise PointsError("--mode carve chooses centres among the points: it cannot use a distance matrix")
    if mode == "rebalance":
        _fill_centres(centres, x, y, current)
        if centre_ll is not None and lat is not None and lon is not None:
            _fill_centres(centre_ll, lat, lon, current)
    lo, hi = (1.0 - bounds[0], bounds[1] - 1.0) if bounds else (band, band)
    if objective not in OBJECTIVES:
        raise PointsError(f"--objective must be one of {', '.join(OBJECTIVES)}")
    dw = 1.0 if objective in ("disruption", "weighted") else 0.0
    cw = 1.0 if objective in ("distance", "weighted") else 0.0
    wcol = None
    if weight_by:
        if weight_by not in names:
            raise PointsError(f"--weight-by {weight_by!r} must be one of the measures ({', '.join(names)})")
        wcol = names.index(weight_by)
    if contiguous and adjacency is None:
        raise PointsError("--contiguous needs --adjacency PAIRS.csv (which points touch which)")
    if contiguous and mode != "carve":
        raise PointsError("--contiguous draws territories from the units: use it with --mode carve (territories "
                          "without fixed centres)")
    adj = read_adjacency(adjacency, pdf["id"].astype(str).str.strip()) if adjacency is not None else None
    problem = Problem(
        version=0, x=x, y=y, measures=mvals, measure_names=names, bands=np.full(len(names), hi),
        band_low=np.full(len(names), lo), weights=np.ones(len(names)), shares=np.ones(k), centres=centres,
        capacity=capacity, current=current, baseline=current.copy(), movable=~locked, eligible=None,
        territory_open=np.ones(k, dtype=bool), disruption_weight=dw, compactness_weight=cw, q=q,
        capacity_column=0 if (capacity is not None or site_cap is not None) else None,
        disruption_column=0 if objective != "distance" else None, budget_column=0, compactness_column=wcol,
        distance="matrix" if matrix is not None else distance, distance_matrix=matrix, lat=lat, lon=lon,
        centre_latlon=centre_ll, mode=mode, site_capacity=site_cap, names=tuple(tids),
        adjacency=adj, contiguous=contiguous,
    )
    return PointsInput(problem, pdf["id"].astype(str).to_numpy(dtype=object), tids)


def _fill_centres(centres: np.ndarray, x: np.ndarray, y: np.ndarray, current: np.ndarray) -> None:
    """A territory without a given centre is measured from the middle of its current points (x,y, or lat,lon
    for the great circle: a NaN centre there made every distance to it 0, a falsely compact territory)."""
    for t in range(len(centres)):
        if not np.isfinite(centres[t]).all():
            r = np.flatnonzero(current == t)
            centres[t] = (x[r].mean(), y[r].mean()) if len(r) else (x.mean(), y.mean())


def _read_matrix(path: Path, point_ids: pd.Series, tids: np.ndarray) -> np.ndarray:
    df = _read_any_matrix(path)
    df.index = df.index.astype(str).str.strip()
    df.columns = [str(c).strip() for c in df.columns]
    missing_cols = [t for t in tids if t not in df.columns]
    if missing_cols:
        raise PointsError(f"{path}: no column for territory {missing_cols[0]!r}")
    missing_rows = [p for p in point_ids if p not in df.index]
    if missing_rows:
        raise PointsError(f"{path}: no row for point {missing_rows[0]!r}")
    m = df.loc[list(point_ids), list(tids)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(m).any():
        r, c = np.argwhere(np.isnan(m))[0]
        raise PointsError(f"{path}: row {point_ids.iloc[r]!r}, column {tids[c]!r} is not a number")
    return m


def _read_any_matrix(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, index_col=0, dtype=str)
    except FileNotFoundError as exc:
        raise PointsError(f"distance matrix file not found: {path}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise PointsError(f"{path}: not a readable CSV ({exc})") from exc


def read_adjacency(path: Path, point_ids: pd.Series, what: str = "point") -> Adjacency:
    """A CSV of adjacent point pairs: a header row, then two point ids a row (further columns are ignored).

    Read row by row with the csv module, so a malformed row is named by its row number (pandas reports a
    tokenizer error about "line 7" in its own words, or silently pads a short row with blanks); the rows are
    parsed by the core's `pair_rows`, as a plan's adjacency file is. `what` names the ids in messages ("point"
    for solve-points, "account" for a plan)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError as exc:
        raise PointsError(f"adjacency file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise PointsError(f"{path}: not a UTF-8 CSV ({exc.reason} at byte {exc.start})") from exc
    except (OSError, csv.Error) as exc:
        raise PointsError(f"{path}: not a readable CSV ({exc})") from exc
    try:
        pairs = pair_rows(rows, [str(x) for x in point_ids], str(path), what)
    except AdjacencyError as exc:
        raise PointsError(str(exc)) from exc
    return Adjacency.from_pairs(len(point_ids), pairs)


def write_assignment(path: Path, data: PointsInput, assignment: np.ndarray) -> None:
    """id,territory for every point (blank territory for a point the solver could not place)."""
    terr = np.where(assignment >= 0, data.territory_ids[np.clip(assignment, 0, None)], "")
    pd.DataFrame({"id": data.point_ids, "territory": terr}).to_csv(path, index=False)
