"""File → Refresh from CRM Export… driven as a planner does: the preview lists exactly the export's differences
before anything changes, Cancel leaves the plan alone, Apply is one undo step (new accounts routed with their
reasons, gone ones in the change list, flagged ones selected in the table) and Undo gives the old plan back."""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from territory_desktop.ui import refresh as refresh_package
from territory_desktop.ui.refresh.dialog import RefreshDialog
from tests.ui.refresh.conftest import CRM, GONE, NEW_ACCOUNTS, routed_book, write_newer_export
from tests.ui.window_driver import make_window


def _dialog(qtbot, w, export) -> RefreshDialog:
    dlg = RefreshDialog(w, export)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.prepared is not None or bool(dlg.problem), timeout=10_000)
    return dlg


def _tree(dlg: RefreshDialog) -> dict[str, str]:
    """What the groups tree shows: "Section / Group" -> count."""
    out = {}
    for i in range(dlg.tree.topLevelItemCount()):
        top = dlg.tree.topLevelItem(i)
        out[top.text(0)] = top.text(1)
        for j in range(top.childCount()):
            out[f"{top.text(0)} / {top.child(j).text(0)}"] = top.child(j).text(1)
    return out


def _pick(dlg: RefreshDialog, text: str) -> None:
    item = dlg.tree.findItems(text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive, 0)[0]
    dlg.tree.setCurrentItem(item)


def _shown(dlg: RefreshDialog) -> list[tuple[str, ...]]:
    return [dlg.rows.shown_row(i) for i in range(dlg.rows.rowCount())]


def _snapshot(plan):
    return (plan.accounts["account_id"].tolist(), plan.assignment.copy(), plan.baseline.copy(),
            plan.locked.copy(), plan.notes.reason.copy(), plan.accounts["potential"].tolist())


def _same(plan, snap) -> bool:
    ids, a, b, lk, why, pot = snap
    return (plan.accounts["account_id"].tolist() == ids and np.array_equal(plan.assignment, a)
            and np.array_equal(plan.baseline, b) and np.array_equal(plan.locked, lk)
            and plan.notes.reason.tolist() == why.tolist() and plan.accounts["potential"].tolist() == pot)


