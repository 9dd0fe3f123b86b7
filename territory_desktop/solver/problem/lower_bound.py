"""A proven lower bound on the best plan's cost: Lagrangian relaxation of "every account in exactly one territory".

Relaxing that constraint with a price u_i per account leaves one small problem per territory (or candidate
centre): take the accounts whose cost c_ij - u_i is negative, best ratio first, within the territory's limits on
one measure (its band, or its capacity) — a fractional knapsack, solved exactly by sorting. For any prices,
Σ u_i + the best k of those per-territory values is a lower bound on every plan that keeps the limits
(weak duality); subgradient steps on u raise it. Dropping constraints (other measures, change budgets) keeps it
a bound, only a weaker one. With the knapsacks fractional, the best bound equals the LP relaxation's.

Why this and not the LP: one step is a sort of the cost table (a few ms for 400 x 400), so a bound arrives in a
second or two on the instances a planner solves, and the search keeps nearly all its time.
"""

from __future__ import annotations

import time

import numpy as np


def knapsack_values(reduced: np.ndarray, weight: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Per column j: min Σ_i reduced[i, j]·x_i over 0 ≤ x ≤ 1 with lo[j] ≤ Σ weight_i·x_i ≤ hi[j].

    Returns (value per column, x as an (n, m) array); a column whose lower limit cannot be reached gets +inf.
    """
    n, m = reduced.shape
    w = np.asarray(weight, dtype=np.float64)
    free = w <= 0  # weightless accounts: taken when they pay, left when they cost
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(free[:, None], np.where(reduced < 0, -np.inf, np.inf),
                         reduced / np.where(free, 1.0, w)[:, None])
    order = np.argsort(ratio, axis=0, kind="stable")
    rs = np.take_along_axis(reduced, order, axis=0)
    ws = w[order]
    before = np.cumsum(ws, axis=0) - ws
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(ws > 0, (hi[None, :] - before) / np.where(ws > 0, ws, 1.0), 1.0)
        down = np.where(ws > 0, (lo[None, :] - before) / np.where(ws > 0, ws, 1.0), 0.0)
    neg = rs < 0
    x_sorted = np.where(neg, np.clip(up, 0.0, 1.0), 0.0)
    reached = (ws * x_sorted).sum(axis=0)
    short = reached < lo - 1e-9
    if short.any():  # the band's floor needs paying accounts too: the cheapest per unit, in order
        extra = np.where(~neg & (ws > 0), np.clip(down, 0.0, 1.0), 0.0)
        x_sorted = np.where(short[None, :], np.maximum(x_sorted, extra), x_sorted)
    value = (rs * x_sorted).sum(axis=0)
    value[w.sum() < lo - 1e-9] = np.inf
    x = np.empty_like(x_sorted)
    np.put_along_axis(x, order, x_sorted, axis=0)
    return value, x


def lagrangian_bound(cost: np.ndarray, weight: np.ndarray, lo: np.ndarray, hi: np.ndarray, open_count: int | None,
                     upper: float, time_limit: float, iterations: int = 400) -> float | None:
    """Lower bound on min Σ cost[i, j]·x_ij with every row assigned once, columns' weight totals within [lo, hi],
    and exactly `open_count` columns used (None: all columns are territories that exist).

    `upper` is the cost of a known plan (steers the step size); the bound is never above the true optimum.
    Returns None when no step finished in the time (or the costs are not finite where they must be).
    """
    n, m = cost.shape
    if n == 0 or m == 0:
        return 0.0
    big = np.isfinite(cost)
    if not big.any(axis=1).all():
        return None  # an account that can go nowhere: no finite bound
    c = np.where(big, cost, np.nanmax(np.where(big, cost, -np.inf)) * 10 + 1e9)
    deadline = time.monotonic() + time_limit
    u = np.sort(c, axis=1)[:, min(1, m - 1)].copy()  # start: each account's second-cheapest option
    best: float | None = None
    step, stall = 2.0, 0
    for _ in range(iterations):
        if time.monotonic() > deadline:
            break
        vals, x = knapsack_values(c - u[:, None], weight, lo, hi)
        chosen = np.arange(m) if open_count is None else np.argsort(vals, kind="stable")[:open_count]
        if not np.isfinite(vals[chosen]).all():
            return best
        bound = float(u.sum() + vals[chosen].sum())
        if best is None or bound > best + 1e-9 * max(1.0, abs(best)):
            best, stall = bound, 0
        else:
            stall += 1
            if stall >= 15:
                step, stall = step / 2, 0
                if step < 1e-4:
                    break
        g = 1.0 - x[:, chosen].sum(axis=1)
        norm = float(g @ g)
        if norm < 1e-12:
            break  # the relaxed plan assigns everyone once: the bound is the LP optimum
        gap = max(upper - bound, 1e-6 * max(1.0, abs(upper)))
        u = u + step * gap / norm * g
    return best
