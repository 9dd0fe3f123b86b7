"""Carve mode: choose K territory centres among the accounts and assign every account (capacitated p-median).

Approach, chosen by measurement (2 cores shared with other jobs; benchmarks/solver_quality.py):
1. locate-allocate (k-means++ seeding, regret-greedy capacitated assignment, best member as centre, restarts
   for a tenth of the budget), then the rebalance greedy with those centres fixed when bands or capacities do
   not hold yet: the first answer, in well under a second (Iowa: in band at once, +15% compactness);
2. pure capacities (no bands): min-cost-flow reassignment, then centre swaps (Teitz-Bart vertex substitution,
   each swap's neighbourhood reassigned by flow) with iterated kicks (pmedian_swap.py) - half the clock up to
   200 points, 90% beyond (p3038: 1.2-2.2% gap, average 1.69% at 115 s with the swaps' bound pruning; 3.05%
   without it once the carve kept to its time limit; 3.7-6.0% with the region re-solves alone);
3. region re-solves: 2-4 neighbouring territories at a time (their points, their candidate centres) solved
   exactly - CP-SAT up to 30 points, SCIP above - widening the regions at each local optimum;
4. for <= 60 points the whole MIP (strong linking rows x[i,j] <= y[j], SCIP, hinted) with the time left, which
   proves the optimum (pmedcap01-06).
Measured: pmedcap01-20 average gap 0.11% at <= 9.1 s (was 0.41-1.02%, load dependent); SJC1-4b average
0.29% at 28 s (was 0.90%); Iowa (bands: steps 1, 3, 4 only) +1.5% of the contiguous optimum without a
contiguity rule. Alternatives measured: HiGHS proved pmedcap11 in 19 s but crashes when given a hint and prints
a banner on stdout; CP-SAT on the whole n = 100 model stayed 0.4-7% above the optimum after 9 s; SCIP on
20-point regions sometimes spent its whole 2 s limit where CP-SAT took ~0.1 s.

Balance bands (a measure within its band of the mean) become rows lo*y[j] <= sum v[i] x[i,j] <= hi*y[j];
capacity is sum demand[i] x[i,j] <= Q[j] y[j]. Disruption and the change budget do not apply: a carve redraws
the map (locked accounts and territories are kept out of it and stay as they are).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np

from territory_desktop.solver.carve.pmedian_models import cpsat_arrays, mip_arrays
from territory_desktop.solver.carve.pmedian_swap import global_assign, integer_demand, swap_search
from territory_desktop.solver.problem.snapshot import Problem, planar_distance
from territory_desktop.solver.problem.solution import make_solution

SWAP_SHARE = 0.5
"""Centre swaps may use up to this share of the clock; the exact region re-solves polish with the rest."""
SWAP_SHARE_LARGE = 0.9
"""Large carves (p3038): iterated swaps beat the region re-solves per second (3.2% vs 5.9% gap at half time)."""
SWAP_WHOLE = 200
"""Up to this many accounts a swap reassigns every account (full Teitz-Bart); beyond, a centre's neighbours."""

FIRST_SHARE = 0.5
"""The first locate-allocate may refine its centres until this share of the budget (distance table included)."""

CPSAT_REGION = 30
BUILD_S_PER_PAIR = 6e-5
"""Seconds to build one point-pair term of a region MIP (measured: 297 points, 88k terms, 4.6 s on 2 cores):
a region whose model cannot be built in half the time left is skipped, so the carve honours its limit."""
"""Regions up to this many points go to CP-SAT, larger ones to SCIP (measured, see cpsat_arrays)."""


SITE_CHUNK = 256
"""Rows of the distance table computed at a time: the temporaries stay a few MB while the table is 200 MB."""
TABLE_S_PER_PAIR = 2.4e-8
"""Seconds per pair of the whole distance table, page faults included (5,000 x 5,000: 0.1-0.6 s measured on the
shared 2 cores). A carve whose table would take more than a quarter of its limit finds its first answer from
distances computed as they are read (`LazySites`), and builds the table only when the clock still allows."""


