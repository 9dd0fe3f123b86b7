"""The account panel driven as a planner would: header clicks, typing, filter popups, the context menu."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from territory_desktop.core.edits import MoveAccounts, SetAccountLocks
from territory_desktop.core.plan import Plan
from territory_desktop.ui.accounts.panel import AccountPanel
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def _panel(qtbot, settings: QSettings, plan: Plan | None = None) -> AccountPanel:
    plan = plan or make_plan(n=400, k=5, seed=11)
    panel = AccountPanel(plan, Selection(), PlanController(plan), settings=settings)
    qtbot.addWidget(panel)
    panel.resize(1300, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _col(panel: AccountPanel, key: str) -> int:
    return [c.key for c in panel.model.columns].index(key)


def _click_header(qtbot, panel: AccountPanel, key: str) -> None:
    h = panel.view.horizontalHeader()
    x = h.sectionViewportPosition(_col(panel, key)) + h.sectionSize(_col(panel, key)) // 2
    qtbot.mouseClick(h.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def _click_row(qtbot, panel: AccountPanel, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = panel.view.visualRect(panel.model.index(row, _col(panel, "name")))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_header_click_sorts_potential_as_numbers(qtbot, settings):
    panel = _panel(qtbot, settings)
    pot = panel.plan.accounts["potential"].to_numpy(dtype=float)
    _click_header(qtbot, panel, "potential")
    first = pot[panel.model.view_rows]
    _click_header(qtbot, panel, "potential")
    second = pot[panel.model.view_rows]
    assert (np.diff(first) >= 0).all() and (np.diff(second) <= 0).all()
    assert sorted(first) == sorted(second) and len(first) == 400


def test_typing_in_search_box_filters_rows_and_updates_count(qtbot, settings):
    panel = _panel(qtbot, settings)
    qtbot.keyClicks(panel.search, "company 12")
    qtbot.waitUntil(lambda: panel.model.rowCount() < 400, timeout=2000)
    names = panel.plan.accounts["name"].to_numpy(dtype=object)[panel.model.view_rows]
    assert all("company 12" in n.lower() for n in names)
    assert len(names) == sum("company 12" in n.lower() for n in panel.plan.accounts["name"])
    assert panel.count_label.text() == f"{len(names)} of 400 accounts"
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 400, timeout=2000)
    assert panel.count_label.text() == "400 accounts"


def test_ctrl_f_focuses_the_search_box(qtbot, settings):
    panel = _panel(qtbot, settings)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=1000)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.search.hasFocus, timeout=1000)


def test_ctrl_f_is_left_to_a_window_that_has_its_own_find_action(qtbot, settings):
    plan = make_plan(n=50, k=2, seed=1)
    win = QMainWindow()
    qtbot.addWidget(win)
    panel = AccountPanel(plan, Selection(), PlanController(plan), settings=settings, parent=win)
    found: list[bool] = []
    find = QAction("Find", win, shortcut=QKeySequence(QKeySequence.StandardKey.Find),
                   triggered=lambda: found.append(True))
    win.addAction(find)
    win.setCentralWidget(panel)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=1000)
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert found == [True], "one Ctrl+F owner, not two ambiguous ones"


def test_territory_popup_and_moved_chip_filter_the_table(qtbot, settings):
    plan = make_plan(n=400, k=5, seed=12)
    panel = _panel(qtbot, settings, plan)
    panel.controller.apply(MoveAccounts(np.arange(0, 40), 3))
    qtbot.mouseClick(panel.territory_filter, Qt.MouseButton.LeftButton)
    popup = panel.territory_filter.popup
    qtbot.waitUntil(popup.isVisible, timeout=1000)
    lst = popup.list
    lst.setCurrentItem(panel.territory_filter.item_for(3))
    qtbot.keyClick(lst, Qt.Key.Key_Space)
    assert set(plan.assignment[panel.model.view_rows]) == {3}
    assert panel.model.rowCount() == int((plan.assignment == 3).sum())
    assert panel.territory_filter.text() == "Territory: T3"
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.mouseClick(panel.chips["moved"], Qt.MouseButton.LeftButton)
    moved_in = np.flatnonzero((plan.assignment == 3) & (plan.baseline != 3))
    assert np.array_equal(np.sort(panel.model.view_rows), moved_in) and len(moved_in) > 0


def _menu_action(menu: QMenu, *path: str):
    for text in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text() == text)
    return next(a for a in menu.actions() if a.text().startswith(path[-1]))


def test_context_menu_move_updates_exactly_the_moved_rows(qtbot, settings):
    panel = _panel(qtbot, settings)
    model, plan = panel.model, panel.plan
    _click_header(qtbot, panel, "potential")
    _click_row(qtbot, panel, 2)
    _click_row(qtbot, panel, 5, Qt.KeyboardModifier.ControlModifier)
    _click_row(qtbot, panel, 6, Qt.KeyboardModifier.ControlModifier)
    rows = panel.selected_rows()
    assert len(rows) == 3
    target = next(t for t in range(5) if t not in set(plan.assignment[rows]))
    changed, resets = [], []
    model.dataChanged.connect(lambda a, b, *_: changed.extend(range(a.row(), b.row() + 1)))
    model.modelReset.connect(lambda: resets.append(1))
    before = plan.assignment.copy()
    _menu_action(panel.context_menu(), "Move to", f"T{target}").trigger()
    assert set(np.flatnonzero(plan.assignment != before)) == set(rows.tolist())
    assert (plan.assignment[rows] == target).all()
    assert sorted(changed) == [2, 5, 6] and not resets
    assert panel.controller.stack.count() == 1
    panel.controller.stack.undo()
    assert np.array_equal(plan.assignment, before)


def test_context_menu_lock_then_move_is_refused_with_a_reason(qtbot, settings):
    panel = _panel(qtbot, settings)
    refused: list[str] = []
    panel.controller.refused.connect(refused.append)
    panel.selection.set_rows([10, 11])
    _menu_action(panel.context_menu(), "Lock").trigger()
    assert panel.plan.locked[[10, 11]].all()
    menu = panel.context_menu()
    assert not _menu_action(menu, "Lock").isEnabled() and _menu_action(menu, "Unlock").isEnabled()
    before = panel.plan.assignment.copy()
    _menu_action(menu, "Unassign").trigger()
    assert np.array_equal(panel.plan.assignment, before) and "locked" in refused[0]


def test_select_all_in_territory_selects_its_accounts(qtbot, settings):
    panel = _panel(qtbot, settings)
    _click_row(qtbot, panel, 0)
    t = int(panel.plan.assignment[panel.selected_rows()[0]])
    _menu_action(panel.context_menu(), f"Select all in T{t}").trigger()
    expected = np.flatnonzero(panel.plan.assignment == t)
    assert np.array_equal(panel.selection.rows, expected)
    assert np.array_equal(panel.selected_rows(), expected)


def test_selection_syncs_both_ways_without_echo(qtbot, settings):
    panel = _panel(qtbot, settings)
    seen: list[tuple[list[int], object]] = []
    panel.selection.changed.connect(lambda rows, src: seen.append((rows.tolist(), src)))
    _click_header(qtbot, panel, "name")
    _click_row(qtbot, panel, 3)
    plan_row = int(panel.model.view_rows[3])
    assert seen[-1] == ([plan_row], panel)
    seen.clear()
    panel.selection.set_rows([7, 300, 399], source="map")
    assert panel.selected_rows().tolist() == [7, 300, 399]
    assert seen == [([7, 300, 399], "map")], "the panel must not echo a selection it was given"
    panel.search.setText("company 30")
    panel._search_now()
    assert panel.selected_rows().tolist() == [300], "a filter keeps the visible part of the selection"
    assert panel.selection.rows.tolist() == [7, 300, 399]


def test_column_chooser_hides_columns_and_remembers_them(qtbot, settings):
    panel = _panel(qtbot, settings)
    chooser = panel.columns_button
    qtbot.mouseClick(chooser, Qt.MouseButton.LeftButton)
    chooser.popup.list.setCurrentItem(chooser.item_for("industry"))
    qtbot.keyClick(chooser.popup.list, Qt.Key.Key_Space)
    assert panel.view.isColumnHidden(_col(panel, "industry"))
    panel.view.horizontalHeader().resizeSection(_col(panel, "name"), 321)
    panel.save_columns()
    again = _panel(qtbot, settings, make_plan(n=50, k=2, seed=3))
    assert again.view.isColumnHidden(_col(again, "industry"))
    assert again.view.horizontalHeader().sectionSize(_col(again, "name")) == 321
    assert not again.view.isColumnHidden(_col(again, "potential"))


def test_lock_column_follows_an_undo(qtbot, settings):
    panel = _panel(qtbot, settings)
    panel.controller.apply(SetAccountLocks([0], True))
    lock_col = _col(panel, "locked")
    idx = panel.model.index(int(panel.model.view_row_of([0])[0]), lock_col)
    assert panel.model.data(idx, Qt.ItemDataRole.DecorationRole) is not None
    panel.controller.stack.undo()
    assert panel.model.data(idx, Qt.ItemDataRole.DecorationRole) is None


def test_menu_key_opens_the_actions_at_the_current_row(qtbot, settings):
    panel = _panel(qtbot, settings)
    panel.selection.set_rows([30], source="map")
    opened: list[tuple[list[str], QPoint]] = []

    def look_and_close() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            opened.append(([a.text() for a in menu.actions() if a.text()], menu.pos()))
            menu.close()

    QTimer.singleShot(100, look_and_close)
    panel.view.setFocus()
    # What Qt delivers to the focused widget for the Menu key (QTest cannot synthesise it from a key press).
    QApplication.sendEvent(panel.view, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0),
                                                            panel.view.mapToGlobal(QPoint(0, 0))))
    qtbot.waitUntil(lambda: bool(opened), timeout=2000)
    texts, pos = opened[0]
    assert texts[:2] == ["Move to", "Unassign"]
    row_rect = panel.view.visualRect(panel.model.index(30, 0))
    assert abs(panel.view.viewport().mapFromGlobal(pos).y() - row_rect.bottom()) <= 2


def test_clear_filters_brings_every_account_back(qtbot, settings):
    panel = _panel(qtbot, settings)
    assert not panel.clear_button.isVisible()
    qtbot.mouseClick(panel.chips["locked"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.search, "no such account")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=2000)
    assert panel.clear_button.isVisible() and "No accounts match" in panel.empty_text()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 400 and panel.search.text() == ""
    assert not panel.chips["locked"].isChecked() and not panel.clear_button.isVisible()


def test_set_plan_shows_the_new_plan_with_its_imported_columns(qtbot, settings):
    panel = _panel(qtbot, settings)
    panel.selection.set_rows([350, 399], source="map")
    qtbot.mouseClick(panel.chips["moved"], Qt.MouseButton.LeftButton)
    base = make_plan(n=30, k=3, seed=2)
    source = pd.DataFrame({"Acct Score": np.arange(30), "Region": ["West"] * 30})
    new = Plan(base.accounts, base.territories, base.assignment, source=source)
    panel.set_plan(new, PlanController(new))
    assert panel.model.rowCount() == 30 and panel.count_label.text() == "30 accounts"
    assert not panel.chips["moved"].isChecked(), "filters of the old plan do not carry over"
    assert len(panel.selected_rows()) == 0  # rows 350 and 399 do not exist in the new plan
    assert panel.columns_button.item_for("src:Region") is not None
    assert panel.view.isColumnHidden(_col(panel, "src:Region"))
    assert [panel.territory_filter.popup.list.item(i).text() for i in range(3)] == ["T0", "T1", "T2"]


def test_untouched_chip_shows_only_with_activity_dates_and_filters(qtbot, settings):
    import datetime as dt

    plan = make_plan(n=50, k=3, seed=13)
    panel = _panel(qtbot, settings, plan)
    assert not panel.chips["untouched"].isVisible()  # the generated plan has no activity dates
    today = dt.date.today()
    dates = [(today - dt.timedelta(days=200 if i % 5 == 0 else 5)).isoformat() for i in range(50)]
    dated = make_plan(n=50, k=3, seed=13)
    dated.accounts["last_activity"] = dates
    panel.set_plan(dated, PlanController(dated))
    assert panel.chips["untouched"].isVisible()
    assert panel.chips["untouched"].text() == "Untouched 90d+"
    qtbot.mouseClick(panel.chips["untouched"], Qt.MouseButton.LeftButton)
    assert np.array_equal(np.sort(panel.model.view_rows), np.arange(0, 50, 5))
    assert panel.count_label.text() == "10 of 50 accounts"
