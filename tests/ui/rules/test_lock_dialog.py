"""Territories → Lock by Rule… driven as a planner does: add a rule, watch the live count, OK locks the accounts
and saves the rule in one undo step; removing a rule asks whether to unlock its accounts."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from territory_desktop.core.lock_rules import locked_by_rules
from territory_desktop.ui.rules import lock_dialog
from territory_desktop.ui.rules.lock_dialog import LockRulesDialog
from tests.ui.rules.conftest import book
from tests.ui.window_driver import make_window

BIG = ["R-006", "R-012", "R-020"]  # open pipeline $300k, $500k, $750k


def _dialog(qtbot, w) -> LockRulesDialog:
    dlg = LockRulesDialog(w)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _ok(dlg: LockRulesDialog):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _locked_ids(w) -> list[str]:
    return sorted(w.plan.accounts["account_id"][w.plan.locked].tolist())


def _count_text(dlg: LockRulesDialog) -> str:
    return dlg.count.text().replace("<b>", "").replace("</b>", "")


def test_a_new_rule_counts_live_and_ok_locks_and_saves_in_one_undo_step(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book())
    w.plan.locked[w.plan.rows_of(["R-012"])] = True  # already locked by hand
    dlg = _dialog(qtbot, w)
    assert dlg.list.count() == 0 and not dlg.conditions.isEnabled()
    qtbot.mouseClick(dlg.add_rule_button, Qt.MouseButton.LeftButton)
    dlg.name.selectAll()
    qtbot.keyClicks(dlg.name, "Big open deals")
    assert dlg.list.item(0).text() == "Big open deals"
    f, op, value = dlg.conditions.widgets(0)
    assert (f.currentData(), op.currentData()) == ("pipeline", ">")
    qtbot.keyClicks(value, "250k")
    qtbot.waitUntil(lambda: "This rule locks 3 accounts (2 not locked now)" in _count_text(dlg), timeout=3000)
    # a second condition narrows it: Enterprise only
    qtbot.mouseClick(dlg.conditions.add_button, Qt.MouseButton.LeftButton)
    f2, op2, value2 = dlg.conditions.widgets(1)
    f2.setCurrentIndex(f2.findData("segment"))
    op2.setCurrentIndex(op2.findData("="))
    qtbot.keyClicks(value2, "enterprise")
    qtbot.waitUntil(lambda: "This rule locks 3 accounts" in _count_text(dlg), timeout=3000)  # all 3 are Enterprise
    value2.selectAll()
    qtbot.keyClicks(value2, "SMB")
    qtbot.waitUntil(lambda: "This rule locks 0 accounts" in _count_text(dlg), timeout=3000)
    value2.selectAll()
    qtbot.keyClicks(value2, "Enterprise")
    qtbot.waitUntil(lambda: "This rule locks 3 accounts (2 not locked now)" in _count_text(dlg), timeout=3000)
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)

    assert _locked_ids(w) == BIG
    assert w.plan.settings.lock_rules == (("Big open deals", "pipeline", ">", "250k"),
                                          ("Big open deals", "segment", "=", "Enterprise"))
    assert locked_by_rules(w.plan).sum() == 3
    stack = w.undo_group.activeStack()
    assert stack.count() == 1 and stack.text(0) == "Lock by rule: lock 2 accounts"
    w.undo_group.undo()
    assert _locked_ids(w) == ["R-012"] and w.plan.settings.lock_rules == ()


def test_a_bad_value_is_named_and_ok_waits(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, book())
    dlg = _dialog(qtbot, w)
    dlg.add_rule("Big")
    assert dlg.problem.text() == "Condition 1: the condition on 'pipeline' has no value"
    assert not _ok(dlg).isEnabled()
    qtbot.keyClicks(dlg.conditions.widgets(0)[2], "a lot")
    want = "Condition 1: pipeline is a number, and 'a lot' is not one (write e.g. 250000, 250k or $1.2M)"
    qtbot.waitUntil(lambda: dlg.problem.text() == want, timeout=3000)
    assert not _ok(dlg).isEnabled()
    value = dlg.conditions.widgets(0)[2]
    value.selectAll()
    qtbot.keyClicks(value, "1")
    qtbot.waitUntil(lambda: dlg.problem.text() == "", timeout=3000)
    dlg.add_rule()  # a second rule, renamed to the first one's name
    qtbot.keyClicks(dlg.conditions.widgets(0)[2], "2")
    dlg.name.selectAll()
    qtbot.keyClicks(dlg.name, "big")
    qtbot.waitUntil(lambda: dlg.problem.text() == "Two rules are called “big”: give each its own name.",
                    timeout=3000)
    assert not _ok(dlg).isEnabled()


def _window_with_rules(qtbot, tmp_path):
    plan = book()
    rows = (("Big open deals", "pipeline", ">", "250k"), ("Software", "industry", "=", "software"))
    from dataclasses import replace
    plan.settings = replace(plan.settings, lock_rules=rows)
    plan.locked[:] = locked_by_rules(plan)
    return make_window(qtbot, tmp_path, plan)


def test_removing_a_rule_asks_and_yes_unlocks_its_accounts_on_ok(qtbot, tmp_path):
    w = _window_with_rules(qtbot, tmp_path)
    software = ["R-003", "R-006", "R-011", "R-012", "R-019"]
    assert _locked_ids(w) == sorted(set(BIG) | set(software))
    asked = []

    def ask(title, text, buttons, default):
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    w.ask = ask
    dlg = _dialog(qtbot, w)
    dlg.list.setCurrentRow(1)
    assert "This rule locks 5 accounts (0 not locked now)" in _count_text(dlg)
    qtbot.mouseClick(dlg.remove_rule_button, Qt.MouseButton.LeftButton)
    # are also big deals: only the three the other rule does not lock are offered
    assert asked and "Rule “Software” locks 3 accounts that no other rule locks" in asked[0]
    assert "OK also unlocks 3 accounts of the removed rule." in _count_text(dlg)
    assert "1 rule locks " in _count_text(dlg) and "(s)" not in _count_text(dlg)  # not "All 1 rule lock"
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert _locked_ids(w) == BIG
    assert w.plan.settings.lock_rules == (("Big open deals", "pipeline", ">", "250k"),)
    assert w.undo_group.activeStack().text(0) == "Lock by rule: unlock 3"
    w.undo_group.undo()
    assert _locked_ids(w) == sorted(set(BIG) | set(software)) and len(w.plan.settings.lock_rules) == 2


def test_removing_a_rule_and_answering_no_keeps_the_locks(qtbot, tmp_path):
    w = _window_with_rules(qtbot, tmp_path)
    locked = w.plan.locked.copy()
    w.ask = lambda *a: QMessageBox.StandardButton.No
    dlg = _dialog(qtbot, w)
    dlg.remove_rule(0)
    assert dlg.list.count() == 1 and dlg.name.text() == "Software"
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert np.array_equal(w.plan.locked, locked)
    assert w.plan.settings.lock_rules == (("Software", "industry", "=", "software"),)


def test_the_menu_opens_the_lock_rules(qtbot, tmp_path, monkeypatch):
    w = _window_with_rules(qtbot, tmp_path)
    shown = []
    monkeypatch.setattr(lock_dialog.LockRulesDialog, "exec", lambda self: shown.append(self) or 0)
    w.actions_by_name["lock_rules"].trigger()
    assert len(shown) == 1 and [shown[0].list.item(i).text() for i in range(2)] == ["Big open deals", "Software"]
