"""A proven lower bound for a carve (centres chosen among the accounts): the Lagrangian bound of the capacitated
p-median with balance limits (`problem/lower_bound.py`), over every account as a candidate centre."""

from __future__ import annotations

import numpy as np

from territory_desktop.solver.carve.pmedian import _bands, _demand_and_capacity, site_distance
from territory_desktop.solver.problem.lower_bound import lagrangian_bound
from territory_desktop.solver.problem.snapshot import Problem

MAX_PAIRS = 1_200_000
"""Account x candidate-centre pairs the bound reads (a few ms per step up to here; p3038's 9M are skipped)."""


def carve_bound_applies(p: Problem) -> bool:
    """Whether `carve_bound` can say anything: not with locked accounts or territories, eligibility rules,
    peer groups, negative measures, or too many pairs (decided before the solve, so no time is kept for a
    bound that cannot come)."""
    k = int((p.active & p.territory_open).sum())
    return not (not p.free().all() or k != p.k or p.eligible is not None or k == 0
                or (p.groups is not None and len(np.unique(p.groups)) > 1) or (p.measures < 0).any()
                or p.n * p.n > MAX_PAIRS)


def carve_bound(p: Problem, upper: float, time_limit: float) -> float | None:
    """A lower bound on the carve's cost, or None where one is not sound or not affordable here (see
    `carve_bound_applies`)."""
    if not carve_bound_applies(p):
        return None
    k = int((p.active & p.territory_open).sum())
    dist = site_distance(p, np.arange(p.n)) * p.compactness_weight
    demand, cap = _demand_and_capacity(p)
    bands = _bands(p, k)
    if np.isfinite(cap).any():
        weight, lo, hi = demand, np.zeros(p.n), cap.astype(np.float64)
        for vals, blo, bhi in bands:  # a band on the capacity's own measure tightens the same knapsack
            if np.array_equal(vals, demand):
                lo, hi = np.maximum(lo, blo), np.minimum(hi, bhi)
    elif bands:
        vals, blo, bhi = bands[0]
        weight, lo, hi = vals, np.full(p.n, max(blo, 0.0)), np.full(p.n, bhi)
    else:
        weight, lo, hi = np.zeros(p.n), np.zeros(p.n), np.full(p.n, np.inf)
    return lagrangian_bound(dist, weight, lo, hi, k, upper, time_limit)
