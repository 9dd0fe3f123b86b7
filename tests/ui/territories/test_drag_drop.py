"""Dragging accounts from the table onto a territory moves them and updates every view at once."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QDragLeaveEvent
from PySide6.QtWidgets import QApplication

from territory_desktop.core import format as fmt
from territory_desktop.core.edits import SetAccountLocks, UpdateTerritory
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan
from territory_desktop.ui.territories.model import TERRITORY_ROLE
from territory_desktop.ui.territories.panel import TerritoryPanel
from tests.conftest import make_plan
from tests.ui.window_driver import drag_over, drop_on, make_window


def shown_cells(panel: TerritoryPanel) -> dict[int, list[str]]:
    """Every territory row as the planner reads it (formatted text of every column)."""
    m = panel.model
    return {m.territory_at(r): [str(m.index(r, c).data()) for c in range(m.columnCount())]
            for r in range(m.rowCount())}


def kpi_arrays(plan: Plan) -> tuple:
    k = plan.kpis
    return (k.counts.copy(), k.sums.copy(), k.workload.copy(), k.seg_counts.copy(), k.moved_count,
            k.moved_sums.copy())


def assert_same_kpis(a: tuple, b: tuple) -> None:
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)


def test_drop_moves_accounts_and_updates_every_indicator(qtbot, tmp_path):
    plan = make_plan(n=400, k=5, seed=3)
    w = make_window(qtbot, tmp_path, plan)
    target = 2
    rows = np.flatnonzero(plan.assignment != target)[:25]
    sources = set(plan.assignment[rows].tolist())
    before_counts = plan.kpis.counts.copy()

    drop = drop_on(w.territory_panel, rows, target)

    assert drop.isAccepted()
    assert (plan.assignment[rows] == target).all()
    assert plan.kpis.counts[target] == before_counts[target] + 25
    assert plan.kpis.equals(KpiState.full(plan))
    # the panel shows the new numbers for the target and every source territory
    m = w.territory_panel.model
    for t in {target, *sources}:
        row = m.row_of(t)
        assert m.index(row, m.column_of("accounts")).data() == fmt.count(plan.kpis.counts[t])
    # the status bar shows the disruption vs baseline
    assert plan.kpis.moved_count == 25
    assert "Moved 25 accounts" in w.health.moved.text()
    # the account table shows the new territory on the moved rows
    panel = w.account_panel
    col = next(c for c in range(panel.model.columnCount())
               if panel.model.headerData(c, Qt.Orientation.Horizontal) == "Territory")
    view_row = int(panel.model.view_row_of([rows[0]])[0])
    panel.model.flush()
    assert panel.model.index(view_row, col).data() == plan.territories[target].name
    # one undoable step, and the window says there are unsaved changes
    assert w.doc.controller.stack.count() == 1
    assert w.isWindowModified()


def test_drag_outlines_the_row_under_the_cursor(qtbot, tmp_path):
    plan = make_plan(n=100, k=4, seed=1)
    w = make_window(qtbot, tmp_path, plan)
    panel = w.territory_panel
    drag_over(panel, [1, 2, 3], plan.version, 3)
    assert panel.view.hover_row == panel.view_row_of(3)
    drag_over(panel, [1, 2, 3], plan.version, 1)
    assert panel.view.hover_row == panel.view_row_of(1)
    QApplication.sendEvent(panel.view.viewport(), QDragLeaveEvent())
    assert panel.view.hover_row == -1
    assert (plan.assignment == make_plan(n=100, k=4, seed=1).assignment).all()  # hovering moves nothing


def test_drop_of_locked_accounts_is_refused_with_the_reason_shown(qtbot, tmp_path):
    plan = make_plan(n=200, k=4, seed=4)
    w = make_window(qtbot, tmp_path, plan)
    rows = np.flatnonzero(plan.assignment != 0)[:10]
    w.doc.controller.apply(SetAccountLocks(rows[:2], True))
    before = plan.assignment.copy()
    steps = w.doc.controller.stack.count()

    hints = []
    w.territory_panel.message.connect(hints.append)
    drag_over(w.territory_panel, rows, plan.version, 0)
    assert hints[-1].startswith("Cannot move here: 2 locked accounts cannot move")  # said while hovering
    drag_over(w.territory_panel, rows[2:], plan.version, 1)
    assert hints[-1] == f"Release to move 8 accounts to {plan.territories[1].name}."
    QApplication.sendEvent(w.territory_panel.view.viewport(), QDragLeaveEvent())

    drop_on(w.territory_panel, rows, 0)

    assert np.array_equal(plan.assignment, before)
    assert w.doc.controller.stack.count() == steps  # nothing to undo: nothing happened
    assert w.notice.isVisible()
    assert "2 locked accounts cannot move" in w.notice.text.text()
    assert "locked" in w.statusBar().currentMessage()


def test_drop_on_a_locked_territory_is_refused(qtbot, tmp_path):
    plan = make_plan(n=200, k=4, seed=5)
    w = make_window(qtbot, tmp_path, plan)
    w.doc.controller.apply(UpdateTerritory(1, {"locked": True}))
    rows = np.flatnonzero(plan.assignment == 0)[:5]
    drop_on(w.territory_panel, rows, 1)
    assert (plan.assignment[rows] == 0).all()
    assert "is locked" in w.notice.text.text()


def test_undo_and_redo_of_drops_restore_exact_numbers_everywhere(qtbot, tmp_path):
    plan = make_plan(n=500, k=6, seed=6)
    w = make_window(qtbot, tmp_path, plan)
    before, shown_before = kpi_arrays(plan), shown_cells(w.territory_panel)
    health_before = w.health.health

    drop_on(w.territory_panel, np.arange(0, 40), 4)
    drop_on(w.territory_panel, np.arange(30, 90), 4)  # consecutive drops on one territory merge
    after, shown_after = kpi_arrays(plan), shown_cells(w.territory_panel)
    assert w.doc.controller.stack.count() == 1
    assert shown_after != shown_before

    w.actions_by_name["undo"].trigger()
    assert_same_kpis(kpi_arrays(plan), before)
    assert shown_cells(w.territory_panel) == shown_before
    assert w.health.health == health_before
    assert not w.isWindowModified()

    w.actions_by_name["redo"].trigger()
    assert_same_kpis(kpi_arrays(plan), after)
    assert shown_cells(w.territory_panel) == shown_after
    assert plan.kpis.equals(KpiState.full(plan))


def test_drop_from_the_account_table_selection(qtbot, tmp_path):
    """The payload the table's drag carries (its selected rows) lands on the territory under the cursor."""
    plan = make_plan(n=300, k=4, seed=8)
    w = make_window(qtbot, tmp_path, plan)
    table = w.account_panel
    table.view.selectRow(0)
    table.view.selectionModel().select(table.model.index(5, 0), table.view.selectionModel().SelectionFlag.Select
                                       | table.view.selectionModel().SelectionFlag.Rows)
    rows = table.selected_rows()
    assert len(rows) == 2
    target = int(w.territory_panel.model.index(0, 0).data(TERRITORY_ROLE))
    drop_on(w.territory_panel, rows, target)
    assert (plan.assignment[rows] == target).all()
