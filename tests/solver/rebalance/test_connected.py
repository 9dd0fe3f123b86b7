"""Rebalancing a plan of map units with `keep_connected`: no returned plan cuts a territory (issue 18, item 4)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.edits import SetAdjacency, SetSettings
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.territory import Territory
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.contiguity import pieces_per_territory
from territory_desktop.solver.problem.from_plan import plan_adjacency, problem_from_plan
from territory_desktop.solver.problem.snapshot import evaluate


def county_grid(side: int, k: int, seed: int, heavy: float = 4.0) -> Plan:
    """side x side 'counties' (rook adjacency) in k vertical strips, the first strip's potential `heavy` times."""
    rng = np.random.default_rng(seed)
    n = side * side
    r, c = np.divmod(np.arange(n), side)
    strip = np.minimum(c * k // side, k - 1)
    pot = rng.uniform(50_000, 150_000, n) * np.where(strip == 0, heavy, 1.0)
    acc = accounts_frame({
        "account_id": [f"C{i:04d}" for i in range(n)], "name": [f"County {i}" for i in range(n)],
        "lat": 40 + 0.2 * r, "lon": -100 + 0.25 * c, "potential": pot.round(2), "pipeline": np.zeros(n),
        "segment": ["SMB"] * n, "industry": ["Retail"] * n,
    })
    terrs = [Territory(f"T{t}", rep=f"Rep {t}", home_lat=40 + 0.1 * side,
                       home_lon=-100 + 0.25 * (t + 0.5) * side / k) for t in range(k)]
    plan = Plan(acc, terrs, strip)
    ids = plan.ids
    right = np.flatnonzero(c + 1 < side)
    down = np.flatnonzero(r + 1 < side)
    a = np.concatenate([ids[right], ids[down]])
    b = np.concatenate([ids[right + 1], ids[down + side]])
    plan.apply(SetAdjacency(AccountAdjacency(a, b, "grid.csv")))
    return plan


def _pieces(plan: Plan, assignment: np.ndarray) -> np.ndarray:
    return pieces_per_territory(plan_adjacency(plan), assignment, plan.n_territories)


def test_the_co_pilot_rebalances_without_cutting_a_territory() -> None:
    plan = county_grid(12, 4, seed=1, heavy=1.8)
    problem = problem_from_plan(plan)
    assert problem.contiguous and problem.adjacency is not None
    start = evaluate(problem, plan.assignment)
    assert not start.in_band  # the first strip's counties are worth 1.8x the others
    sol = solve(problem, 5.0, prove_bound=False)
    assert (_pieces(plan, sol.assignment) == 1).all()
    end = evaluate(problem, sol.assignment)
    assert end.rule_breaks == 0
    assert end.in_band
    moved = int((sol.assignment != plan.assignment).sum())
    assert 0 < moved < plan.n_accounts // 4  # least disruption: the strips' borders shift, nothing is redrawn


def test_with_the_rule_off_the_plain_greedy_runs() -> None:
    plan = county_grid(12, 4, seed=1)
    from dataclasses import replace
    plan.apply(SetSettings(replace(plan.settings, keep_connected=False)))
    problem = problem_from_plan(plan)
    assert problem.adjacency is not None and not problem.contiguous


def test_locked_units_stay_and_unassigned_units_get_a_touching_territory() -> None:
    plan = county_grid(10, 3, seed=2)
    plan.locked[:10] = True
    plan.assignment[[55, 56]] = -1
    problem = problem_from_plan(plan)
    sol = solve(problem, 3.0, prove_bound=False)
    assert (sol.assignment[:10] == plan.assignment[:10]).all()
    assert (sol.assignment >= 0).all()
    assert (_pieces(plan, sol.assignment) == 1).all()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(side=st.integers(4, 9), k=st.integers(2, 4), seed=st.integers(0, 10_000),
       heavy=st.floats(1.0, 6.0))
def test_every_returned_plan_keeps_each_territory_whole(side: int, k: int, seed: int, heavy: float) -> None:
    plan = county_grid(side, k, seed, heavy)
    problem = problem_from_plan(plan)
    sol = solve(problem, 1.0, prove_bound=False)
    assert (_pieces(plan, sol.assignment) <= 1).all()
    assert evaluate(problem, sol.assignment).violation <= evaluate(problem, plan.assignment).violation + 1e-9


def test_each_suggestion_alone_and_all_together_keep_every_territory_whole() -> None:
    from territory_desktop.solver.copilot.suggestions import make_suggestions, suggestion_edit

    plan = county_grid(16, 4, seed=3, heavy=1.8)
    sol = solve(problem_from_plan(plan), 3.0, prove_bound=False)
    suggestions = make_suggestions(plan, sol.assignment, plan.version, budget=0.0)
    assert suggestions
    for s in suggestions:
        alone = plan.assignment.copy()
        alone[s.rows] = s.to_territory
        assert (_pieces(plan, alone) == 1).all(), s.reason
    plan.apply(suggestion_edit(suggestions))
    assert (_pieces(plan, plan.assignment) == 1).all()


def test_a_cut_territory_is_made_whole_and_the_suggestion_says_so() -> None:
    from territory_desktop.solver.copilot.suggestions import make_suggestions

    plan = county_grid(10, 2, seed=4, heavy=1.0)  # two strips, in band
    plan.assignment[0] = 1  # a corner county of the west strip given to the east: East is cut in two
    plan.kpis = type(plan.kpis).full(plan)
    assert sorted(_pieces(plan, plan.assignment)) == [1, 2]
    sol = solve(problem_from_plan(plan), 2.0, prove_bound=False)
    assert (_pieces(plan, sol.assignment) == 1).all()
    assert sol.assignment[0] == 0
    joins = [s for s in make_suggestions(plan, sol.assignment, plan.version, budget=0.0) if 0 in s.rows]
    assert len(joins) == 1 and joins[0].fixes
    assert joins[0].reason.startswith("Makes T1 one piece again: its cut-off part joins T0.")
