"""The plan's eligibility rules bind the solver and the suggestions as they bind a hand move."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.copilot.suggestions import make_suggestions, suggestion_edit
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.from_plan import problem_from_plan
from tests.conftest import make_plan

ROLES = ("Enterprise AE", "Enterprise AE", "SMB AE", "SMB AE", "SMB AE", "SMB AE")
SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.10, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.20, 0.5)), allow_pipeline_moves=True,
                           balance_within_role=False)


def ruled_plan(n: int, seed: int, within_role: bool) -> Plan:
    """Six territories, two of them Enterprise AEs holding most accounts (so the solver wants to move some out);
    Enterprise accounts only to Enterprise AEs."""
    rand = make_plan(n, len(ROLES), seed=seed)
    rng = np.random.default_rng(seed)
    start = rng.choice(len(ROLES), n, p=[0.3, 0.3, 0.1, 0.1, 0.1, 0.1]).astype(np.int32)
    plan = Plan(rand.accounts, rand.territories, start)
    for t, role in zip(plan.territories, ROLES, strict=True):
        t.role = role
    cfg = SETTINGS.with_eligibility({"Enterprise": ["Enterprise AE"]})
    plan.settings = replace(cfg, balance_within_role=within_role)
    return plan


def enterprise(plan: Plan) -> np.ndarray:
    return plan.accounts["segment"].to_numpy(dtype=object) == "Enterprise"


def test_the_problem_takes_the_rule_from_the_plan_and_keeps_misplaced_accounts_fixable():
    plan = ruled_plan(300, seed=4, within_role=True)
    ent = enterprise(plan)
    p = problem_from_plan(plan)
    smb_terr = np.array([r == "SMB AE" for r in ROLES])
    assert p.eligible is not None
    assert not p.eligible[np.ix_(ent, smb_terr)].any()
    # an Enterprise account the planner left with an SMB rep may go to an Enterprise AE (not stranded)
    misplaced = ent & smb_terr[plan.assignment]
    assert misplaced.any()
    assert p.eligible[np.ix_(misplaced, ~smb_terr)].all()
    # an explicit argument still overrides the plan's rule: without rules, peers only
    free = problem_from_plan(plan, eligibility={}).eligible
    assert free is not None and free[np.ix_(misplaced, smb_terr)].all()


def test_the_solvers_plan_and_its_suggestions_keep_enterprise_accounts_off_smb_reps():
    plan = ruled_plan(400, seed=9, within_role=False)
    ent = enterprise(plan)
    smb_terr = np.array([r == "SMB AE" for r in ROLES])
    sol = solve(problem_from_plan(plan), 2.0)
    moved = sol.assignment != plan.assignment
    assert moved.any(), "an unbalanced random plan should give the solver something to do"
    assert not (moved & ent & smb_terr[sol.assignment]).any()
    suggestions = make_suggestions(plan, sol.assignment, plan.version, min_gain=0, budget=0)
    plan.apply(suggestion_edit(suggestions))                      # core's check agrees with every suggestion
    assert np.array_equal(plan.assignment, sol.assignment)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 50), k=st.integers(1, 5), seed=st.integers(0, 100_000))
def test_a_careless_solution_never_yields_a_suggestion_core_would_refuse(n: int, k: int, seed: int):
    rng = np.random.default_rng(seed)
    plan = make_plan(n, k, seed=seed)
    role_names = ["", "SMB AE", "Mid-Market AE", "Enterprise AE"]
    for t in plan.territories:
        t.role = str(rng.choice(role_names))
    rules = {seg: [r for r in role_names[1:] if rng.random() < 0.5]
             for seg in ("SMB", "Mid-Market", "Enterprise") if rng.random() < 0.7}
    plan.settings = BalanceSettings(allow_pipeline_moves=True).with_eligibility(rules)
    solution = rng.integers(-1, k, n)
    for s in make_suggestions(plan, solution, plan.version, min_gain=0, budget=0):
        try:
            plan.check_movable(s.rows, s.to_territory)
        except EditRefused as exc:
            raise AssertionError(f"suggestion breaks a rule: {exc}") from exc
        role = plan.territories[s.to_territory].role
        for seg in plan.accounts["segment"].iloc[s.rows]:
            allowed = plan.settings.allowed_roles(seg)
            assert not role or allowed is None or role in allowed
    # and every move the rule allows is still offered (the check is not simply "offer nothing")
    offered = {int(r) for s in make_suggestions(plan, solution, plan.version, min_gain=0, budget=0) for r in s.rows}
    for r in np.flatnonzero((solution >= 0) & (solution != plan.assignment)):
        try:
            plan.check_movable(np.array([r]), int(solution[r]))
        except EditRefused:
            continue
        if not plan.named[r]:
            assert int(r) in offered


def test_a_rule_added_after_solving_filters_the_stale_solution():
    plan = ruled_plan(200, seed=2, within_role=False)
    plan.settings = replace(plan.settings, eligibility=())
    smb_terr = np.array([r == "SMB AE" for r in ROLES])
    ent_rows = np.flatnonzero(enterprise(plan) & ~smb_terr[plan.assignment])
    solution = plan.assignment.copy()
    solution[ent_rows] = 2                                             # all to an SMB rep
    assert len(make_suggestions(plan, solution, plan.version, min_gain=0, budget=0)) > 0
    plan.settings = plan.settings.with_eligibility({"Enterprise": ["Enterprise AE"]})
    assert make_suggestions(plan, solution, plan.version, min_gain=0, budget=0) == []
    try:
        plan.apply(MoveAccounts(ent_rows[:1], 2))
    except EditRefused:
        pass
    else:
        raise AssertionError("core let an Enterprise account go to an SMB rep")
