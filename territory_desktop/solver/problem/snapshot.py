"""The solver's snapshot of a plan (`Problem`) and the one function that scores an assignment (`evaluate`).

A Problem holds plain numpy arrays only, never a Plan, because it crosses into the worker process and must not
change under the solver's feet while the planner edits. Every algorithm (heuristic, CP-SAT, p-median) scores
through `evaluate`, so "in band", "feasible" and the objective mean the same thing everywhere.

Balance: each balanced measure m of territory k must lie in [(1 - band_low_m) t_km, (1 + band_m) t_km] where
t_km is the share-weighted mean of the active territories. Capacity is one more upper limit on the workload
column. Violations are measured relative to t_km (0.02 = 2% of the target outside the band).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territory_desktop.core.geo import EARTH_RADIUS_KM, haversine_km
from territory_desktop.solver.problem.contiguity import Adjacency, pieces_per_territory

if TYPE_CHECKING:
    pass

DISTANCES = ("euclidean", "floor-euclidean", "haversine", "matrix")


@dataclass
class Problem:
    """A snapshot of what the solver may change and how it is scored (see the module docstring)."""

    version: int
    x: np.ndarray
    y: np.ndarray
    measures: np.ndarray
    measure_names: tuple[str, ...]
    bands: np.ndarray
    weights: np.ndarray
    shares: np.ndarray
    centres: np.ndarray
    capacity: np.ndarray | None
    current: np.ndarray
    baseline: np.ndarray
    movable: np.ndarray
    eligible: np.ndarray | None
    territory_open: np.ndarray
    disruption_weight: float = 1.0
    compactness_weight: float = 0.0
    q: int = 1
    max_moves: int | None = None
    max_moved_share: float | None = None
    band_low: np.ndarray | None = None
    """Lower band per measure when it differs from the upper one (--bounds 0.8,1.2 gives 0.2 and 0.2)."""
    active: np.ndarray | None = None
    """False for removed territories: they take no accounts and do not count in the mean."""
    workload_column: int | None = None
    """The measure whose value depends on the territory (service hours + travel from the rep's home)."""
    work_base: np.ndarray | None = None
    work_rate: np.ndarray | None = None
    work_cap: np.ndarray | None = None
    """Workload of account i in territory k = work_base[i] + min(work_rate[i] * travel_km(i, k), work_cap[i])
    (the core's model: beyond a day's drive a visit costs a day; see `work_hours`)."""
    groups: np.ndarray | None = None
    """Peer group of each territory (reps of one role): balance targets are means within a group."""
    capacity_column: int | None = None
    capacity_hard: bool = True
    disruption_column: int | None = None
    """None: disruption counts moved accounts; else the measure whose moved amount counts (potential)."""
    budget_column: int | None = None
    """Measure the change budget max_moved_share is a share of (potential)."""
    compactness_column: int | None = None
    """w in sum w * d^q (None: every account weighs 1)."""
    distance: str = "euclidean"
    distance_matrix: np.ndarray | None = None
    lat: np.ndarray | None = None
    lon: np.ndarray | None = None
    centre_latlon: np.ndarray | None = None
    mode: str = "rebalance"
    site_capacity: np.ndarray | None = None
    """Carve mode: capacity of a territory centred at account i (None: the territory's own capacity)."""
    names: tuple[str, ...] | None = None
    """Territory names for the planner's messages."""
    adjacency: Adjacency | None = None
    """Which accounts (geographic units: counties, ZIPs) touch which (None: no map of neighbours)."""
    contiguous: bool = False
    """Every territory must be one connected piece of `adjacency` (a hard rule: a cut territory breaks it)."""

    def __post_init__(self) -> None:
        k = len(self.shares)
        if self.active is None:
            self.active = np.ones(k, dtype=bool)
        if self.band_low is None:
            self.band_low = np.asarray(self.bands, dtype=np.float64).copy()
        self.current = np.asarray(self.current, dtype=np.int32)
        self.baseline = np.asarray(self.baseline, dtype=np.int32)

    # ----- sizes ---------------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def k(self) -> int:
        return len(self.shares)

    @property
    def m(self) -> int:
        return self.measures.shape[1]

    # ----- distances -----------------------------------------------------------------------------------
    def dist(self, rows: np.ndarray, terr: np.ndarray, centres: np.ndarray | None = None,
             centre_latlon: np.ndarray | None = None) -> np.ndarray:
        """Compactness distance of account rows to the centres of the matching territories (elementwise).

        `centres` (x, y) replace the problem's own, and with them `centre_latlon` for the great circle: a
        carve's chosen centres are accounts, measured on the sphere as its search and its bound measure them
        (without their lat/lon a haversine carve would be scored on the flat projection, and its bound on the
        sphere could exceed the objective it bounds)."""
        rows = np.asarray(rows, dtype=np.int64)
        terr = np.asarray(terr, dtype=np.int64)
        if self.distance == "matrix" and self.distance_matrix is not None:
            return self.distance_matrix[rows, terr]
        c = self.centres if centres is None else centres
        ll = self.centre_latlon if centres is None else centre_latlon
        if self.distance == "haversine" and self.lat is not None and ll is not None:
            d = haversine_km(self.lat[rows], self.lon[rows], ll[terr, 0], ll[terr, 1])
        else:
            d = planar_distance(self.x[rows] - c[terr, 0], self.y[rows] - c[terr, 1])
            if self.distance == "floor-euclidean":
                d = np.floor(d + 1e-9)
        return np.where(np.isfinite(d), d, 0.0)

    def dist_all(self, rows: np.ndarray, centres: np.ndarray | None = None) -> np.ndarray:
        """(len(rows), K) compactness distances (for candidate lists and small exact models)."""
        rows = np.asarray(rows, dtype=np.int64)
        kk = np.arange(self.k)
        rr = np.repeat(rows, self.k)
        return self.dist(rr, np.tile(kk, len(rows)), centres).reshape(len(rows), self.k)

    def cost_weight(self) -> np.ndarray:
        """w of the compactness term for every account."""
        if self.compactness_column is None:
            return np.ones(self.n)
        return self.measures[:, self.compactness_column]

    def travel_km(self, rows: np.ndarray, terr: np.ndarray) -> np.ndarray:
        """Distance a rep travels to the account: great circle when the plan has coordinates (as the KPIs do)."""
        rows = np.asarray(rows, dtype=np.int64)
        terr = np.asarray(terr, dtype=np.int64)
        if self.lat is not None and self.centre_latlon is not None:
            d = haversine_km(self.lat[rows], self.lon[rows], self.centre_latlon[terr, 0],
                             self.centre_latlon[terr, 1])
        else:
            d = np.hypot(self.x[rows] - self.centres[terr, 0], self.y[rows] - self.centres[terr, 1])
        return np.where(np.isfinite(d), d, 0.0)

    def values_in(self, rows: np.ndarray, terr: np.ndarray) -> np.ndarray:
        """(len(rows), M) measure values of accounts when served by the given territories."""
        rows = np.asarray(rows, dtype=np.int64)
        vals = self.measures[rows].copy()
        w = self.workload_column
        if w is not None and self.work_base is not None:
            t = np.asarray(terr, dtype=np.int64)
            ok = t >= 0
            vals[:, w] = np.where(ok, self.work_hours(rows, self.travel_km(rows, np.where(ok, t, 0))), 0.0)
        return vals

    def work_hours(self, rows: np.ndarray, km: np.ndarray) -> np.ndarray:
        """Workload of accounts `rows` at `km` from their rep (rows and km broadcast together)."""
        travel = self.work_rate[rows] * km
        if self.work_cap is not None:
            travel = np.minimum(travel, self.work_cap[rows])
        return self.work_base[rows] + travel

    # ----- rules ---------------------------------------------------------------------------------------
    def free(self) -> np.ndarray:
        """Accounts the solver may move: movable and not inside a closed territory."""
        cur = self.current
        in_open = np.where(cur >= 0, self.territory_open[np.clip(cur, 0, None)], True)
        return self.movable & in_open

    def allowed(self, rows: np.ndarray, terr: np.ndarray) -> np.ndarray:
        """May account row go to territory terr (elementwise)? Open, active and eligible."""
        rows = np.asarray(rows, dtype=np.int64)
        terr = np.asarray(terr, dtype=np.int64)
        ok = self.territory_open[terr] & self.active[terr]
        if self.eligible is not None:
            ok &= self.eligible[rows, terr]
        return ok

    def counted_moves(self, assignment: np.ndarray) -> np.ndarray:
        """Accounts that count against the change budget: away from an owner they had at the baseline.

        Giving an owner to an account that had none is not disruption (nobody loses a customer) and is
        never optional (every account belongs to a territory), so it never uses the budget.
        """
        return (assignment != self.baseline) & (self.baseline >= 0)

    def move_limit(self) -> int | None:
        """Most accounts that may differ from the baseline (never below what the current plan already has).

        A carve redraws the map from scratch, so a change budget does not apply to it."""
        if self.max_moves is None or self.mode == "carve":
            return None
        return max(int(self.max_moves), int(self.counted_moves(self.current).sum()))

    def moved_share_limit(self) -> float | None:
        if self.max_moved_share is None or self.mode == "carve":
            return None
        col = self.budget_column
        vals = self.measures[:, col] if col is not None else np.ones(self.n)
        total = vals.sum()
        cur = vals[self.counted_moves(self.current)].sum()
        return max(float(self.max_moved_share) * total, float(cur))

    def budget_values(self) -> np.ndarray:
        col = self.budget_column
        return self.measures[:, col] if col is not None else np.ones(self.n)

    def disruption_values(self) -> np.ndarray:
        col = self.disruption_column
        return self.measures[:, col] if col is not None else np.ones(self.n)


@dataclass
class Evaluation:
    """The score of one assignment: totals, limits, violations and the objective parts."""

    totals: np.ndarray          # (K, M)
    targets: np.ndarray         # (K, M)
    deviation: np.ndarray       # (K, M) relative to target
    violation: float            # sum of weighted relative band excesses
    capacity_excess: np.ndarray  # (K,) hours above capacity
    rule_breaks: int            # accounts breaking a hard assignment rule
    budget_ok: bool
    disruption: float
    compactness: float
    cost: float                 # disruption_weight*disruption + compactness_weight*compactness
    in_band: bool
    feasible: bool


def targets_for(problem: Problem, totals: np.ndarray) -> np.ndarray:
    """Share-weighted mean of every measure for every active territory (0 for removed ones), taken within
    each peer group when the problem has groups (as the core's KPIs do)."""
    act = problem.active
    share = np.where(act, problem.shares, 0.0)
    groups = problem.groups if problem.groups is not None else np.zeros(len(share), dtype=np.int64)
    out = np.zeros_like(totals, dtype=np.float64)
    for g in np.unique(groups):
        m = groups == g
        ssum = share[m].sum()
        if ssum > 0:
            grand = totals[m & act].sum(axis=0)
            out[m] = (share[m] / ssum)[:, None] * grand[None, :]
    return out


def band_limits(problem: Problem, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper totals allowed per territory and measure (inf where a measure is not balanced)."""
    with np.errstate(invalid="ignore"):  # 0 x inf for measures that are not balanced: replaced just below
        lo = targets * (1.0 - problem.band_low[None, :])
        hi = targets * (1.0 + problem.bands[None, :])
    lo = np.where(np.isfinite(problem.band_low)[None, :], lo, -np.inf)
    hi = np.where(np.isfinite(problem.bands)[None, :], hi, np.inf)
    return lo, hi


def evaluate(problem: Problem, assignment: np.ndarray, centres: np.ndarray | None = None,
             centre_latlon: np.ndarray | None = None) -> Evaluation:
    """Score an assignment (every number a Solution reports comes from here); `centres` and `centre_latlon`
    replace the problem's own (a carve's chosen centres, see `Problem.dist`)."""
    a = np.asarray(assignment, dtype=np.int64)
    k = problem.k
    rows = np.arange(problem.n)
    ok = a >= 0
    vals = problem.values_in(rows, a)
    totals = np.zeros((k, problem.m))
    np.add.at(totals, a[ok], vals[ok])
    targets = targets_for(problem, totals)
    lo, hi = band_limits(problem, targets)
    excess = np.maximum(totals - hi, 0.0) + np.maximum(lo - totals, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(targets > 0, excess / np.where(targets > 0, targets, 1.0), excess)
        dev = np.where(targets > 0, totals / np.where(targets > 0, targets, 1.0) - 1.0, 0.0)
    rel[~problem.active] = 0.0
    violation = float((rel * problem.weights[None, :]).sum())
    tol = 1e-9
    in_band = bool((rel <= tol).all())
    cap_excess = np.zeros(k)
    if problem.capacity is not None and problem.capacity_column is not None:
        cap_excess = np.maximum(totals[:, problem.capacity_column] - problem.capacity, 0.0)
        cap_excess[~problem.active] = 0.0
    # hard assignment rules
    free = problem.free()
    breaks = int(((a != problem.current) & ~free).sum())
    moved_rows = np.flatnonzero((a != problem.current) & ok)
    if len(moved_rows):
        breaks += int((~problem.allowed(moved_rows, a[moved_rows])).sum())
    breaks += int((~ok & free).sum())
    if problem.contiguous and problem.adjacency is not None:  # each extra piece of a territory breaks the rule
        breaks += int(np.maximum(pieces_per_territory(problem.adjacency, a, k) - 1, 0).sum())
    moved = problem.counted_moves(a)
    budget_ok = True
    lim = problem.move_limit()
    if lim is not None and moved.sum() > lim:
        budget_ok = False
    slim = problem.moved_share_limit()
    if slim is not None and problem.budget_values()[moved].sum() > slim + 1e-9:
        budget_ok = False
    disruption = float(problem.disruption_values()[moved].sum())
    d = problem.dist(rows[ok], a[ok], centres, centre_latlon)
    compact = float((problem.cost_weight()[ok] * d ** problem.q).sum())
    cost = problem.disruption_weight * disruption + problem.compactness_weight * compact
    cap_ok = not (problem.capacity_hard and (cap_excess > 1e-6).any())
    return Evaluation(totals, targets, dev, violation, cap_excess, breaks, budget_ok, disruption, compact,
                      cost, in_band and not (cap_excess > 1e-6).any(), breaks == 0 and budget_ok and cap_ok)


def planar_distance(dx: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """sqrt(dx² + dy²), written into `out` when given (a block of a larger table).

    One formula for every plane distance the solver reads: a plan's score (`Problem.dist`) and the carve's
    table (`pmedian.site_distance`) are then the same numbers bit for bit, so a bound over the table can never
    exceed the objective it bounds by a rounding. Coordinates are within ±1e15 (`points.LARGEST`), so the squares
    cannot overflow; np.hypot guards against that at four times the cost (5,000 x 5,000: 0.5 s vs 0.12 s)."""
    dx = np.asarray(dx, dtype=np.float64)
    dy = np.asarray(dy, dtype=np.float64)
    res = np.multiply(dx, dx, out=out)
    res += dy * dy
    return np.sqrt(res, out=res)


# ----- from a plan ------------------------------------------------------------------------------------
def project(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular projection to km around (lat0, lon0): good enough for ranking nearby territories."""
    x = EARTH_RADIUS_KM * np.radians(np.asarray(lon, dtype=np.float64) - lon0) * np.cos(np.radians(lat0))
    y = EARTH_RADIUS_KM * np.radians(np.asarray(lat, dtype=np.float64) - lat0)
    return x, y
