"""Capacitated reassignment by min-cost flow, and centre-swap local search built on it (carve mode).

Why: with the centres fixed, the capacitated p-median is a transportation problem whose LP (a min-cost flow,
solved in milliseconds) splits at most a handful of accounts; rounding those few back greedily gives a near
exact assignment. Vertex substitution (Teitz-Bart: swap one centre for a nearby account, reassign the
neighbourhood exactly) then walks between centre sets far faster than re-solving regions as MIPs: on p3038
(3,038 points, 600-1,000 centres, 3-5 points per centre) a sweep takes seconds instead of minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from ortools.graph.python import min_cost_flow

POLISH_N = 400
"""Up to this many accounts a rounded flow is polished by shifts and exchanges (n x n per step)."""
COST_SCALE = 1e9
"""Integer arc costs keep this many units over the total distance of a neighbourhood (precision vs overflow)."""


def integer_demand(demand: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Demands and capacities as integers for the flow: exact when integral, else scaled conservatively
    (demand rounded up, capacity down) so a flow-feasible carve is feasible in the real units."""
    total = float(demand.sum())
    fin = np.isfinite(cap)
    if np.allclose(demand, np.rint(demand)) and np.allclose(cap[fin], np.rint(cap[fin])) and total < 1e12:
        d = np.rint(demand).astype(np.int64)
        c = np.where(fin, np.floor(np.where(fin, cap, 0) + 1e-9), d.sum()).astype(np.int64)
    else:
        s = 1e6 / max(total, 1e-12)
        d = np.ceil(demand * s - 1e-9).astype(np.int64)
        c = np.where(fin, np.floor(np.where(fin, cap, 0) * s + 1e-9), d.sum()).astype(np.int64)
    return np.maximum(d, 0), np.minimum(c, max(int(d.sum()), 1))


def flow_assign(cost: np.ndarray, demand: np.ndarray, cap: np.ndarray, width: int | None = None,
                careful: bool = True) -> np.ndarray | None:
    """Each row (account) to one column (centre) within the integer capacities, near-minimum total cost.

    cost: (P, C) cost of serving the whole account from that centre; width limits each account to its
    nearest columns (None = all). Returns column positions, or None when the capacities cannot hold.
    careful=False (the swap search's thousands of trial moves) places the LP's split accounts greedily in one
    pass and may answer None where a careful rounding (re-solving, then polishing) would still succeed.
    """
    n, k = cost.shape
    if n == 0:
        return np.zeros(0, np.int64)
    if k == 0 or demand.sum() > cap.sum():
        return None
    nearest = np.argmin(cost, axis=1)
    if (np.bincount(nearest, weights=demand, minlength=k) <= cap).all():
        return nearest  # each to its cheapest centre already fits: no flow can do better
    w = k if width is None or width >= k else width
    cols = np.argsort(cost, axis=1)[:, :w] if w < k else np.broadcast_to(np.arange(k), (n, k))
    rows = np.repeat(np.arange(n), w)
    cols = cols.ravel().astype(np.int64)
    dem = np.maximum(demand, 1).astype(np.int64)
    scale = COST_SCALE / max(float(cost[rows, cols].sum()), 1e-12)
    unit = np.rint(cost[rows, cols] * scale / dem[rows]).astype(np.int64)
    keep = np.ones(len(rows), bool)
    rounded = False
    batch, prev, forced = n > POLISH_N, keep, -1
    for _ in range(len(rows) + 1):  # round the LP: fix split accounts to the centre serving most of each
        flow = _flow(rows[keep], cols[keep], unit[keep], dem, cap, n, k)
        if flow is None and batch:  # fixing them all at once was too greedy: one at a time from there
            batch, keep = False, prev
            flow = _flow(rows[keep], cols[keep], unit[keep], dem, cap, n, k)
        elif flow is None and forced >= 0:  # that account cannot go there: forbid it, keep its other options
            keep = prev
            keep[forced] = False
            forced = -1
            continue
        if flow is None:
            return None
        full = flow == dem[rows[keep]]
        out = np.full(n, -1, np.int64)
        out[rows[keep][full]] = cols[keep][full]
        split = np.flatnonzero(out < 0)
        if len(split) and not careful:
            return _greedy_split(cost, dem, cap, out, split)
        if not len(split):
            return _polish(cost, dem, cap.astype(np.int64), out) if rounded and n <= POLISH_N else out
        rounded, prev = True, keep.copy()
        kept = np.flatnonzero(keep)
        for i in (split if batch else split[np.argmax(dem[split])][None]):
            on = rows[kept] == i
            keep[kept[on]] = False
            forced = int(kept[on][np.argmax(flow[on])])
            keep[forced] = True
        if batch:
            forced = -1
    return None


