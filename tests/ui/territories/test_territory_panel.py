"""The Territories panel: numbers as the core computes them, targeted repaints, sorting, territory edits."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.palette import PALETTE
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.territories.model import BAND_ROLE, TERRITORY_ROLE, TerritoryTableModel
from territory_desktop.ui.territories.panel import TerritoryPanel
from tests.conftest import make_plan


def make_panel(qtbot, plan):
    ctl = PlanController(plan)
    panel = TerritoryPanel(plan, ctl)
    qtbot.addWidget(panel)
    panel.resize(1000, 400)
    panel.show()
    return panel, ctl


def cell(model: TerritoryTableModel, territory: int, key: str, role=Qt.ItemDataRole.DisplayRole):
    return model.index(model.row_of(territory), model.column_of(key)).data(role)


def test_rows_show_the_core_numbers_formatted(qtbot):
    plan = make_plan(n=300, k=5, seed=2)
    panel, _ = make_panel(qtbot, plan)
    m = panel.model
    table = kpis.territory_table(plan)
    assert m.rowCount() == 5
    for t, row in table.iterrows():
        assert cell(m, t, "name") == row["name"]
        assert cell(m, t, "accounts") == fmt.count(row["accounts"])
        assert cell(m, t, "potential") == fmt.money(row["potential"])
        dev, status = cell(m, t, "dev_potential", BAND_ROLE)
        assert dev == row["dev_potential"] and status == row["status_potential"]
        assert cell(m, t, "dev_potential").endswith(status)  # the band is written, not only coloured


def test_a_move_repaints_only_the_territories_it_touched(qtbot):
    plan = make_plan(n=400, k=6, seed=3)
    # balance on measures whose grand total a move cannot change, so other rows' deviations stay put
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),
                                              BalancedMeasure("accounts", 0.3)))
    panel, ctl = make_panel(qtbot, plan)
    m = panel.model
    m.refresh()
    repainted: set[int] = set()
    m.dataChanged.connect(lambda a, b, *_: repainted.update(m.territory_at(r) for r in range(a.row(), b.row() + 1)))
    resets = []
    m.modelReset.connect(lambda: resets.append(1))
    rows = np.flatnonzero(plan.assignment == 1)[:5]
    ctl.apply(MoveAccounts(rows, 4))
    assert repainted == {1, 4} and not resets
    assert cell(m, 4, "accounts") == fmt.count(plan.kpis.counts[4])


def test_sorting_by_potential_is_numeric(qtbot):
    plan = make_plan(n=300, k=6, seed=4)
    panel, _ = make_panel(qtbot, plan)
    col = panel.model.column_of("potential")
    panel.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    shown = [int(panel.proxy.index(r, 0).data(TERRITORY_ROLE)) for r in range(panel.proxy.rowCount())]
    pot = kpis.territory_table(plan)["potential"]
    assert shown == list(pot.sort_values(ascending=False).index)


def test_add_rename_recolour_lock_remove_are_each_one_undoable_step(qtbot):
    plan = make_plan(n=200, k=4, seed=5)
    panel, ctl = make_panel(qtbot, plan)
    before = [t.to_dict() for t in plan.territories]
    assignment = plan.assignment.copy()

    new = panel.add_territory("Gulf Coast")
    assert new == 4 and panel.model.rowCount() == 5 and cell(panel.model, 4, "name") == "Gulf Coast"
    assert plan.territories[4].color == PALETTE[0]  # the first palette colour no territory uses yet
    assert panel.rename_territory(0, "Great Lakes") and cell(panel.model, 0, "name") == "Great Lakes"
    assert panel.recolour_territory(1, "#CC79A7") and plan.territories[1].color == "#CC79A7"
    assert panel.toggle_lock(2) and plan.territories[2].locked
    assert cell(panel.model, 2, "locked", Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    moved = plan.rows_in(3)
    assert panel.remove_territory(3, to=0)
    assert (plan.assignment[moved] == 0).all() and panel.model.row_of(3) == -1
    assert ctl.stack.count() == 5

    while ctl.stack.canUndo():
        ctl.stack.undo()
    assert [t.to_dict() for t in plan.territories] == before
    assert np.array_equal(plan.assignment, assignment)
    assert panel.model.rowCount() == 4


def test_refused_territory_edits_change_nothing(qtbot):
    plan = make_plan(n=100, k=3, seed=6)
    panel, ctl = make_panel(qtbot, plan)
    reasons = []
    ctl.refused.connect(reasons.append)
    assert not panel.rename_territory(0, "T1")  # the name is taken
    assert not panel.add_territory("  ")
    assert plan.territories[0].name == "T0" and ctl.stack.count() == 0
    assert "already called" in reasons[0]


def test_the_lock_checkbox_locks_the_territory_and_blocks_drops(qtbot):
    plan = make_plan(n=100, k=3, seed=7)
    panel, ctl = make_panel(qtbot, plan)
    m = panel.model
    idx = m.index(m.row_of(1), m.column_of("locked"))
    assert m.setData(idx, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert plan.territories[1].locked and ctl.stack.count() == 1
    rows = plan.rows_in(0)[:3]
    assert not panel.move_rows_to(rows, 1)
    assert (plan.assignment[rows] == 0).all()


def test_the_panel_follows_a_new_plan(qtbot):
    panel, _ = make_panel(qtbot, make_plan(n=50, k=3, seed=1))
    other = make_plan(n=80, k=7, seed=2)
    panel.set_plan(other, PlanController(other))
    assert panel.model.rowCount() == 7
    other.apply(MoveAccounts([0, 1, 2], 6))
    assert cell(panel.model, 6, "accounts") == fmt.count(other.kpis.counts[6])


def test_filter_box_narrows_the_list_to_matching_territories(qtbot):
    plan = make_plan(n=200, k=12, seed=8)
    panel, _ = make_panel(qtbot, plan)
    qtbot.keyClicks(panel.filter, "rep 1")  # Rep 1, Rep 10, Rep 11
    shown = {int(panel.proxy.index(r, 0).data(TERRITORY_ROLE)) for r in range(panel.proxy.rowCount())}
    assert shown == {1, 10, 11}
    panel.filter.clear()
    assert panel.proxy.rowCount() == 12


def test_dragging_near_the_bottom_edge_scrolls_to_far_territories(qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent
    from PySide6.QtWidgets import QApplication

    from territory_desktop.ui.hub.drag_payload import encode_rows

    plan = make_plan(n=400, k=60, seed=9)
    panel, _ = make_panel(qtbot, plan)
    panel.resize(1000, 300)
    bar = panel.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # 60 territories do not fit: the far ones are off screen
    bar.setValue(0)
    mime = encode_rows([1, 2], plan.version)
    near_bottom = QPoint(100, panel.view.viewport().height() - 5)
    args = (Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel.view.viewport(), QDragEnterEvent(near_bottom, *args))
    QApplication.sendEvent(panel.view.viewport(), QDragMoveEvent(near_bottom, *args))
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=2000)
    assert panel.view.hover_row == panel.view.indexAt(near_bottom).row()


def _answer_modal(qtbot, dialog_type, fill) -> None:
    """Answer the next modal dialog of `dialog_type` as a user would (fill it, then OK)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def act() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, dialog_type), dlg
        fill(dlg)
        dlg.accept()

    QTimer.singleShot(0, act)


def test_toolbar_add_edit_and_remove_go_through_the_territory_dialogs(qtbot):
    import territory_desktop.ui.territories.dialog as dialogs
    plan = make_plan(n=150, k=3, seed=10)
    panel, ctl = make_panel(qtbot, plan)

    _answer_modal(qtbot, dialogs.TerritoryDialog, lambda d: d.name.setText("Rocky Mountains"))
    panel.actions_by_name["add"].trigger()
    assert plan.territories[3].name == "Rocky Mountains" and panel.current_territory() == 3

    _answer_modal(qtbot, dialogs.TerritoryDialog, lambda d: d.rep.setText("Dana Whitfield"))
    panel.actions_by_name["edit"].trigger()
    assert plan.territories[3].rep == "Dana Whitfield"
    assert cell(panel.model, 3, "rep") == "Dana Whitfield"

    moving = plan.rows_in(0)
    panel.select_territory(0)
    _answer_modal(qtbot, dialogs.RemoveTerritoryDialog, lambda d: d.select_target(3))
    panel.actions_by_name["remove"].trigger()
    assert plan.territories[0].removed and (plan.assignment[moving] == 3).all()
    assert ctl.stack.count() == 3
