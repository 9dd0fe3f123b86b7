"""Territories → Territory Rules… driven as a planner does: pick a territory, edit a condition and watch the
preview follow, OK (one undo step restoring the rules exactly), route the unassigned accounts (the table shows
them assigned, each with the rule that sent it), import and export the CRM rules CSV."""

from __future__ import annotations

import copy
import csv

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from territory_desktop.ui.rules import rules_dialog
from territory_desktop.ui.rules.rules_dialog import TerritoryRulesDialog
from tests.ui.rules.conftest import CRM, book
from tests.ui.window_driver import make_window


def _dialog(qtbot, w) -> TerritoryRulesDialog:
    dlg = TerritoryRulesDialog(w)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _ok(dlg: TerritoryRulesDialog):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type_value(qtbot, dlg: TerritoryRulesDialog, row: int, text: str) -> None:
    value = dlg.conditions.widgets(row)[2]
    value.selectAll()
    qtbot.keyClicks(value, text)


def _territory_cells(w, rows: np.ndarray) -> list[str]:
    """What the accounts table shows in its Territory column for these plan rows."""
    model = w.account_panel.model
    col = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "Territory")
    return [model.data(model.index(int(model.view_row_of([r])[0]), col)) for r in rows.tolist()]


def test_editing_a_condition_changes_the_preview_and_ok_is_one_undo_step(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book())
    before = copy.deepcopy([t.rules for t in w.plan.territories])
    dlg = _dialog(qtbot, w)
    dlg.select_territory(w.plan.territory_index("California"))
    assert "California would take 2 of the 12 unassigned accounts" in dlg.preview.text().replace("<b>", "") \
        .replace("</b>", "")
    assert "Gap: 4 accounts" in dlg.report.text()
    _type_value(qtbot, dlg, 0, "CA, ID")  # California now also claims Idaho: Boise, which no rule took
    qtbot.waitUntil(lambda: "would take <b>3</b>" in dlg.preview.text(), timeout=3000)
    assert "California  (1)" in [dlg.list.item(i).text() for i in range(dlg.list.count())]
    assert "Gap: 3 accounts" in dlg.report.text()  # the gap report follows
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    t = w.plan.territory_index("California")
    assert w.plan.territories[t].rules == [{"field": "state", "operator": "in", "values": ["CA", "ID"]}]
    stack = w.undo_group.activeStack()
    assert stack.count() == 1 and stack.text(0) == "Edit the rules of California"
    w.undo_group.undo()
    assert [t.rules for t in w.plan.territories] == before
    w.undo_group.redo()
    assert w.plan.territories[t].rules[0]["values"] == ["CA", "ID"]


def test_route_unassigned_now_assigns_them_in_the_table_with_reasons_and_undoes_in_one_step(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book())
    unassigned = np.flatnonzero(w.plan.assignment < 0)
    assert len(unassigned) == 12
    assert _territory_cells(w, unassigned) == ["Unassigned"] * 12
    dlg = _dialog(qtbot, w)
    qtbot.mouseClick(dlg.route_button, Qt.MouseButton.LeftButton)
    assert (w.plan.assignment >= 0).all()
    assert "Routed 12 accounts: 1 named, 8 by a rule, 3 to the nearest rep with room" in dlg.note.text()
    row = int(w.plan.rows_of(["R-020"])[0])
    assert w.plan.territories[w.plan.assignment[row]].name == "Rockies"
    assert w.plan.notes.reason[row] == "Named account of Rockies"
    spokane_and_tucson = w.plan.rows_of(["R-020", "R-017"])
    w.account_panel.model.flush()
    assert _territory_cells(w, spokane_and_tucson) == ["Rockies", "Desert"]
    assert w.plan.notes.reason[spokane_and_tucson[1]].startswith("No rule matched: nearest eligible rep with room")
    # the dialog's preview now has nothing left to route
    assert "of the 0 unassigned accounts" in dlg.preview.text()
    dlg.reject()
    stack = w.undo_group.activeStack()
    assert stack.count() == 1 and stack.text(0) == "Route 12 accounts by the territory rules"
    w.undo_group.undo()
    assert (w.plan.assignment[unassigned] == -1).all() and (w.plan.notes.reason[unassigned] == "").all()


def test_routing_with_edited_rules_applies_the_rules_and_the_move_together(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book())
    dlg = _dialog(qtbot, w)
    dlg.select_territory(w.plan.territory_index("Texas"))
    qtbot.mouseClick(dlg.conditions.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dlg.conditions.widgets(0)[2], "TX")  # field State, "is one of" TX
    qtbot.mouseClick(dlg.route_button, Qt.MouseButton.LeftButton)
    houston = int(w.plan.rows_of(["R-018"])[0])
    assert w.plan.territories[w.plan.assignment[houston]].name == "Texas"  # a rule ignores the 5 h capacity
    assert w.plan.notes.reason[houston] == "Rule of Texas: state in TX"
    assert w.undo_group.activeStack().count() == 1
    w.undo_group.undo()
    assert w.plan.territories[w.plan.territory_index("Texas")].rules == [] and w.plan.assignment[houston] == -1


def test_a_bad_condition_is_named_and_ok_waits_for_the_fix(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book())
    dlg = _dialog(qtbot, w)
    dlg.select_territory(w.plan.territory_index("Bay Area SMB"))
    _type_value(qtbot, dlg, 0, "940, 9A1")
    assert dlg.problem.text() == "Condition 1: ZIP prefixes are digits: 9A1"
    assert not _ok(dlg).isEnabled() and not dlg.route_button.isEnabled()
    assert "⚠" in dlg.list.currentItem().text()
    _type_value(qtbot, dlg, 0, "940, 941")
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()


def test_import_names_a_bad_row_and_export_writes_the_crm_table(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book(with_rules=False))
    dlg = _dialog(qtbot, w)
    assert not dlg.import_csv(str(CRM / "rules_bad_territory.csv"))
    assert dlg.note.text() == "Not imported: rules_bad_territory.csv: row 4: no territory called 'Mountain'"
    assert dlg.import_csv(str(CRM / "rules_good.csv"))
    assert "Imported the rules of 6 territories" in dlg.note.text()
    assert all(t.rules == [] for t in w.plan.territories)  # nothing applied before OK
    out = tmp_path / "rules.csv"
    assert dlg.export_csv(str(out))
    with open(out, encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["territory", "field", "operator", "value"] and len(table) == 11
    assert ["Rockies", "account_id", "in", "R-020"] in table
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert w.plan.territories[w.plan.territory_index("Rockies")].rules[-1] == {
        "field": "account_id", "operator": "in", "values": ["R-020"]}
    assert w.undo_group.activeStack().text(0) == "Edit the rules of 6 territories"


def test_the_menu_opens_the_editor(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, book())
    shown = []
    monkeypatch.setattr(rules_dialog.TerritoryRulesDialog, "exec", lambda self: shown.append(self) or 0)
    w.actions_by_name["rules"].trigger()
    assert len(shown) == 1 and shown[0].list.count() == 7