def _greedy_split(cost: np.ndarray, dem: np.ndarray, cap: np.ndarray, out: np.ndarray, split: np.ndarray,
                  ) -> np.ndarray | None:
    """The LP's split accounts, biggest first, each to the cheapest centre with room left (None if none)."""
    k = cost.shape[1]
    whole = out >= 0
    left = cap.astype(np.int64) - np.bincount(out[whole], weights=dem[whole], minlength=k).astype(np.int64)
    for i in split[np.argsort(-dem[split], kind="stable")]:
        ok = np.flatnonzero(left >= dem[i])
        if not len(ok):
            return None
        j = int(ok[np.argmin(cost[i, ok])])
        out[i] = j
        left[j] -= dem[i]
    return out


def _polish(cost: np.ndarray, dem: np.ndarray, cap: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Best shift or pairwise exchange of accounts while one lowers the cost within capacity: the LP rounding
    can strand an account far away when capacities are tight (measured: +22% on an 8-account case)."""
    n, k = cost.shape
    load = np.bincount(out, weights=dem, minlength=k)
    idx = np.arange(n)
    for _ in range(4 * n):
        here = cost[idx, out]
        shift = cost - here[:, None]  # i to centre j
        shift[(load[None, :] + dem[:, None]) > cap[None, :]] = np.inf
        shift[idx, out] = np.inf
        a = out[:, None]
        b = out[None, :]
        c = cost[:, out]  # c[i, t]: account i served by t's centre
        swap = c + c.T - here[:, None] - here[None, :]
        ok = (load[a] - dem[:, None] + dem[None, :] <= cap[a]) & (load[b] - dem[None, :] + dem[:, None] <= cap[b])
        swap[~ok | (a == b)] = np.inf
        s_best, w_best = float(shift.min()), float(swap.min())
        if min(s_best, w_best) >= -1e-12 * max(1.0, float(here.sum())):
            break
        if s_best <= w_best:
            i, j = divmod(int(np.argmin(shift)), k)
            load[out[i]] -= dem[i]
            load[j] += dem[i]
            out[i] = j
        else:
            i, t = divmod(int(np.argmin(swap)), n)
            load[out[i]] += dem[t] - dem[i]
            load[out[t]] += dem[i] - dem[t]
            out[i], out[t] = out[t], out[i]
    return out


def _flow(rows: np.ndarray, cols: np.ndarray, unit: np.ndarray, dem: np.ndarray, cap: np.ndarray, n: int,
          k: int) -> np.ndarray | None:
    """Min-cost flow accounts -> centres -> sink; the flow on each account arc, or None when infeasible."""
    f = min_cost_flow.SimpleMinCostFlow()
    sink = n + k
    arcs = f.add_arcs_with_capacity_and_unit_cost(rows, n + cols, dem[rows], unit)
    f.add_arcs_with_capacity_and_unit_cost(n + np.arange(k), np.full(k, sink), cap.astype(np.int64),
                                           np.zeros(k, np.int64))
    f.set_nodes_supplies(np.arange(n), dem)
    f.set_nodes_supplies(np.array([sink]), np.array([-int(dem.sum())]))
    if f.solve() != f.OPTIMAL:
        return None
    return f.flows(arcs)


def global_assign(dist: np.ndarray, demand: np.ndarray, cap: np.ndarray, centres: np.ndarray,
                  width: int = 12) -> np.ndarray | None:
    """Every account to the given centres (account rows) by flow; widens when too narrow to be feasible."""
    d = dist[:, centres]
    small = len(d) <= POLISH_N
    for w in (width, 3 * width, None):  # large: the one-pass rounding first (a careful one re-solves a lot)
        for careful in ((True,) if small else (False, True)):
            a = flow_assign(d, demand, cap[centres], w, careful)
            if a is not None:
                return a
    return None


def swap_search(dist: np.ndarray, demand: np.ndarray, cap: np.ndarray, centres: np.ndarray,
                assign: np.ndarray, deadline: float, should_stop: Callable[[], bool],
                near: int = 6, candidates: int = 12, seed: int = 0, kick: int = 2,
                ) -> tuple[np.ndarray, np.ndarray]:
    """Swap descent to a local optimum, then iterated local search: move `kick` neighbouring centres to random
    nearby accounts, descend again (only the disturbed neighbourhoods are re-examined), keep it if better.

    demand and cap are the integer ones (integer_demand); centres are account rows, assign their positions.
    """
    rng = np.random.default_rng(seed)
    k, n = len(centres), len(dist)
    near = min(near, k)
    centres, assign = _descend(dist, demand, cap, centres.copy(), assign.copy(), np.zeros(k, bool), deadline,
                               should_stop, near, candidates, rng)
    best_v = float(dist[np.arange(n), centres[assign]].sum())
    while time.monotonic() < deadline and not should_stop():
        c, a = centres.copy(), assign.copy()
        j = int(rng.integers(k))
        group = _nearest(dist[c[j], c], max(min(near, 4), kick))
        moved = rng.choice(group, size=min(kick, len(group)), replace=False)
        is_centre = np.zeros(n, bool)
        is_centre[c] = True
        for m in moved:
            pool = [int(v) for v in np.argsort(dist[:, c[m]])[:2 * n // k + 2] if not is_centre[v]]
            if pool:
                new = pool[int(rng.integers(len(pool)))]
                is_centre[c[m]] = False
                is_centre[new] = True
                c[m] = new
        group = _nearest(dist[c[j], c], near)
        pts = _members(a, group, k)
        sub = flow_assign(dist[np.ix_(pts, c[group])], demand[pts], cap[c[group]])
        if sub is None:
            continue
        a[pts] = group[sub]
        stale = np.ones(k, bool)
        for m in moved:
            stale[_nearest(dist[c[m], c], 2 * near)] = False
        c, a = _descend(dist, demand, cap, c, a, stale, deadline, should_stop, near, candidates, rng)
        v = float(dist[np.arange(n), c[a]].sum())
        if v < best_v - 1e-9 * max(1.0, abs(best_v)):
            centres, assign, best_v = c, a, v
    return centres, assign


def _descend(dist: np.ndarray, demand: np.ndarray, cap: np.ndarray, centres: np.ndarray, assign: np.ndarray,
             stale: np.ndarray, deadline: float, should_stop: Callable[[], bool], near: int, candidates: int,
             rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Vertex substitution with a local flow reassignment: swap centre j for one of the accounts near it,
    reassign the accounts of j's `near` nearest centres by flow; take the best swap that lowers their cost."""
    k, n = len(centres), len(dist)
    while time.monotonic() < deadline and not should_stop() and not stale.all():
        for j in rng.permutation(k):
            if stale[j]:
                continue
            if time.monotonic() > deadline or should_stop():
                break
            group = _nearest(dist[centres[j], centres], near)
            pts = _members(assign, group, k)
            is_centre = np.zeros(n, bool)
            is_centre[centres] = True
            pool = np.argsort(dist[pts, centres[j]])
            cand = [int(pts[c]) for c in pool if not is_centre[pts[c]]][:candidates]
            old = float(dist[pts, centres[assign[pts]]].sum())
            best: tuple[float, np.ndarray, np.ndarray] | None = None
            slot = int(np.flatnonzero(group == j)[0])
            order, bounds = candidates_by_bound(dist, pts, centres[group], slot, [int(centres[j])] + cand)
            for c, lb in zip(order, bounds, strict=True):
                bar = old if best is None else best[0]
                if lb >= bar - 1e-9 * max(1.0, abs(bar)):
                    break  # no capacitated assignment to these sites can beat the best one found
                sites = centres[group].copy()
                sites[slot] = c
                a = flow_assign(dist[np.ix_(pts, sites)], demand[pts], cap[sites], careful=False)
                if a is None:
                    continue
                v = float(dist[pts, sites[a]].sum())
                if v < old - 1e-9 * max(1.0, abs(old)) and (best is None or v < best[0]):
                    best = (v, a, sites)
            if best is None:
                stale[j] = True
                continue
            _, a, sites = best
            centres[group] = sites
            assign[pts] = group[a]
            for s in sites:
                stale[_nearest(dist[s, centres], near)] = False
    return centres, assign


def candidates_by_bound(dist: np.ndarray, pts: np.ndarray, sites: np.ndarray, slot: int, cands: list[int],
              ) -> tuple[list[int], list[float]]:
    """Candidates for `slot`, cheapest lower bound first: each account to its nearest site ignoring capacity.

    Why: a flow per candidate was ~90% of the swap search's time on p3038, and most candidates cannot win:
    when the uncapacitated cost of a candidate's sites is already no better than the best swap found (or
    than today's cost), its flow need not be solved.
    """
    d = dist[np.ix_(pts, sites)]
    others = np.delete(d, slot, axis=1)
    rest = others.min(axis=1) if others.shape[1] else np.full(len(pts), np.inf)
    lb = np.minimum(rest[:, None], dist[np.ix_(pts, np.asarray(cands, dtype=np.int64))]).sum(axis=0)
    order = np.argsort(lb, kind="stable")
    return [cands[i] for i in order], [float(lb[i]) for i in order]


def _nearest(row: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` smallest entries of `row`, nearest first (a partial sort: k is ~1,000)."""
    if count >= len(row):
        return np.argsort(row, kind="stable")
    part = np.argpartition(row, count - 1)[:count]
    return part[np.argsort(row[part], kind="stable")]


def _members(assign: np.ndarray, group: np.ndarray, k: int) -> np.ndarray:
    """Rows assigned to any centre of `group` (a mask lookup; np.isin sorts both arrays on every call)."""
    mask = np.zeros(k, bool)
    mask[group] = True
    return np.flatnonzero(mask[assign])
