"""The undo stack restores exact numbers, merges consecutive moves, and refuses locked accounts."""

from __future__ import annotations

import numpy as np

from territory_desktop.core.edits import MoveAccounts, SetAccountLocks
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.ui.hub.plan_controller import PlanController
from tests.conftest import make_plan


def test_undo_redo_restore_exact_numbers(qtbot):
    plan = make_plan(n=200, k=4, seed=2)
    ctl = PlanController(plan)
    before = (plan.assignment.copy(), plan.kpis.sums.copy(), plan.kpis.workload.copy())
    assert ctl.apply(MoveAccounts(np.arange(20), 3))
    moved = plan.assignment.copy()
    ctl.stack.undo()
    assert np.array_equal(plan.assignment, before[0])
    assert np.array_equal(plan.kpis.sums, before[1]) and np.array_equal(plan.kpis.workload, before[2])
    ctl.stack.redo()
    assert np.array_equal(plan.assignment, moved)
    assert plan.kpis.equals(KpiState.full(plan))


def test_consecutive_moves_merge_into_one_step(qtbot):
    plan = make_plan(n=100, k=3, seed=5)
    start = plan.assignment.copy()
    ctl = PlanController(plan)
    ctl.apply(MoveAccounts([1, 2], 0), mergeable=True)
    ctl.apply(MoveAccounts([2, 3], 0), mergeable=True)
    assert ctl.stack.count() == 1
    ctl.stack.undo()
    assert np.array_equal(plan.assignment, start)


def test_refused_edit_is_not_pushed_and_says_why(qtbot):
    plan = make_plan(n=50, k=3, seed=1)
    ctl = PlanController(plan)
    ctl.apply(SetAccountLocks([7], True))
    messages = []
    ctl.refused.connect(messages.append)
    assert not ctl.apply(MoveAccounts([7], 0))
    assert ctl.stack.count() == 1 and "locked" in messages[0]
