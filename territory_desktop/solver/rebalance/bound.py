"""A proven lower bound for a rebalance (territories and centres fixed): the Lagrangian bound
(`problem/lower_bound.py`) over account x territory costs — compactness plus disruption, as `evaluate` scores."""

from __future__ import annotations

import numpy as np

from territory_desktop.solver.problem.lower_bound import lagrangian_bound
from territory_desktop.solver.problem.snapshot import Problem, band_limits, evaluate

MAX_PAIRS = 2_000_000
"""Account x territory pairs the bound reads (5,000 x 25 takes ~10 ms a step)."""


def rebalance_bound_applies(p: Problem) -> bool:
    """Whether `rebalance_bound` can be sound and affordable (decided before the solve, so no time is kept for
    a bound that cannot come)."""
    return not (not p.active.all() or (p.groups is not None and len(np.unique(p.groups)) > 1)
                or (p.measures < 0).any() or p.n * p.k > MAX_PAIRS)


def rebalance_bound(p: Problem, assignment: np.ndarray, upper: float, time_limit: float) -> float | None:
    """A lower bound on the cost of every in-band plan, or None where one is not sound or affordable here.

    Sound when the band targets cannot move: one peer group (or none), every territory active, so the grand
    totals the targets are shares of are the same for every plan that assigns every free account."""
    k = p.k
    if not rebalance_bound_applies(p):
        return None
    free = p.free()
    rows = np.flatnonzero(free)
    e = evaluate(p, assignment)
    lo_all, hi_all = band_limits(p, e.targets)
    measure = _tightest(p)
    fixed = np.flatnonzero(~free & (p.current >= 0))
    fixed_cost = float(_costs(p, fixed, p.current[fixed]).sum()) if len(fixed) else 0.0
    if measure is None:
        weight, lo, hi = np.zeros(len(rows)), np.zeros(k), np.full(k, np.inf)
    else:
        vals = p.measures[:, measure]
        locked_tot = np.bincount(p.current[fixed], weights=vals[fixed], minlength=k) if len(fixed) else np.zeros(k)
        weight = vals[rows]
        lo, hi = lo_all[:, measure] - locked_tot, hi_all[:, measure] - locked_tot
        if (hi < -1e-9).any():
            return None  # locked accounts alone break a band: no in-band plan to bound
    terr = np.tile(np.arange(k), len(rows))
    cost = _costs(p, np.repeat(rows, k), terr).reshape(len(rows), k)
    allowed = p.allowed(np.repeat(rows, k), terr).reshape(len(rows), k)
    cost = np.where(allowed, cost, np.inf)
    got = lagrangian_bound(cost, weight, np.maximum(lo, 0.0), hi, None, upper - fixed_cost, time_limit)
    return None if got is None else got + fixed_cost


def _tightest(p: Problem) -> int | None:
    """The balanced measure with the narrowest band (its knapsack binds hardest); never a workload that depends
    on the territory's travel (the knapsack needs one weight per account)."""
    width = np.where(np.isfinite(p.bands), p.bands, np.inf) + np.where(np.isfinite(p.band_low), p.band_low, np.inf)
    if p.workload_column is not None and p.work_base is not None:
        width[p.workload_column] = np.inf
    if not np.isfinite(width).any():
        return None
    return int(np.argmin(width))


def _costs(p: Problem, rows: np.ndarray, terr: np.ndarray) -> np.ndarray:
    """What `evaluate` charges for account row in territory terr: weighted distance^q and disruption."""
    d = p.dist(rows, terr)
    cost = p.compactness_weight * p.cost_weight()[rows] * d ** p.q
    if p.disruption_weight:
        base = p.baseline[rows]
        cost = cost + p.disruption_weight * p.disruption_values()[rows] * ((terr != base) & (base >= 0))
    return cost
