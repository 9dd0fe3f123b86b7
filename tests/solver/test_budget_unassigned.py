"""Giving an owner to an account that had none never uses the change budget (it is not disruption)."""

from __future__ import annotations

import numpy as np

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.from_plan import problem_from_plan
from tests.conftest import make_plan


def test_budget_counts_only_accounts_taken_from_an_owner():
    base = make_plan(n=300, k=4, seed=8)
    # 40 accounts without an owner at import: baseline -1
    assignment = base.assignment.copy()
    assignment[:40] = -1
    plan = Plan(base.accounts, base.territories, assignment)
    plan.apply(MoveAccounts(np.arange(40, 60), 0))  # make the plan unbalanced too
    problem = problem_from_plan(plan, max_moves=5)
    sol = solve(problem, time_limit=3.0)
    assert (sol.assignment[:40] >= 0).all(), "every account gets an owner"
    owned_moved = int(((sol.assignment != plan.baseline) & (plan.baseline >= 0)).sum())
    assert owned_moved <= max(5, int(((plan.assignment != plan.baseline) & (plan.baseline >= 0)).sum()))
    assert sol.feasible or "budget" in sol.message or not sol.in_band
