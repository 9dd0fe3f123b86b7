"""Suggestions: never break a hard rule, add up to exactly the solver's plan, predict what the panel will show."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts, RemoveTerritory, UpdateTerritory
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.copilot.suggestions import make_suggestions, movable_mask, suggestion_edit
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.from_plan import problem_from_plan
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.30, 0.5)), allow_pipeline_moves=True)


def _random_rules(plan: Plan, rng: np.random.Generator) -> None:
    """Lock, name and remove at random, the way a planner's plan looks after a while."""
    if plan.n_territories >= 2 and rng.random() < 0.3:
        plan.apply(RemoveTerritory(plan.n_territories - 1, to=0))
    plan.locked[:] = rng.random(plan.n_accounts) < 0.2
    plan.named = rng.random(plan.n_accounts) < 0.1
    for t in plan.territories:
        t.locked = bool(rng.random() < 0.25)
    plan.settings = BalanceSettings(allow_pipeline_moves=bool(rng.random() < 0.5))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 60), k=st.integers(1, 5), seed=st.integers(0, 100_000),
       max_group=st.integers(1, 5))
def test_no_suggestion_breaks_a_hard_rule(n: int, k: int, seed: int, max_group: int):
    plan = make_plan(n, k, seed=seed)
    rng = np.random.default_rng(seed)
    _random_rules(plan, rng)
    solution = rng.integers(-1, k, n)  # a careless "solver": proposes anything, rules or not
    pipe = plan.accounts["pipeline"].to_numpy(float)
    suggestions = make_suggestions(plan, solution, plan.version, max_group=max_group, min_gain=0, budget=0)
    seen: set[int] = set()
    for s in suggestions:
        rows = s.rows
        assert 1 <= len(rows) <= max_group
        assert not seen & set(rows.tolist()), "an account is in two suggestions"
        seen |= set(rows.tolist())
        assert (plan.assignment[rows] == s.from_territory).all()
        assert (solution[rows] == s.to_territory).all()
        assert not plan.locked[rows].any(), "a locked account would move"
        assert not plan.named[rows].any(), "a named account would move"
        target = plan.territories[s.to_territory]
        assert s.to_territory >= 0 and not target.locked and not target.removed
        assert s.from_territory < 0 or not plan.territories[s.from_territory].locked
        if not plan.settings.allow_pipeline_moves:
            assert not (pipe[rows] > 0).any(), "an account with open pipeline would move"
        assert s.reason and s.version == plan.version
    # everything allowed is offered: accepting all lands every allowed move of the solution
    if suggestions:
        plan.apply(suggestion_edit(suggestions))
        wanted = np.flatnonzero(solution != plan.assignment)
        assert not movable_mask(plan, wanted, solution[wanted]).any()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 80), k=st.integers(2, 5), seed=st.integers(0, 100_000))
def test_accepting_all_yields_a_rule_abiding_solution_exactly_and_undo_restores(n: int, k: int, seed: int):
    plan = make_plan(n, k, seed=seed)
    rng = np.random.default_rng(seed + 1)
    _random_rules(plan, rng)
    solution = plan.assignment.copy()
    proposed = rng.integers(0, k, n)
    ok = movable_mask(plan, np.arange(n), proposed)
    solution[ok] = proposed[ok]
    before, kpis_before = plan.assignment.copy(), KpiState.full(plan)
    suggestions = make_suggestions(plan, solution, plan.version, min_gain=0, budget=0)
    if not suggestions:
        assert np.array_equal(solution, plan.assignment)
        return
    inverse = plan.apply(suggestion_edit(suggestions))
    assert np.array_equal(plan.assignment, solution)
    plan.apply(inverse)
    assert np.array_equal(plan.assignment, before) and plan.kpis.equals(kpis_before)


def test_accepting_all_yields_the_solvers_plan():
    plan = make_plan(600, 6, seed=11)
    plan.settings = SETTINGS
    plan.locked[::7] = True
    sol = solve(problem_from_plan(plan), 2.0)
    suggestions = make_suggestions(plan, sol.assignment, plan.version, min_gain=0, budget=0)
    assert len(suggestions) > 1
    plan.apply(suggestion_edit(suggestions))
    assert np.array_equal(plan.assignment, sol.assignment)