def test_the_preview_lists_exactly_the_exports_differences_and_cancel_changes_nothing(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    before, version = _snapshot(w.plan), w.plan.version
    dlg = _dialog(qtbot, w, write_newer_export(tmp_path))
    assert dlg.problem == ""
    assert _tree(dlg) == {
        "New accounts": "3", "Gone from the CRM": "2", "Changed": "5",
        "Changed / Segment": "1", "Changed / Potential": "1", "Changed / Location": "1",
        "Changed / CRM owner": "1", "Changed / Name": "1", "Changed / Industry": "0",
        "Changed / Open pipeline": "0", "Flagged for review": "2",
        "Flagged for review / Ineligible segment": "1",
        "Flagged for review / Far outside territory": "1"}
    assert "17 of the plan's 19 matched by id" in dlg.summary.text()
    _pick(dlg, "New accounts")
    assert [(r[0], r[2], r[5]) for r in _shown(dlg)] == [
        ("R-030", "California", "Rule of California: state in CA"),
        ("R-031", "Rockies", "Rule of Rockies: state in CO, UT"),
        ("R-032", "Pacific NW", "No rule matched: nearest eligible rep with room (Pacific NW, 2,308 km)")]
    assert dlg.route_line.text() == ("3 of 3 new accounts would be routed (0 named, 2 by a rule, 1 to the nearest "
                                     "rep with room).")
    _pick(dlg, "Gone from the CRM")
    assert [r[0] for r in _shown(dlg)] == GONE
    _pick(dlg, "Potential")
    assert _shown(dlg) == [("R-002", "Valley Fresh Foods", "California", "Potential", "$150.0k", "$400.0k")]
    _pick(dlg, "Changed")  # a section lists all of its groups, each row saying what changed
    assert sorted(r[3] for r in _shown(dlg)) == ["CRM owner", "Location", "Name", "Potential", "Segment"]
    qtbot.keyClicks(dlg.filter_edit, "miami")
    assert [r[0] for r in _shown(dlg)] == ["R-007"] and dlg.shown_label.text() == "1 of 5 shown"
    _pick(dlg, "Far outside territory")
    assert _shown(dlg) == [("R-007", "Sonoran Supply", "Desert", "Far outside territory",
                            "Phoenix, AZ 85004", "Miami, FL 33131")]
    dlg.filter_edit.clear()
    dlg.route_box.setChecked(False)
    assert dlg.route_line.text().startswith("The 3 new accounts will stay unassigned")
    _pick(dlg, "New accounts")
    assert {r[2] for r in _shown(dlg)} == {"Unassigned"}
    assert _same(w.plan, before) and w.plan.version == version  # the preview changed nothing
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert _same(w.plan, before) and w.plan.version == version
    assert w.undo_group.activeStack().count() == 0


def test_apply_is_one_undo_step_that_routes_the_new_accounts_and_selects_the_flagged_ones(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    plan = w.plan
    before = _snapshot(plan)
    kept = [a for a in before[0] if a not in GONE]
    territory_of = {a: plan.territories[int(t)].name for a, t in zip(before[0], before[1], strict=True)}
    dlg = _dialog(qtbot, w, write_newer_export(tmp_path))
    qtbot.mouseClick(dlg.apply_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert plan.n_accounts == 20
    ids = plan.accounts["account_id"].tolist()
    assert ids[:17] == kept and ids[17:] == NEW_ACCOUNTS
    names = [plan.territories[int(t)].name if t >= 0 else "" for t in plan.assignment]
    assert names[:17] == [territory_of[a] for a in kept]  # matched accounts stay where the plan put them
    assert names[17:] == ["California", "Rockies", "Pacific NW"]
    assert (plan.baseline[17:] == -1).all() and np.array_equal(plan.baseline[:17], plan.assignment[:17])
    new_row = {a: i for i, a in enumerate(ids)}
    assert plan.notes.reason[new_row["R-030"]] == "Rule of California: state in CA"
    assert plan.accounts["potential"].iat[new_row["R-002"]] == 400_000
    assert plan.departed["account_id"].tolist() == GONE
    stack = w.undo_group.activeStack()
    assert stack.count() == 1 and stack.text(0).startswith("Refresh from CRM export (3 new, 2 gone, 3 routed)")
    status = w.statusBar().currentMessage()
    assert status.startswith("Refreshed from accounts_q2.csv: 3 new (3 routed, 0 left unassigned), 2 gone, 5 changes.")
    assert "2 accounts flagged for review are selected in the table" in status
    flagged = sorted([new_row["R-001"], new_row["R-007"]])
    qtbot.waitUntil(lambda: w.selection.rows.tolist() == flagged, timeout=3000)
    assert w.account_panel.model.rowCount() == 20  # the table was rebuilt on the refreshed accounts
    assert sorted(w.account_panel.selected_rows().tolist()) == flagged

    w.undo_group.undo()
    qtbot.wait(20)
    assert _same(plan, before) and len(plan.departed) == 0
    assert w.account_panel.model.rowCount() == 19
    w.undo_group.redo()
    assert plan.accounts["account_id"].tolist() == ids and names == [
        plan.territories[int(t)].name if t >= 0 else "" for t in plan.assignment]


def test_without_routing_the_new_accounts_arrive_unassigned(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    dlg = _dialog(qtbot, w, write_newer_export(tmp_path))
    dlg.reps_edit.setText(str(CRM / "rules_reps.csv"))  # the export's reps file: read as the import reads it
    dlg.read()
    qtbot.waitUntil(lambda: dlg.prepared is not None and dlg.prepared.reps is not None, timeout=10_000)
    assert dlg.prepared.diff.counts()["new"] == 3 and dlg.prepared.diff.counts()["removed"] == 2
    dlg.route_box.setChecked(False)
    assert dlg.apply()
    assert (w.plan.assignment[17:] == -1).all() and (w.plan.assignment[:17] >= 0).all()
    assert "3 new (unassigned)" in w.statusBar().currentMessage()


def test_new_accounts_matching_a_lock_rule_are_locked_where_they_are_routed(qtbot, tmp_path):
    plan = routed_book()
    plan.settings = dataclasses.replace(plan.settings, lock_rules=(("Big deals", "potential", ">", "100k"),))
    was_locked = plan.locked.copy()
    w = make_window(qtbot, tmp_path, plan)
    dlg = _dialog(qtbot, w, write_newer_export(tmp_path))
    assert "1 new account matches the lock rules and will be locked where it lands." in dlg.notes.text()
    assert dlg.apply()
    ids = plan.accounts["account_id"].tolist()
    r030 = ids.index("R-030")
    assert plan.locked[r030] and plan.territories[int(plan.assignment[r030])].name == "California"
    assert not plan.locked[ids.index("R-031")] and not plan.locked[ids.index("R-032")]
    assert np.array_equal(plan.locked[:17], np.delete(was_locked, [4, 15]))  # matched accounts keep their locks


def test_file_menu_refresh_reads_the_chosen_export_and_applies_it(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, routed_book(), journal=True)
    export = write_newer_export(tmp_path)
    monkeypatch.setattr(refresh_package, "choose_export", lambda _w: str(export))
    seen: list[str] = []

    def drive() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, RefreshDialog) or dlg.prepared is None:
            QTimer.singleShot(20, drive)
            return
        seen.append(dlg.summary.text())
        dlg.apply()

    QTimer.singleShot(0, drive)
    w.menus.actions["refresh"].trigger()
    assert seen and "accounts_q2.csv" in seen[0]
    assert w.plan.n_accounts == 20
    assert w.doc.journal.error is None and w.doc.journal.snapshot_restarts == 1  # a crash now restores it


def test_one_new_account_is_counted_in_the_singular(qtbot, tmp_path):
    """An export with a single new account: every line of the preview and the status after Apply says "1 new
    account", "The new account", "is" — never "account(s)"."""
    w = make_window(qtbot, tmp_path, routed_book())
    export = write_newer_export(tmp_path)
    lines = export.read_text(encoding="utf-8").splitlines()
    export.write_text("\n".join(x for x in lines if not x.startswith(("R-031,", "R-032,"))) + "\n", encoding="utf-8")
    dlg = _dialog(qtbot, w, export)
    assert dlg.problem == "" and _tree(dlg)["New accounts"] == "1"
    assert dlg.route_line.text() == ("1 of 1 new account would be routed (0 named, 1 by a rule, 0 to the nearest "
                                     "rep with room).")
    _pick(dlg, "New accounts")
    assert dlg.shown_label.text() == "1 account"
    dlg.route_box.setChecked(False)
    assert dlg.route_line.text().startswith("The new account will stay unassigned (route it later")
    dlg.route_box.setChecked(True)
    assert dlg.apply()
    status = w.statusBar().currentMessage()
    assert status.startswith("Refreshed from accounts_q2.csv: 1 new (1 routed, 0 left unassigned), 2 gone, 5 changes.")
    assert "(s)" not in status and "(s)" not in dlg.route_line.text()