def _site_block(p: Problem, rows: np.ndarray, cols: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Cost distance d^q between accounts rows and cols (broadcast together), written into `out` if given."""
    if p.distance == "haversine" and p.lat is not None:
        from territory_desktop.core.geo import haversine_km_prepared
        lat_r, cos_r, lon = _sphere(p)
        d = haversine_km_prepared(lat_r[rows], cos_r[rows], lon[rows], lat_r[cols], cos_r[cols], lon[cols])
        if out is not None:
            out[...] = d
            d = out
    else:
        d = planar_distance(p.x[rows] - p.x[cols], p.y[rows] - p.y[cols], out=out)
        if p.distance == "floor-euclidean":
            d += 1e-9
            np.floor(d, out=d)
    d[~np.isfinite(d)] = 0.0
    if p.q == 2:
        np.square(d, out=d)
    elif p.q != 1:
        np.power(d, p.q, out=d)
    if p.compactness_column is not None:
        d *= p.cost_weight()[rows]
    return d


def _sphere(p: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat_r = np.radians(np.asarray(p.lat, dtype=np.float64))
    return lat_r, np.cos(lat_r), np.asarray(p.lon, dtype=np.float64)


def site_distance(problem: Problem, sites: np.ndarray) -> np.ndarray:
    """(N, len(sites)) cost distance d^q from every account to every candidate centre (an account).

    Built in place, a block of rows at a time, with the very arithmetic `Problem.dist` scores a plan with
    (`planar_distance`, `haversine_km_prepared`), so a carve's objective and its bound read the same numbers.
    5,000 x 5,000 takes 0.1-0.6 s (plane) where one np.hypot over the whole table with its temporaries took
    1.2-2.3 s on the shared 2 cores - before any clock was read (issue 19)."""
    p = problem
    sites = np.asarray(sites, dtype=np.int64)
    n = p.n
    out = np.empty((n, len(sites)))
    for s in range(0, n, SITE_CHUNK):
        r = np.arange(s, min(s + SITE_CHUNK, n))
        _site_block(p, r[:, None], sites[None, :], out=out[s:r[-1] + 1])
    return out


class LazySites:
    """The account x account table of `site_distance`, each entry computed when read: what the first
    locate-allocate reads (a few columns, each territory's members among themselves) costs a fraction of the
    whole table. Indexing as numpy's: [:, j], [:, cols], [np.ix_(a, b)], [rows, cols] elementwise."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.shape = (problem.n, problem.n)

    def __getitem__(self, key: tuple) -> np.ndarray:
        r, c = key
        every = np.arange(self.p.n)
        if isinstance(r, slice):
            rows = every[r]
            if not np.isscalar(c):
                rows = rows[:, None]
        else:
            rows = np.asarray(r)
        cols = every[c] if isinstance(c, slice) else np.asarray(c)
        rows, cols = np.broadcast_arrays(rows, cols)
        return _site_block(self.p, rows, cols)


def _demand_and_capacity(p: Problem) -> tuple[np.ndarray, np.ndarray]:
    col = p.capacity_column if p.capacity_column is not None else 0
    demand = p.measures[:, col] if p.m else np.ones(p.n)
    if p.site_capacity is not None:
        cap = np.asarray(p.site_capacity, dtype=np.float64)
    elif p.capacity is not None:
        cap = np.full(p.n, float(np.nanmin(p.capacity)))
    else:
        cap = np.full(p.n, np.inf)
    return demand, cap


def _bands(p: Problem, k: int) -> list[tuple[np.ndarray, float, float]]:
    out = []
    for c in range(p.m):
        if np.isfinite(p.bands[c]) or np.isfinite(p.band_low[c]):
            tgt = p.measures[:, c].sum() / k
            lo = tgt * (1 - p.band_low[c]) if np.isfinite(p.band_low[c]) else -np.inf
            hi = tgt * (1 + p.bands[c]) if np.isfinite(p.bands[c]) else np.inf
            out.append((p.measures[:, c], lo, hi))
    return out


def locate_allocate(p: Problem, k: int, dist: np.ndarray, rng: np.random.Generator,
                    rounds: int = 20, should_stop: Callable[[], bool] = lambda: False,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Centres by weighted k-means++ seeding, then alternate greedy capacitated assignment / best member."""
    demand, cap = _demand_and_capacity(p)
    n = p.n
    first = int(rng.integers(n))
    centres = [first]
    dmin = dist[:, first].copy()
    for _ in range(1, k):
        prob = dmin / dmin.sum() if dmin.sum() > 0 else np.full(n, 1 / n)
        c = int(rng.choice(n, p=prob))
        centres.append(c)
        dmin = np.minimum(dmin, dist[:, c])
    centres = np.array(centres)
    assign = np.zeros(n, dtype=np.int64)
    for _ in range(rounds):
        assign = _greedy_assign(dist[:, centres], demand, cap[centres])
        if should_stop():  # a restart on p3038 takes ~1 s: stop between rounds (the first is an answer already)
            break
        new = centres.copy()
        for j in range(k):
            mem = np.flatnonzero(assign == j)
            if not len(mem):
                continue
            need = demand[mem].sum()
            cost = dist[np.ix_(mem, mem)].sum(axis=0)
            cost[cap[mem] < need - 1e-9] = np.inf
            if np.isfinite(cost).any():
                new[j] = mem[int(np.argmin(cost))]
        if np.array_equal(new, centres):
            break
        centres = new
    return centres, assign


def _greedy_assign(d: np.ndarray, demand: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Regret-ordered greedy: accounts with most to lose pick first, into the nearest centre with room."""
    n, k = d.shape
    srt = np.sort(d, axis=1)
    regret = srt[:, 1] - srt[:, 0] if k > 1 else np.zeros(n)
    left = cap.astype(np.float64).copy()
    out = np.full(n, -1, dtype=np.int64)
    for i in np.argsort(-regret, kind="stable"):
        for j in np.argsort(d[i]):
            if left[j] >= demand[i] - 1e-9:
                out[i] = j
                left[j] -= demand[i]
                break
        if out[i] < 0:
            out[i] = int(np.argmin(d[i]))
    return out


def mip(p: Problem, k: int, dist: np.ndarray, time_limit: float, hint: tuple[np.ndarray, np.ndarray] | None,
        width: int | None = None, should_stop: Callable[[], bool] | None = None,
        ) -> tuple[np.ndarray, np.ndarray, float, float | None, bool] | None:
    """The whole carve as one MIP: centres, assignment (index into centres), objective, bound, optimal."""
    demand, cap = _demand_and_capacity(p)
    return mip_arrays(dist, demand, cap, k, _bands(p, k), time_limit, hint, width, should_stop)


def _excess(demand: np.ndarray, cap: np.ndarray, centres: np.ndarray, assign: np.ndarray,
            bands: list[tuple[np.ndarray, float, float]]) -> float:
    """Capacity and band excess of a carve (0 = every rule holds)."""
    k = len(centres)
    load = np.bincount(assign, weights=demand, minlength=k)
    ex = float(np.maximum(load - cap[centres], 0.0).sum())
    for vals, lo, hi in bands:
        tot = np.bincount(assign, weights=vals, minlength=k)
        ex += float((np.maximum(tot - hi, 0.0) + np.maximum(lo - tot, 0.0)).sum())
    return ex


def region_lns(p: Problem, k: int, dist: np.ndarray, centres: np.ndarray, assign: np.ndarray,
               deadline: float, should_stop: Callable[[], bool], region: int = 4,
               sub_limit: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Re-solve a few neighbouring territories at a time exactly (their points, their candidate centres).

    Why: the whole MIP stalls beyond ~50 points, while a region of 3-5 territories (a few dozen points) solves
    to optimality in tens of milliseconds; sweeping the regions until none improves is a classic matheuristic
    for the capacitated p-median.
    """
    demand, cap = _demand_and_capacity(p)
    bands = _bands(p, k)
    centres, assign = centres.copy(), assign.copy()
    r = 2 if k <= 6 else min(region, k)  # few territories: pairs first, the whole problem last
    rng = np.random.default_rng(1)
    settled: set[int] = set()
    improved = True
    while improved and time.monotonic() < deadline and not should_stop():
        improved = False
        for seed in rng.permutation(k):
            if time.monotonic() > deadline or should_stop():
                break
            cd = dist[centres[seed], centres]
            group = np.argsort(cd)[:r]
            pts = np.flatnonzero(np.isin(assign, group))
            sig = hash((r, pts.tobytes(), centres[np.sort(group)].tobytes()))
            if sig in settled:  # this very region was already solved to optimality: skip it
                continue
            sub = dist[np.ix_(pts, pts)]
            local = {int(g): t for t, g in enumerate(group)}
            h_assign = np.array([local[int(a)] for a in assign[pts]])
            if len(pts) < r:
                continue
            where = [np.flatnonzero(pts == centres[g]) for g in group]
            old = float(dist[pts, centres[assign[pts]]].sum())
            if all(len(w) for w in where):
                h_centres = np.array([int(w[0]) for w in where])
                old_ex = _excess(demand[pts], cap[pts], h_centres, h_assign,
                                 [(v[pts], lo, hi) for v, lo, hi in bands])
            else:  # a centre serves outside its own group: no hint, any feasible answer is progress
                h_centres, old_ex = None, 1.0
            left = deadline - time.monotonic()
            if r < k:  # a true region: small and quick; the whole problem gets the whole clock
                left = min(sub_limit, left)
            if left <= 0.02:
                break
            if len(pts) > CPSAT_REGION and BUILD_S_PER_PAIR * len(pts) ** 2 > 0.5 * left:
                continue  # building this MIP alone would outlast the clock (the model has points² terms)
            solve_fn = cpsat_arrays if len(pts) <= CPSAT_REGION else mip_arrays
            res = solve_fn(sub, demand[pts], cap[pts], r, [(v[pts], lo, hi) for v, lo, hi in bands], left,
                             (h_centres, h_assign) if old_ex <= 0 and h_centres is not None else None,
                             width=len(pts), should_stop=should_stop)
            if res is None:
                continue
            c2, a2, v2, _, optimal = res
            if optimal:
                settled.add(sig)
            if (old_ex > 0 and v2 <= old + 1e-7 * max(1.0, abs(old))) or v2 < old - 1e-7 * max(1.0, abs(old)):
                centres[group] = pts[c2]
                assign[pts] = group[a2]
                improved = True
        if not improved and r < min(k, region + 3):  # a local optimum for this size: widen the regions
            r += 1
            improved = True
    return centres, assign


def balance_fixed_centres(p: Problem, slots: np.ndarray, centres: np.ndarray, assign: np.ndarray,
                          time_limit: float, should_stop: Callable[[], bool]) -> np.ndarray:
    """Bring a carve into band with the rebalance greedy, the chosen centres held fixed (as rep homes)."""
    from dataclasses import replace

    from territory_desktop.solver.rebalance.heuristic import Greedy
    demand, cap = _demand_and_capacity(p)
    xy = np.zeros((p.k, 2))
    xy[slots] = np.column_stack([p.x[centres], p.y[centres]])
    cur = slots[assign].astype(np.int32)
    tcap = np.full(p.k, np.inf)
    tcap[slots] = cap[centres]
    q = replace(p, centres=xy, current=cur, baseline=cur.copy(), mode="rebalance", disruption_weight=0.0,
                capacity=tcap if np.isfinite(tcap).any() else None,
                capacity_column=p.capacity_column if p.capacity_column is not None else 0)
    g = Greedy(q, width=min(p.k, 8))
    a = cur.copy()
    g.run(a, time.monotonic() + time_limit, should_stop)
    pos = np.full(p.k, -1)
    pos[slots] = np.arange(len(slots))
    return pos[a]


def carve_stream(problem: Problem, time_limit: float,
                 should_stop: Callable[[], bool] = lambda: False) -> Iterator:
    """Yield carve solutions (engine Solutions): locate-allocate first, then region re-solves, then the MIP.

    Hard rules hold: unmovable accounts and locked territories are left out of the carve and stay as they are;
    carved territories take the open slots that share most accounts with today's plan (least disruption);
    an account carved into a territory it is not eligible for goes to its nearest eligible one.
    """
    p = problem
    t0 = time.monotonic()
    free_rows = np.flatnonzero(p.free())
    slots = np.flatnonzero(p.active & p.territory_open)
    if not len(free_rows) or not len(slots):
        yield make_solution(p, p.current.copy(), t0, "nothing to carve")[0]
        return
    sub = _subset(p, free_rows, slots)
    if sub.n <= len(slots):  # no more accounts than territories: one each
        full = p.current.copy()
        full[free_rows] = slots[:sub.n]
        _eligible_fix(p, full, free_rows, np.nan_to_num(p.centres))
        yield make_solution(p, full, t0, "heuristic")[0]
        return
    mapping: np.ndarray | None = None
    for c, a, status, bound in _carve_core(sub, len(slots), time_limit, should_stop):
        if mapping is None:
            mapping = _match_slots(a, p.current[free_rows], slots)
        full = p.current.copy()
        full[free_rows] = mapping[a]
        centres = np.full((p.k, 2), np.nan)
        centres[mapping] = np.column_stack([sub.x[c], sub.y[c]])
        done = np.isfinite(centres).all(axis=1)
        centres[~done] = p.centres[~done] if np.isfinite(p.centres).all() else 0.0
        _eligible_fix(p, full, free_rows, centres)
        sol, _ = make_solution(p, full, t0, status, None if bound is None else bound * p.compactness_weight,
                               centres, carved_latlon(p, sub, mapping, c, done))
        sol.bound = _bound_within_rounding(sol.bound, sol.objective)
        yield sol


BOUND_ROUNDING = 1e-9
"""Relative: how far the exact MIP's bound may sit above the plan's score by arithmetic alone. Both are sums of
the same distances (`site_distance` and `Problem.dist` share their formulas), summed in another order and with
SCIP's own 1e-9 tolerances; the great circle's sin/arcsin may differ by an ulp between a table and a vector."""


def _bound_within_rounding(bound: float | None, objective: float) -> float | None:
    """A bound never above the objective it bounds: within BOUND_ROUNDING it is the objective (the plan is
    proved optimal), beyond it the bound is not sound here and is not claimed (None), never silently lowered."""
    if bound is None or bound <= objective:
        return bound
    return objective if bound <= objective + BOUND_ROUNDING * max(1.0, abs(objective)) else None


def carved_latlon(p: Problem, sub: Problem, mapping: np.ndarray, c: np.ndarray,
                  done: np.ndarray) -> np.ndarray | None:
    """The chosen centres' lat/lon (they are accounts) for a great-circle carve: its objective is then measured
    as `site_distance` measured the search and the bound. None when the carve is not on the sphere."""
    if p.distance != "haversine" or sub.lat is None:
        return None
    ll = np.full((p.k, 2), np.nan)
    ll[mapping] = np.column_stack([sub.lat[c], sub.lon[c]])
    if p.centre_latlon is not None:  # territories left out of the carve keep their own centre
        ll[~done] = p.centre_latlon[~done]
    return ll


def _subset(p: Problem, rows: np.ndarray, slots: np.ndarray) -> Problem:
    """The carve's own problem: the free accounts and the open territories only."""
    from dataclasses import replace

    def take(v: np.ndarray | None) -> np.ndarray | None:
        return None if v is None else v[rows]
    k = len(slots)
    return replace(p, x=p.x[rows], y=p.y[rows], measures=p.measures[rows], shares=p.shares[slots],
                   centres=np.full((k, 2), np.nan), capacity=None if p.capacity is None else p.capacity[slots],
                   current=np.full(len(rows), -1, np.int32), baseline=np.full(len(rows), -1, np.int32),
                   movable=np.ones(len(rows), bool), eligible=None, territory_open=np.ones(k, bool),
                   active=np.ones(k, bool), work_base=take(p.work_base), work_rate=take(p.work_rate),
                   work_cap=take(p.work_cap), groups=None,
                   lat=take(p.lat), lon=take(p.lon), centre_latlon=None, site_capacity=take(p.site_capacity),
                   distance_matrix=None, names=None, max_moves=None, max_moved_share=None,
                   distance="euclidean" if p.distance == "matrix" else p.distance)


def _match_slots(a: np.ndarray, current: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Carved territory j -> the open slot whose accounts it shares most (greedy matching on overlap)."""
    k = len(slots)
    pos = {int(t): i for i, t in enumerate(slots)}
    cur = np.array([pos.get(int(t), -1) for t in current])
    overlap = np.zeros((k, k))
    ok = cur >= 0
    np.add.at(overlap, (a[ok], cur[ok]), 1.0)
    out = np.full(k, -1)
    used = np.zeros(k, bool)
    for flat in np.argsort(-overlap, axis=None, kind="stable"):
        j, t = divmod(int(flat), k)
        if out[j] < 0 and not used[t]:
            out[j] = t
            used[t] = True
    return slots[out]


def _eligible_fix(p: Problem, full: np.ndarray, rows: np.ndarray, centres: np.ndarray) -> None:
    """Accounts carved into a territory they may not join go to the nearest one they may."""
    if p.eligible is None:
        return
    bad = rows[~p.eligible[rows, full[rows]]]
    for r in bad:
        ok = np.flatnonzero(p.eligible[r] & p.territory_open & p.active)
        if len(ok):
            d = np.nan_to_num(np.hypot(centres[ok, 0] - p.x[r], centres[ok, 1] - p.y[r]), nan=np.inf)
            full[r] = ok[int(np.argmin(d))]
        else:  # nowhere it may go: it stays where the planner put it
            full[r] = p.current[r]


def _carve_core(p: Problem, k: int, time_limit: float, should_stop: Callable[[], bool]) -> Iterator:
    """(centres as account rows, assignment as centre positions, status, bound) ever better."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    slots = np.arange(k)
    table_s = TABLE_S_PER_PAIR * p.n * p.n
    # the whole table first when it is cheap beside the limit, else the first answer from distances as read
    dist: np.ndarray | LazySites = site_distance(p, np.arange(p.n)) if table_s <= 0.25 * time_limit \
        else LazySites(p)

    def until(share: float) -> Callable[[], bool]:
        """A stop for a phase that may run until `share` of the budget (counted from the start) is spent."""
        return lambda: should_stop() or time.monotonic() > t0 + share * time_limit

    rng = np.random.default_rng(0)
    # its first round is the first answer; the further rounds (5,000 x 50: ~30 ms each, up to 20) keep to
    # half the budget, so a short limit still leaves time to balance
    best_c, best_a = locate_allocate(p, k, dist, rng, should_stop=until(FIRST_SHARE))
    best_v = float(dist[np.arange(p.n), best_c[best_a]].sum())
    for _ in range(8):  # a few restarts begun within a tenth of the budget, refined until half of it
        if time.monotonic() - t0 > 0.1 * time_limit or should_stop():
            break
        c, a = locate_allocate(p, k, dist, rng, should_stop=until(FIRST_SHARE))
        v = float(dist[np.arange(p.n), c[a]].sum())
        if v < best_v:
            best_c, best_a, best_v = c, a, v
    demand, cap = _demand_and_capacity(p)
    bands = _bands(p, k)
    if _excess(demand, cap, best_c, best_a, bands) > 0:
        left = max(0.0, deadline - time.monotonic())
        best_a = balance_fixed_centres(p, slots, best_c, best_a, min(0.15 * time_limit, left), should_stop)
        best_v = float(dist[np.arange(p.n), best_c[best_a]].sum())
    yield best_c, best_a, "heuristic", None
    if isinstance(dist, LazySites):  # the improving phases read the whole table: only if the clock allows
        if table_s > 0.5 * (deadline - time.monotonic()) or should_stop():
            return
        dist = site_distance(p, np.arange(p.n))
    if not bands and (demand >= 0).all():  # pure capacities: flow reassignment and centre swaps first
        share = SWAP_SHARE if p.n <= SWAP_WHOLE else SWAP_SHARE_LARGE
        got = _swap_phase(dist, demand, cap, best_c, best_a, t0 + share * time_limit, should_stop)
        if got is not None and (_excess(demand, cap, *got, bands) < _excess(demand, cap, best_c, best_a, bands)
                                or float(dist[np.arange(p.n), got[0][got[1]]].sum()) < best_v - 1e-9):
            best_c, best_a = got
            best_v = float(dist[np.arange(p.n), best_c[best_a]].sum())
            yield best_c, best_a, "improved", None
    total = time_limit - (time.monotonic() - t0)
    lns_share = 0.4 if p.n <= 60 else 0.95
    c, a = region_lns(p, k, dist, best_c, best_a, time.monotonic() + lns_share * total, should_stop)
    v = float(dist[np.arange(p.n), c[a]].sum())
    if _excess(demand, cap, c, a, bands) < _excess(demand, cap, best_c, best_a, bands) or v < best_v - 1e-9:
        best_c, best_a, best_v = c, a, v
        yield best_c, best_a, "improved", None
    left = time_limit - (time.monotonic() - t0)
    if left < 0.2 or should_stop() or p.n > 60:  # beyond ~60 points the whole MIP only burns the clock
        return
    res = mip(p, k, dist, left, (best_c, best_a), should_stop=should_stop)
    if res is not None:
        c, a, v, bound, optimal = res
        if v < best_v - 1e-9 or optimal:
            yield c, a, "optimal" if optimal else "improved", bound


def _swap_phase(dist: np.ndarray, demand: np.ndarray, cap: np.ndarray, centres: np.ndarray, assign: np.ndarray,
                deadline: float, should_stop: Callable[[], bool]) -> tuple[np.ndarray, np.ndarray] | None:
    """Flow reassignment of the first carve, then centre swaps until a local optimum or the deadline."""
    idem, icap = integer_demand(demand, cap)
    a = global_assign(dist, idem, icap, centres)
    if a is None:
        return None
    n, k = len(dist), len(centres)
    whole = n <= SWAP_WHOLE
    return swap_search(dist, idem, icap, centres, a, deadline, should_stop,
                       near=k if whole else 6, candidates=max(12, 3 * n // k) if whole else 12)
