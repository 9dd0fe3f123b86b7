"""The co-pilot dock words a change budget too small for the bands as a limit, with how to raise it, and keeps
"Rules conflict" for rules that really conflict. The whole loop runs: plan → SolverClient → the real solver
process → the dock's words."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.ui.copilot.solver_client import SolverClient
from territory_desktop.ui.copilot.suggestions_dock import BUDGET_WORD, STATE_WORDS, SuggestionsDock
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.30, 0.5)), allow_pipeline_moves=True)


def lopsided_plan(budget: float, locked: int = 0) -> Plan:
    """T0 holds 70% of 300 accounts: bringing it into band takes ~100 moves."""
    plan = make_plan(300, 4, seed=3)
    rng = np.random.default_rng(2)
    assignment = np.where(rng.random(300) < 0.7, 0, rng.integers(1, 4, 300))
    lock = np.zeros(300, dtype=bool)
    lock[np.flatnonzero(assignment == 0)[:locked]] = True
    return Plan(plan.accounts, plan.territories, assignment, locked=lock,
                settings=replace(SETTINGS, copilot_change_budget=budget))


@pytest.fixture
def run_dock(qtbot):
    made: list[SolverClient] = []

    def run(plan: Plan) -> SuggestionsDock:
        client = SolverClient(plan, debounce_ms=10, time_limit=1.5)
        made.append(client)
        dock = SuggestionsDock(plan, PlanController(plan).apply, client, Selection())
        qtbot.addWidget(dock)
        dock.resize(420, 640)
        dock.show()
        qtbot.waitUntil(lambda: client.state == "infeasible", timeout=30000)
        return dock

    yield run
    for c in made:
        c.shutdown()


def test_a_tiny_budget_reads_as_a_limit_with_how_to_raise_it(qtbot, run_dock):
    dock = run_dock(lopsided_plan(budget=0.01))  # 1% of 300 = 3 accounts
    panel = dock.panel
    assert panel.state_label.text() == BUDGET_WORD == "Limited by change budget"
    assert panel.state_label.text() != STATE_WORDS["infeasible"]
    detail = panel.detail_label.text()
    assert "no rule conflict was found" in detail and "at most 3 accounts" in detail
    assert "raise Change budget below the list or in Edit → Balance Settings… → Rules" in detail
    assert "cannot all hold" not in detail
    assert panel.budget.spin.value() == 1.0  # the box the sentence points at, right there in the dock
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=2000)  # the best plan within the budget is offered
    if out := os.environ.get("BUDGET_WORDING_PNG"):  # to look at it: BUDGET_WORDING_PNG=dock.png pytest …
        dock.grab().save(out)


def test_a_locked_conflict_still_says_rules_conflict(run_dock):
    dock = run_dock(lopsided_plan(budget=0.05, locked=180))
    panel = dock.panel
    assert panel.state_label.text() == "Rules conflict"
    detail = panel.detail_label.text()
    assert "These rules cannot all hold" in detail and "180 of its accounts cannot move" in detail
    assert "change budget" not in detail.lower()
