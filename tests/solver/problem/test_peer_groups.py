"""Territories are balanced among peers: the solver compares and moves accounts within a rep role."""

from __future__ import annotations

import numpy as np

from territory_desktop.core.edits import UpdateTerritory
from territory_desktop.core.kpis import deviations, measure_totals, peer_groups
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.problem.snapshot import evaluate
from tests.conftest import make_plan


def _two_role_plan():
    plan = make_plan(n=600, k=6, seed=11)
    for k in range(6):
        plan.apply(UpdateTerritory(k, {"role": "Enterprise AE" if k < 2 else "SMB AE", "capacity_hours": 1e6}))
    return plan


def test_solver_targets_match_the_core_peer_means():
    plan = _two_role_plan()
    problem = problem_from_plan(plan)
    ev = evaluate(problem, plan.assignment)
    col = problem.measure_names.index("potential")
    core_dev = deviations(measure_totals(plan, "potential"), np.ones(6), peer_groups(plan, np.arange(6)))
    assert np.allclose(ev.deviation[:, col], core_dev, atol=1e-9)


def test_solutions_keep_accounts_within_their_role_and_balance_each_role():
    plan = _two_role_plan()
    before = plan.assignment.copy()
    sol = solve(problem_from_plan(plan), time_limit=3.0)
    groups = peer_groups(plan, np.arange(6))
    moved = np.flatnonzero(sol.assignment != before)
    assert len(moved) > 0
    assert np.array_equal(groups[sol.assignment[moved]], groups[before[moved]])
    assert sol.in_band