@pytest.mark.parametrize("roles", [("", "", "", "", ""), ("SMB", "ENT", "SMB", "ENT", "SMB")])
def test_predicted_deltas_are_what_the_territory_table_shows_after_accepting(roles):
    plan = make_plan(500, 5, seed=2)
    plan.settings = SETTINGS
    for t, role in zip(plan.territories, roles, strict=True):
        t.role = role  # peers are compared within a role when the core balances by role
    sol = solve(problem_from_plan(plan), 1.0)
    for s in make_suggestions(plan, sol.assignment, plan.version)[:6]:
        plan2 = make_plan(500, 5, seed=2)
        plan2.settings = SETTINGS
        for t, role in zip(plan2.territories, roles, strict=True):
            t.role = role
        plan2.apply(suggestion_edit([s]))
        table = kpis.territory_table(plan2)
        for d in s.deltas:
            col = "accounts" if d.measure == ACCOUNTS else d.measure
            assert table.loc[d.territory, col] == pytest.approx(d.after, rel=1e-12)
            assert table.loc[d.territory, f"dev_{d.measure}"] == pytest.approx(d.dev_after, abs=1e-9)


def test_the_best_suggestion_relieves_the_overloaded_territory_first():
    plan = make_plan(300, 4, seed=5)
    plan.settings = SETTINGS
    west = plan.territory_index("T0")
    rows = np.flatnonzero(plan.assignment != west)[:120]
    plan.apply(MoveAccounts(rows, west))  # T0 now holds far more than its share
    sol = solve(problem_from_plan(plan), 1.0)
    suggestions = make_suggestions(plan, sol.assignment, plan.version)
    top = suggestions[0]
    assert top.from_territory == west and top.improvement > 0
    assert top.reason.startswith("Brings T0 from +") and "potential" in top.reason
    assert suggestions[-1].score <= top.score


def test_groups_are_small_and_share_their_from_and_to():
    plan = make_plan(400, 3, seed=8)
    plan.settings = SETTINGS
    solution = np.where(plan.assignment == 0, 1, plan.assignment)  # every T0 account to T1
    suggestions = make_suggestions(plan, solution, plan.version, max_group=5, min_gain=0, budget=0)
    n0 = int((plan.assignment == 0).sum())
    assert sum(s.n_accounts for s in suggestions) == n0
    assert all(1 <= s.n_accounts <= 5 and (s.from_territory, s.to_territory) == (0, 1) for s in suggestions)


def test_suggestions_go_stale_after_an_edit_and_rejected_moves_are_not_offered_again():
    plan = make_plan(200, 3, seed=9)
    plan.settings = SETTINGS
    solution = np.where(plan.assignment == 0, 1, plan.assignment)
    suggestions = make_suggestions(plan, solution, plan.version, min_gain=0, budget=0)
    assert not suggestions[0].is_stale(plan)
    plan.apply(UpdateTerritory(2, {"name": "East"}))
    assert all(s.is_stale(plan) for s in suggestions)
    again = make_suggestions(plan, solution, plan.version, rejected=set(suggestions[0].moves()), min_gain=0)
    offered = set(np.concatenate([s.rows for s in again]).tolist())
    assert not offered & set(suggestions[0].rows.tolist())
    assert again[0].version == plan.version


def test_a_solution_of_another_plan_is_refused_clearly():
    plan = make_plan(50, 3)
    with pytest.raises(ValueError, match="has 49 accounts but the plan has 50"):
        make_suggestions(plan, np.zeros(49, dtype=np.int32), plan.version)
    with pytest.raises(ValueError, match="no suggestions"):
        suggestion_edit([])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_accept_all_no_suggestion_reshuffles_in_band_books_for_a_small_gain(seed):
    """The churn the playbook warns about: once the solver's suggestions are taken, a second round may only
    move accounts between two in-band, within-capacity territories when the gain clears the threshold."""
    from territory_desktop.solver.engine import solve
    from territory_desktop.solver.problem.from_plan import problem_from_plan

    plan = make_plan(500, 5, seed=seed)
    first = make_suggestions(plan, solve(problem_from_plan(plan), 2.0).assignment, plan.version)
    if first:
        plan.apply(suggestion_edit(first))
    again = make_suggestions(plan, solve(problem_from_plan(plan), 2.0).assignment, plan.version)
    table = kpis.territory_table(plan)
    fine = set(table.index[table["in_band"] & ~table["over_capacity"]].tolist())
    gain = plan.settings.copilot_min_gain
    for s in again:
        if s.from_territory in fine and s.to_territory in fine:
            assert s.improvement >= gain * s.n_accounts, s.reason


def test_with_no_threshold_every_move_of_the_solver_is_offered():
    plan = make_plan(300, 4, seed=6)
    solution = np.roll(plan.assignment, 3)
    all_moves = sum(s.n_accounts for s in make_suggestions(plan, solution, plan.version, min_gain=0, budget=0))
    rows = np.flatnonzero(solution != plan.assignment)
    assert all_moves == int(movable_mask(plan, rows, solution[rows]).sum()) > 0
    assert sum(s.n_accounts for s in make_suggestions(plan, solution, plan.version)) <= all_moves
