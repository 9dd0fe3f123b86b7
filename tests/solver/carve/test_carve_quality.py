"""Carve (capacitated p-median) quality on generated instances whose optimum is known by construction.

Far-apart clusters whose sizes equal the capacity force one territory per cluster, so the optimum is the sum of
each cluster's best member as centre; a planner re-carving would expect exactly those territories.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from territory_desktop.solver.carve.pmedian_swap import candidates_by_bound, flow_assign, integer_demand
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.snapshot import Problem


def carve_problem(x: np.ndarray, y: np.ndarray, demand: np.ndarray, k: int, cap: float) -> Problem:
    n = len(x)
    return Problem(version=0, x=x, y=y, measures=demand[:, None].astype(np.float64), measure_names=("demand",),
                   bands=np.array([np.inf]), weights=np.ones(1), shares=np.ones(k),
                   centres=np.full((k, 2), np.nan), capacity=None, current=np.full(n, -1, np.int32),
                   baseline=np.full(n, -1, np.int32), movable=np.ones(n, bool), eligible=None,
                   territory_open=np.ones(k, bool), disruption_weight=0.0, compactness_weight=1.0,
                   capacity_column=0, distance="euclidean", mode="carve", site_capacity=np.full(n, cap))


def clusters(k: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """k clusters of `size` points, 1,000 apart, radius ~10; the optimum of their carve by construction."""
    rng = np.random.default_rng(seed)
    xs, ys, best = [], [], 0.0
    side = int(np.ceil(np.sqrt(k)))
    for c in range(k):
        cx, cy = 1000.0 * (c % side), 1000.0 * (c // side)
        px, py = cx + rng.normal(0, 10, size), cy + rng.normal(0, 10, size)
        d = np.hypot(px[:, None] - px[None, :], py[:, None] - py[None, :])
        best += float(d.sum(axis=0).min())
        xs.append(px)
        ys.append(py)
    order = rng.permutation(k * size)  # the solver must not rely on the input order
    return np.concatenate(xs)[order], np.concatenate(ys)[order], best


@pytest.mark.parametrize(("k", "size"), [(6, 20), (30, 10)])
def test_carve_reaches_the_known_optimum_with_capacities_tight(k: int, size: int) -> None:
    x, y, best = clusters(k, size, seed=k)
    sol = solve(carve_problem(x, y, np.ones(len(x)), k, float(size)), 4.0)
    assert sol.feasible and sol.in_band
    loads = np.bincount(sol.assignment, minlength=k)
    assert loads.max() <= size  # no territory over its capacity
    assert sol.objective <= best * 1.005


def test_flow_assignment_matches_brute_force_with_unequal_demands() -> None:
    rng = np.random.default_rng(3)
    n, k = 8, 3
    cost = rng.uniform(1, 100, (n, k))
    demand = rng.integers(1, 6, n).astype(float)
    cap = np.full(k, np.ceil(demand.sum() / k) + 1)
    dem, icap = integer_demand(demand, cap)
    got = flow_assign(cost, dem, icap)
    assert got is not None
    assert (np.bincount(got, weights=demand, minlength=k) <= cap).all()
    best = min(sum(cost[i, a[i]] for i in range(n)) for a in itertools.product(range(k), repeat=n)
               if (np.bincount(a, weights=demand, minlength=k) <= cap).all())
    # tight capacities (23 units in 27) and few accounts: the worst case for rounding the LP (it was +22%)
    assert cost[np.arange(n), got].sum() <= best * 1.10


def test_flow_assignment_says_so_when_capacities_cannot_hold() -> None:
    dem, cap = integer_demand(np.array([3.0, 3.0, 3.0]), np.array([4.0, 4.0]))
    assert flow_assign(np.ones((3, 2)), dem, cap) is None


def test_flow_assignment_with_room_everywhere_is_each_account_to_its_cheapest_centre() -> None:
    rng = np.random.default_rng(5)
    cost = rng.uniform(1, 100, (40, 5))
    dem, cap = integer_demand(np.ones(40), np.full(5, 40.0))
    got = flow_assign(cost, dem, cap)
    assert got is not None
    assert np.array_equal(got, cost.argmin(axis=1))


@pytest.mark.parametrize("seed", range(6))
def test_swap_pruning_bound_never_exceeds_the_capacitated_cost_of_a_candidate(seed: int) -> None:
    """The swap search skips a candidate centre whose bound is no better than the best swap found: the bound
    must be at or below the best capacitated assignment to that candidate's sites, or good swaps are lost."""
    rng = np.random.default_rng(seed)
    n, k = 7, 3
    pts_xy = rng.uniform(0, 100, (n + 4, 2))
    dist = np.hypot(*(pts_xy[:, None, :] - pts_xy[None, :, :]).transpose(2, 0, 1))
    pts = np.arange(n)
    sites = np.array([n, n + 1, n + 2])
    demand = rng.integers(1, 4, n + 4).astype(float)
    cap = np.full(n + 4, float(np.ceil(demand[:n].sum() / k) + 1))
    slot = int(rng.integers(k))
    cands = [n + 3, int(rng.integers(n))]
    order, bounds = candidates_by_bound(dist, pts, sites, slot, cands)
    assert bounds == sorted(bounds)
    for c, lb in zip(order, bounds, strict=True):
        trial = sites.copy()
        trial[slot] = c
        feasible = [a for a in itertools.product(range(k), repeat=n)
                    if (np.bincount(a, weights=demand[:n], minlength=k) <= cap[trial]).all()]
        best = min(sum(dist[i, trial[a[i]]] for i in range(n)) for a in feasible)
        assert lb <= best + 1e-9
