"""A change budget too small for the bands is said as such, never as a rules conflict (issue 18: "Not found
within the time" and "proven impossible" are different statements; a budget is neither)."""

from __future__ import annotations

import numpy as np

from territory_desktop.cli.solve_commands import SPECULATIVE
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.copilot.messages import BUDGET_HINT, is_budget_hint
from territory_desktop.solver.engine import explain_infeasibility, solve
from territory_desktop.solver.problem.from_plan import problem_from_plan
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.30, 0.5)), allow_pipeline_moves=True)


def lopsided_plan(locked: int = 0) -> Plan:
    """Four territories, T0 holding 70% of 300 accounts: far out of band, fixable only by moving ~100."""
    plan = make_plan(300, 4, seed=3)
    rng = np.random.default_rng(2)
    assignment = np.where(rng.random(300) < 0.7, 0, rng.integers(1, 4, 300))
    lock = np.zeros(300, dtype=bool)
    lock[np.flatnonzero(assignment == 0)[:locked]] = True
    return Plan(plan.accounts, plan.territories, assignment, locked=lock, settings=SETTINGS)


def test_a_tiny_budget_is_the_only_explanation_and_is_a_hint():
    plan = lopsided_plan()
    p = problem_from_plan(plan, max_moves=3)
    sol = solve(p, 1.0)
    assert not sol.in_band
    assert int(p.counted_moves(sol.assignment).sum()) <= 3  # the solver kept to the budget
    msgs = explain_infeasibility(p, [t.name for t in plan.territories])
    assert len(msgs) == 1 and is_budget_hint(msgs[0])
    assert "no rule conflict was found" in msgs[0] and "at most 3 accounts" in msgs[0]
    assert msgs[0].startswith(BUDGET_HINT) and msgs[0].startswith(SPECULATIVE)  # dock and CLI read it alike
    # without the budget the same plan can be balanced: the budget, not a rule, was what held it back
    free = problem_from_plan(plan)
    assert solve(free, 2.0).in_band
    assert explain_infeasibility(free, [t.name for t in plan.territories]) == []


def test_a_locked_conflict_is_named_and_never_blamed_on_the_budget():
    plan = lopsided_plan(locked=180)  # 180 of T0's accounts locked: T0 cannot get down to its band
    p = problem_from_plan(plan, max_moves=3)
    msgs = explain_infeasibility(p, [t.name for t in plan.territories])
    assert msgs and not any(is_budget_hint(m) for m in msgs)
    assert any(m.startswith("T0 cannot get down to") and "180 of its accounts cannot move" in m for m in msgs)


def test_a_carve_applies_no_budget_so_gets_no_budget_hint():
    plan = lopsided_plan()
    p = problem_from_plan(plan, mode="carve", max_moves=3)
    assert not any(is_budget_hint(m) for m in explain_infeasibility(p, [t.name for t in plan.territories]))
