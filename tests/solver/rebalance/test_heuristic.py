"""The greedy first answer: it balances a skewed plan that can be balanced, moving as few accounts as it can."""

from __future__ import annotations

import numpy as np

from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.problem.snapshot import evaluate
from territory_desktop.solver.rebalance.heuristic import greedy_solve
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.10, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.25, 0.5)), allow_pipeline_moves=True)


def _balanced_then_skewed(seed: int) -> tuple[Plan, np.ndarray]:
    """A plan with a known in-band assignment (largest first to the smallest book), started skewed."""
    base = make_plan(400, 5, seed)
    pot = base.accounts["potential"].to_numpy()
    deal = np.empty(base.n_accounts, dtype=np.int32)
    sums = np.zeros(base.n_territories)
    for i in np.argsort(-pot):
        deal[i] = int(np.argmin(sums))
        sums[deal[i]] += pot[i]
    skew = deal.copy()
    rng = np.random.default_rng(seed)
    skew[rng.random(base.n_accounts) < 0.4] = 0
    plan = Plan(base.accounts, base.territories, skew, settings=SETTINGS)
    return plan, deal


def test_greedy_brings_a_skewed_plan_into_band_when_one_exists():
    for seed in (1, 2, 3):
        plan, deal = _balanced_then_skewed(seed)
        p = problem_from_plan(plan)
        assert evaluate(p, deal).in_band          # a balanced plan exists
        assert not evaluate(p, p.current).in_band  # and we start far from it
        a = greedy_solve(p, time_limit=5.0)
        e = evaluate(p, a)
        assert e.in_band and e.feasible


def test_greedy_moves_fewer_accounts_than_a_rebuild():
    plan, deal = _balanced_then_skewed(4)
    p = problem_from_plan(plan)
    a = greedy_solve(p, time_limit=5.0)
    moved = int((a != p.current).sum())
    assert 0 < moved < int((deal != p.current).sum())


def test_greedy_leaves_a_balanced_plan_alone_when_only_disruption_counts():
    plan, deal = _balanced_then_skewed(5)
    balanced = Plan(plan.accounts, plan.territories, deal, settings=SETTINGS)
    p = problem_from_plan(balanced, compactness_weight=0.0)
    a = greedy_solve(p, time_limit=2.0)
    assert np.array_equal(a, p.current)


def test_locked_accounts_and_locked_territories_never_move():
    plan, _ = _balanced_then_skewed(6)
    plan.locked[:100] = True
    plan.territories[0].locked = True
    p = problem_from_plan(plan)
    a = greedy_solve(p, time_limit=2.0)
    assert np.array_equal(a[:100], p.current[:100])
    assert np.array_equal(a == 0, p.current == 0)
