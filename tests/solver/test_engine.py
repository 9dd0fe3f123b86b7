"""The engine's stream never breaks a hard rule, improves on the heuristic, and explains what cannot hold."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.engine import explain_infeasibility, solve, solve_stream
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.problem.snapshot import Problem, evaluate
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.30, 0.5)), allow_pipeline_moves=True)


def _random_problem(n: int, k: int, seed: int, mode: str = "rebalance") -> Problem:
    rng = np.random.default_rng(seed)
    eligible = rng.random((n, k)) < 0.7
    eligible[np.arange(n), rng.integers(0, k, n)] = True
    cur = rng.integers(-1, k, n).astype(np.int32)
    return Problem(
        version=1, x=rng.uniform(0, 100, n), y=rng.uniform(0, 100, n),
        measures=np.column_stack([rng.lognormal(0, 1, n), np.ones(n)]), measure_names=("potential", "accounts"),
        bands=np.array([0.1, 0.3]), weights=np.array([1.0, 0.5]), shares=rng.choice([1.0, 1.5], k),
        centres=rng.uniform(0, 100, (k, 2)), capacity=None, current=cur, baseline=rng.integers(0, k, n),
        movable=rng.random(n) < 0.8, eligible=eligible, territory_open=rng.random(k) < 0.8,
        disruption_weight=1.0, compactness_weight=0.01,
        max_moves=int(rng.integers(0, n)) if rng.random() < 0.5 else None,
        max_moved_share=float(rng.uniform(0, 0.5)) if rng.random() < 0.3 else None, budget_column=0,
        mode=mode,
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(5, 40), k=st.integers(2, 5), seed=st.integers(0, 10_000),
       mode=st.sampled_from(["rebalance", "carve"]))
def test_no_solution_breaks_a_hard_rule(n: int, k: int, seed: int, mode: str):
    p = _random_problem(n, k, seed, mode)
    stuck = ~p.free()
    closed = ~p.territory_open
    lim = p.move_limit()
    wlim = p.moved_share_limit()
    for sol in solve_stream(p, 0.4):
        a = sol.assignment
        assert np.array_equal(a[stuck], p.current[stuck]), "an unmovable account moved"
        mv = np.flatnonzero(a != p.current)
        assert (a[mv] >= 0).all()
        assert p.eligible[mv, a[mv]].all(), "an account went to a territory it is not eligible for"
        assert not closed[a[mv]].any(), "an account moved into a locked territory"
        assert not closed[p.current[mv][p.current[mv] >= 0]].any(), "an account left a locked territory"
        moved = a != p.baseline
        if lim is not None:
            assert moved.sum() <= lim
        if wlim is not None:
            assert p.measures[moved, 0].sum() <= wlim + 1e-6
        assert sol.feasible == evaluate(p, a).feasible


def test_first_answer_comes_fast_and_later_ones_are_no_worse():
    plan = make_plan(3000, 12, seed=3)
    plan.settings = SETTINGS
    p = problem_from_plan(plan)
    sols = list(solve_stream(p, 3.0))
    assert sols[0].elapsed < 1.5
    viol = [s.violation for s in sols]
    assert all(b <= a + 1e-9 for a, b in zip(viol, viol[1:], strict=False))


def test_small_problem_is_solved_to_a_proven_optimum():
    """22 points, 3 territories, one band: the exact model proves the best total distance."""
    rng = np.random.default_rng(7)
    n, k = 22, 3
    p = Problem(version=0, x=rng.uniform(0, 10, n), y=rng.uniform(0, 10, n), measures=np.ones((n, 1)),
                measure_names=("accounts",), bands=np.array([0.1]), weights=np.ones(1), shares=np.ones(k),
                centres=rng.uniform(0, 10, (k, 2)), capacity=None, current=np.zeros(n, np.int32),
                baseline=np.zeros(n, np.int32), movable=np.ones(n, bool), eligible=None,
                territory_open=np.ones(k, bool), disruption_weight=0.0, compactness_weight=1.0)
    sol = solve(p, 10.0)
    assert sol.status == "optimal" and sol.in_band and sol.bound is not None
    # brute force is out of reach, but no single move or swap can improve a proven optimum
    e = evaluate(p, sol.assignment)
    for i in range(n):
        for t in range(k):
            b = sol.assignment.copy()
            b[i] = t
            e2 = evaluate(p, b)
            assert not (e2.in_band and e2.cost < e.cost - 1e-9)


def test_locked_accounts_that_overfill_a_territory_are_named_in_the_message():
    plan = make_plan(200, 4, seed=1)
    plan.settings = SETTINGS
    plan.assignment[:120] = 0
    plan.locked[:120] = True
    plan = Plan(plan.accounts, plan.territories, plan.assignment, locked=plan.locked, settings=SETTINGS)
    p = problem_from_plan(plan)
    msgs = explain_infeasibility(p, [t.name for t in plan.territories])
    assert any(m.startswith("T0 cannot get down to") and "120 of its accounts cannot move" in m for m in msgs)
    sol = solve(p, 1.0)
    assert not sol.in_band and sol.feasible
    assert "out of band" in sol.message


def test_a_plan_without_conflicts_gets_no_conflict_message():
    plan = make_plan(200, 4, seed=2)
    plan.settings = SETTINGS
    p = problem_from_plan(plan)
    assert explain_infeasibility(p, [t.name for t in plan.territories]) == []


def test_accounts_no_open_territory_may_take_are_reported():
    plan = make_plan(60, 3, seed=5)
    plan.settings = SETTINGS
    p = problem_from_plan(plan, eligibility={"Enterprise": {"enterprise"}})
    n_ent = int((plan.accounts["segment"] == "Enterprise").sum())
    msgs = explain_infeasibility(p, [t.name for t in plan.territories])
    assert any(m.startswith(f"{n_ent:,} accounts have no territory they are eligible for") for m in msgs)


def test_one_account_no_open_territory_may_take_is_reported_in_the_singular():
    plan = make_plan(60, 3, seed=5)
    plan.settings = SETTINGS
    ent = np.flatnonzero((plan.accounts["segment"] == "Enterprise").to_numpy())
    assert len(ent) > 1
    plan.accounts.loc[plan.accounts.index[ent[1:]], "segment"] = "SMB"  # one Enterprise account is left
    p = problem_from_plan(plan, eligibility={"Enterprise": {"enterprise"}})
    msgs = explain_infeasibility(p, [t.name for t in plan.territories])
    assert any(m.startswith("1 account has no territory it is eligible for (") for m in msgs), msgs


def test_carve_mode_on_a_plan_keeps_every_rule():
    plan = make_plan(120, 4, seed=6)
    plan.settings = SETTINGS
    plan.locked[:10] = True
    plan.territories[3].locked = True
    p = problem_from_plan(plan, mode="carve")
    sols = list(solve_stream(p, 3.0))
    for sol in sols:
        a = sol.assignment
        assert (a >= 0).all() and sol.feasible
        assert np.array_equal(a[:10], plan.assignment[:10])                   # locked accounts stay
        assert np.array_equal(a == 3, plan.assignment == 3)                   # the locked territory too
        assert sol.centres is not None and np.isfinite(sol.centres).all()


def test_stopping_ends_the_stream_quickly():
    """The worker cancels through should_stop: the engine must notice within a fraction of a second."""
    import time

    plan = make_plan(3000, 12, seed=8)
    plan.settings = SETTINGS
    p = problem_from_plan(plan)
    stop_at = [float("inf")]
    stream = solve_stream(p, 30.0, lambda: time.monotonic() > stop_at[0])
    next(stream)
    stop_at[0] = time.monotonic() + 0.5
    for _ in stream:
        pass
    assert time.monotonic() - stop_at[0] < 1.0  # typically ~0.05 s; slack for a loaded CI machine


def test_no_time_is_kept_for_a_bound_that_cannot_be_proved(monkeypatch):
    """p3038 (9M account x centre pairs) gets no bound: keeping a tenth of its time for one cost quality."""
    import territory_desktop.solver.engine as engine
    from territory_desktop.solver.carve import bound as carve_bound

    limits: list[float] = []

    def stream(problem, time_limit, should_stop):  # noqa: ANN001, ANN202 - records what the search was given
        limits.append(time_limit)
        yield from solve_stream(problem, 0.5, should_stop)

    monkeypatch.setattr(engine, "solve_stream", stream)
    rng = np.random.default_rng(1)
    n, k = 60, 4
    p = Problem(version=0, x=rng.random(n), y=rng.random(n), measures=rng.integers(1, 9, (n, 1)).astype(float),
                measure_names=("demand",), bands=np.array([np.inf]), weights=np.ones(1), shares=np.ones(k),
                centres=np.full((k, 2), np.nan), capacity=None, current=np.full(n, -1, np.int32),
                baseline=np.full(n, -1, np.int32), movable=np.ones(n, bool), eligible=None,
                territory_open=np.ones(k, bool), disruption_weight=0.0, compactness_weight=1.0,
                capacity_column=0, distance="euclidean", mode="carve", site_capacity=np.full(n, 200.0))
    assert carve_bound.carve_bound_applies(p)
    solve(p, 20.0)
    monkeypatch.setattr(carve_bound, "MAX_PAIRS", 10)  # now the bound is out of reach for this problem
    solve(p, 20.0)
    assert limits == [18.0, 20.0]
