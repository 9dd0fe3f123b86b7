"""A drag carries the plan version its rows refer to: rows of another state of the plan (another window's
plan, a file opened since) must never be moved by row number in this one."""

from __future__ import annotations

import numpy as np

from tests.conftest import make_plan
from tests.ui.window_driver import drop_on, make_window


def test_drop_of_rows_from_another_plan_state_moves_nothing(qtbot, tmp_path):
    plan = make_plan(n=200, k=4, seed=5)
    w = make_window(qtbot, tmp_path, plan)
    rows = np.flatnonzero(plan.assignment != 2)[:10]
    before = plan.assignment.copy()

    drop = drop_on(w.territory_panel, rows, 2, version=plan.version + 7)

    assert not drop.isAccepted()
    assert np.array_equal(plan.assignment, before)
    assert w.doc.controller.stack.count() == 0


def test_drop_of_rows_of_the_current_plan_still_moves_them(qtbot, tmp_path):
    plan = make_plan(n=200, k=4, seed=5)
    w = make_window(qtbot, tmp_path, plan)
    rows = np.flatnonzero(plan.assignment != 2)[:10]

    drop = drop_on(w.territory_panel, rows, 2)

    assert drop.isAccepted()
    assert (plan.assignment[rows] == 2).all()
