"""The change budget in the co-pilot dock: it shows the core's count, typing a new share is one undoable
settings edit, and accepting a suggestion uses budget."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.solver.copilot.suggestions import change_budget
from tests.conftest import make_plan
from tests.ui.copilot.test_copilot_in_window import WindowClient
from tests.ui.window_driver import make_window


def test_budget_row_shows_changes_and_undoes(qtbot, tmp_path):
    plan = make_plan(400, 4, seed=3)
    window = make_window(qtbot, tmp_path, plan)
    dock = window.attach_copilot(WindowClient())
    row = dock.panel.budget
    assert row.isVisible() and row.spin.value() == 5.0
    assert row.words.text() == "= 20 accounts · 0 used, 20 left"  # 5% of 400
    movable = np.flatnonzero((plan.assignment == 0) & (plan.baseline == 0) & ~plan.locked)[:3]
    window.controller.apply(MoveAccounts(movable, 1))
    b = change_budget(plan)
    assert b.used == 3 and row.words.text() == f"= 20 accounts · 3 used, {b.left} left"
    row.spin.lineEdit().selectAll()
    qtbot.keyClicks(row.spin.lineEdit(), "10")
    qtbot.keyClick(row.spin.lineEdit(), Qt.Key.Key_Return)
    assert plan.settings.copilot_change_budget == 0.10
    assert row.words.text() == "= 40 accounts · 3 used, 37 left"
    window.undo_group.undo()  # the settings edit
    assert plan.settings.copilot_change_budget == 0.05 and row.spin.value() == 5.0
    row.spin.setValue(0.0)
    row.spin.editingFinished.emit()
    assert plan.settings.copilot_change_budget == 0.0 and row.spin.text() == "none"
    assert row.words.text() == "no limit · 3 moved"


def test_the_budget_of_a_tiny_or_empty_plan_reads_right():
    assert change_budget(make_plan(0, 2)).limit == 0  # an empty plan has nothing to move, not "1 accounts"
    assert change_budget(make_plan(12, 3)).limit == 1  # 5% of 12 rounds down to 0, but one move is allowed


def test_one_account_is_singular(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path, make_plan(12, 3))
    row = window.attach_copilot(WindowClient()).panel.budget
    assert row.words.text().startswith("= 1 account · ")
