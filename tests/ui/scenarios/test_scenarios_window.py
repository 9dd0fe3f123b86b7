"""Scenarios in the window as a planner uses them: create from the menu, switch in the toolbar, compare and
select the differing accounts, a reason typed once for hand moves, Plan History, the dated change list."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.ui.scenarios.dialogs import ScenarioDialog
from territory_desktop.ui.shell.export_commands import ChangeListDialog
from territory_desktop.ui.shell.history_view import PlanHistoryDialog
from tests.conftest import make_plan
from tests.ui.window_driver import drop_on, make_window


def _answer_dialog(name: str, notes: str) -> None:
    """Fill the modal scenario dialog as a user would, once it is shown, and press its OK button."""
    def fill() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, ScenarioDialog)
        dlg.name.setText(name)
        dlg.notes.setPlainText(notes)
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    QTimer.singleShot(0, fill)


def test_new_scenario_from_the_menu_then_switch_back_in_the_toolbar(qtbot, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, make_plan(n=150, k=4))
    main = w.plan
    _answer_dialog("FY27 — Texas", "Two new reps")
    w.actions_by_name["scenario_new"].trigger()
    assert w.doc.scenario_name == "FY27 — Texas" and w.plan is not main
    assert w.windowTitle().startswith("Untitled · FY27 — Texas")
    assert w.scenario_switcher.combo.currentText() == "FY27 — Texas"
    assert w.territory_panel.plan is w.plan and w.account_panel.plan is w.plan
    drop_on(w.territory_panel, [1, 2, 3], 2)
    assert (w.plan.assignment[[1, 2, 3]] == 2).all()
    assert w.undo_group.activeStack().count() == 1

    w.scenario_switcher.combo.setCurrentIndex(0)
    w.scenario_switcher.combo.activated.emit(0)  # what a click on the item sends
    assert w.plan is main and w.territory_panel.plan is main and w.account_panel.plan is main
    assert w.undo_group.activeStack().count() == 0  # Main plan's own history
    assert not (main.assignment[[1, 2, 3]] == 2).all()
    w.scenario_switcher.combo.activated.emit(1)
    w.actions_by_name["undo"].trigger()  # undo acts on the scenario shown
    assert (w.plan.assignment[[1, 2, 3]] == w.plan.baseline[[1, 2, 3]]).all()


def test_the_new_scenario_dialog_refuses_a_taken_name_before_ok(qtbot) -> None:
    from territory_desktop.core.scenarios import ScenarioSet

    sset = ScenarioSet.single(make_plan(20, 2))
    dlg = ScenarioDialog("New Scenario", "", "Main plan", "", sset.check_name, "Create Scenario")
    qtbot.addWidget(dlg)
    assert not dlg.ok.isEnabled() and "already a scenario" in dlg.problem.text()
    dlg.name.setText("Option B")
    assert dlg.ok.isEnabled() and dlg.problem.text() == ""


def test_compare_selects_the_differing_accounts_in_the_table(qtbot, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, make_plan(n=200, k=4, seed=3))
    w.scenarios.duplicate("B")
    rows = np.flatnonzero(w.plan.assignment != 3)[:12]
    assert w.controller.apply(MoveAccounts(rows, 3))
    dlg = w.scenarios.compare()
    qtbot.addWidget(dlg)
    assert dlg.a_combo.currentText() == "B" and dlg.b_combo.currentText() == "Baseline"
    assert dlg.accounts.rowCount() == 12 and "12 accounts in a different territory" in dlg.summary.text()
    dlg.choose("Main plan", "B")
    assert dlg.accounts.rowCount() == 12  # the same accounts, from B back to the main plan's territories
    figures = {dlg.figures.frame["figure"].iloc[i]: dlg.figures.frame["change"].iloc[i] for i in range(len(dlg.figures.frame))}
    assert figures["Moved accounts (vs baseline)"] == "-12"
    dlg.select_button.click()
    assert np.array_equal(w.selection.rows, np.sort(rows))
    assert np.array_equal(np.sort(w.account_panel.selected_rows()), np.sort(rows))
    dlg.choose("B", "B")
    assert dlg.summary.text() == "These are the same scenario." and not dlg.select_button.isEnabled()


def test_compare_follows_edits_in_the_scenarios_it_shows(qtbot, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, make_plan(n=120, k=3))
    dlg = w.scenarios.compare()
    qtbot.addWidget(dlg)
    assert dlg.accounts.rowCount() == 0
    row = int(np.flatnonzero(w.plan.assignment != 0)[0])
    w.controller.apply(MoveAccounts([row], 0))
    qtbot.waitUntil(lambda: dlg.accounts.rowCount() == 1, timeout=3000)


def test_a_reason_typed_once_goes_with_every_hand_move_into_the_change_list(qtbot, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, make_plan(n=150, k=4))
    plan = w.plan
    qtbot.keyClicks(w.move_reason.edit, "FY27 realignment")
    rows = np.flatnonzero(plan.assignment != 2)[:3]
    drop_on(w.territory_panel, rows[:2], 2)
    drop_on(w.territory_panel, rows[2:], 2)
    assert plan.notes.reason[rows].tolist() == ["FY27 realignment"] * 3
    w.move_reason.edit.clear()
    other = np.setdiff1d(np.flatnonzero(plan.assignment != 1), rows)[:1]
    drop_on(w.territory_panel, other, 1)
    out = tmp_path / "changes.csv"
    assert w.exports.export_changes(out, dt.date(2027, 1, 15), "Annual review")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        by_id = {r["Account ID"]: r for r in csv.DictReader(fh)}
    assert len(by_id) == 4
    for r in rows:
        got = by_id[plan.ids[r]]
        assert got["Reason"] == "FY27 realignment" and got["Effective Date"] == "2027-01-15"
        assert got["Changed By"] and got["Changed At"].endswith("UTC")
    assert by_id[plan.ids[other[0]]]["Reason"] == "Annual review"  # the fallback for a move without one


def test_the_change_list_dialog_offers_the_notice_period_and_counts_own_reasons(qtbot) -> None:
    dlg = ChangeListDialog(10, None, with_reason=7, scenario="B")
    qtbot.addWidget(dlg)
    assert dlg.date.date() == QDate.currentDate().addDays(30)
    coverage = dlg.findChild(QLabel, "reasonCoverage")
    assert "7 of these moves carry their own reason" in coverage.text() and "other 3" in coverage.text()
    assert dlg.values()[0] == dt.date.today() + dt.timedelta(days=30)


def test_plan_history_lists_every_step_newest_first_and_filters(qtbot, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, make_plan(n=100, k=3))
    qtbot.keyClicks(w.move_reason.edit, "Balance")
    drop_on(w.territory_panel, [1, 2], 2)
    w.actions_by_name["undo"].trigger()
    w.actions_by_name["redo"].trigger()
    w.actions_by_name["plan_history"].trigger()
    dlg = next(d for d in w.findChildren(PlanHistoryDialog))
    model = dlg.proxy
    assert model.rowCount() == 3
    words = [model.index(r, 2).data() for r in range(3)]
    assert words == ["Redo", "Undo", "Edit"]
    assert all(model.index(r, 5).data() == "Balance" for r in range(3))
    qtbot.keyClicks(dlg.filter, "undo")
    assert model.rowCount() == 1
    dlg.close()


def test_rename_and_delete_from_the_menu_ask_first_and_keep_one_scenario(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    w = make_window(qtbot, tmp_path, make_plan(n=80, k=3))
    w.scenarios.duplicate("B")
    _answer_dialog("Option B", "")
    w.actions_by_name["scenario_rename"].trigger()
    assert w.scenario_switcher.combo.itemText(1) == "Option B" and "Option B" in w.windowTitle()
    asked = []
    w.ask = lambda title, text, *_: asked.append(text) or QMessageBox.StandardButton.Cancel
    w.actions_by_name["scenario_delete"].trigger()
    assert len(w.doc.scenarios) == 2 and "“Option B”" in asked[0]
    w.ask = lambda *_: QMessageBox.StandardButton.Yes
    w.actions_by_name["scenario_delete"].trigger()
    assert w.doc.scenarios.names == ["Main plan"] and w.scenario_switcher.combo.count() == 1
    assert w.territory_panel.plan is w.plan
    w.actions_by_name["scenario_delete"].trigger()  # the only one: refused with a message, nothing asked
    assert w.errors and "only scenario" in w.errors[-1][1]
