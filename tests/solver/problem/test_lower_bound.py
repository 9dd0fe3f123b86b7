"""The proven lower bound: never above the true optimum (brute force on small instances), close to it where the
relaxation is tight, and None where it would not be sound."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.solver.carve.bound import carve_bound
from territory_desktop.solver.engine import gap, solve
from territory_desktop.solver.problem.lower_bound import knapsack_values, lagrangian_bound
from territory_desktop.solver.problem.snapshot import Problem, evaluate
from territory_desktop.solver.rebalance.bound import rebalance_bound


def _carve(x, y, demand, k, band=np.inf, cap=None) -> Problem:
    n = len(x)
    return Problem(version=0, x=np.asarray(x, float), y=np.asarray(y, float), measures=np.asarray(demand, float)[:, None],
                   measure_names=("demand",), bands=np.array([band]), weights=np.ones(1), shares=np.ones(k),
                   centres=np.full((k, 2), np.nan), capacity=None, current=np.full(n, -1, np.int32),
                   baseline=np.full(n, -1, np.int32), movable=np.ones(n, bool), eligible=None,
                   territory_open=np.ones(k, bool), disruption_weight=0.0, compactness_weight=1.0,
                   capacity_column=0, mode="carve", site_capacity=cap)


def _brute_carve(p: Problem, k: int, band: float, cap: np.ndarray | None) -> float:
    """The optimum by enumeration: every choice of k centres, every assignment of the points to them."""
    pts = np.column_stack([p.x, p.y])
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    dem = p.measures[:, 0]
    target = dem.sum() / k
    best = np.inf
    for centres in itertools.combinations(range(p.n), k):
        for assign in itertools.product(range(k), repeat=p.n):
            a = np.array(assign)
            tot = np.bincount(a, weights=dem, minlength=k)
            if np.isfinite(band) and ((tot > target * (1 + band) + 1e-9) | (tot < target * (1 - band) - 1e-9)).any():
                continue
            if cap is not None and (tot > cap[list(centres)] + 1e-9).any():
                continue
            best = min(best, float(d[np.arange(p.n), np.array(centres)[a]].sum()))
    return best


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.1, 0.3, np.inf]), st.booleans())
def test_the_bound_never_exceeds_the_optimum(seed, band, capacitated):
    rng = np.random.default_rng(seed)
    n, k = 6, 2
    x, y = rng.uniform(0, 10, n), rng.uniform(0, 10, n)
    dem = rng.integers(1, 6, n).astype(float)
    cap = np.full(n, dem.sum() * 0.6) if capacitated else None
    p = _carve(x, y, dem, k, band, cap)
    opt = _brute_carve(p, k, band, cap)
    if not np.isfinite(opt):
        return  # no plan keeps the rules: nothing to bound
    b = carve_bound(p, opt, 2.0)
    assert b is not None
    assert b <= opt + 1e-6 * max(1.0, opt)


def test_the_bound_is_close_on_an_easy_instance():
    """Four tight clusters of three, four centres: the relaxation is exact, so the bound meets the plan."""
    rng = np.random.default_rng(3)
    centres = np.array([[0, 0], [100, 0], [0, 100], [100, 100]], dtype=float)
    pts = np.repeat(centres, 3, axis=0) + rng.normal(0, 1, (12, 2))
    p = _carve(pts[:, 0], pts[:, 1], np.ones(12), 4, band=0.01)
    sol = solve(p, 3.0)
    assert sol.in_band and sol.bound is not None
    assert sol.bound <= sol.objective + 1e-9
    assert gap(sol) < 0.02


def test_fractional_knapsack_takes_the_best_ratio_first_and_fills_a_floor():
    reduced = np.array([[-4.0], [-3.0], [2.0], [1.0]])
    weight = np.array([2.0, 1.0, 1.0, 1.0])
    value, x = knapsack_values(reduced, weight, lo=np.array([0.0]), hi=np.array([2.0]))
    # ratios -2, -3: row 1 whole (weight 1), then half of row 0 (weight 1 of 2)
    assert value[0] == -3.0 - 2.0 and np.allclose(x[:, 0], [0.5, 1.0, 0.0, 0.0])
    value, x = knapsack_values(reduced, weight, lo=np.array([4.0]), hi=np.array([5.0]))
    # both paying rows (weight 3), then the cheapest costing one (row 3, ratio 1) to reach the floor of 4
    assert value[0] == -4.0 - 3.0 + 1.0 and np.allclose(x[:, 0], [1.0, 1.0, 0.0, 1.0])
    value, _ = knapsack_values(reduced, weight, lo=np.array([9.0]), hi=np.array([10.0]))
    assert np.isinf(value[0])  # the floor cannot be reached


def test_an_assignment_problem_is_bounded_exactly():
    """No limits and every column open: the bound is the sum of each row's cheapest column (the optimum)."""
    rng = np.random.default_rng(0)
    cost = rng.uniform(0, 10, (30, 4))
    b = lagrangian_bound(cost, np.zeros(30), np.zeros(4), np.full(4, np.inf), None, cost.max(axis=1).sum(), 2.0)
    assert b is not None and abs(b - cost.min(axis=1).sum()) < 1e-3 * cost.min(axis=1).sum()


def _rebalance(n=40, k=3, seed=1, band=0.2) -> tuple[Problem, np.ndarray]:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 100, n), rng.uniform(0, 100, n)
    cur = rng.integers(0, k, n).astype(np.int32)
    p = Problem(version=0, x=x, y=y, measures=rng.uniform(1, 5, (n, 1)), measure_names=("potential",),
                bands=np.array([band]), weights=np.ones(1), shares=np.ones(k),
                centres=rng.uniform(0, 100, (k, 2)), capacity=None, current=cur, baseline=cur.copy(),
                movable=np.ones(n, bool), eligible=None, territory_open=np.ones(k, bool), disruption_weight=1.0,
                compactness_weight=0.1, mode="rebalance")
    return p, cur


def test_a_rebalance_bound_is_below_every_in_band_plan_the_search_finds():
    p, _cur = _rebalance()
    sol = solve(p, 3.0)
    assert sol.in_band and sol.bound is not None
    assert sol.bound <= sol.objective + 1e-9
    # and below random in-band plans too
    rng = np.random.default_rng(2)
    b = rebalance_bound(p, sol.assignment, sol.objective, 2.0)
    for _ in range(300):
        a = rng.integers(0, p.k, p.n)
        e = evaluate(p, a)
        if e.in_band:
            assert b <= e.cost + 1e-9


def test_no_bound_where_it_would_not_be_sound():
    p, cur = _rebalance()
    p.groups = np.array([0, 1, 1])  # two peer groups: the targets can move with the plan
    assert rebalance_bound(p, cur, 1e9, 1.0) is None
    c = _carve(np.arange(5.0), np.zeros(5), np.ones(5), 2)
    c.movable[0] = False  # a locked account
    assert carve_bound(c, 10.0, 1.0) is None
