"""Eligibility rules are set in the balance settings dialog (by keyboard or mouse) and bind drags at once."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from territory_desktop.core.settings import ACCOUNTS, WORKLOAD, BalanceSettings
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog
from territory_desktop.ui.settings.eligibility_editor import ANY_ROLE
from tests.conftest import make_plan
from tests.ui.window_driver import drop_on, make_window

MEASURES = ["potential", "pipeline", ACCOUNTS, WORKLOAD]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
ROLES = ["SMB AE", "Mid-Market AE", "Enterprise AE"]


def _dialog(qtbot, settings: BalanceSettings | None = None, roles=ROLES) -> BalanceSettingsDialog:
    d = BalanceSettingsDialog(settings or BalanceSettings(), MEASURES, SEGMENTS, roles=roles)
    qtbot.addWidget(d)
    d.show()
    return d


def _tick_by_keyboard(qtbot, d: BalanceSettingsDialog, segment: str, role: str) -> None:
    """On the rules page: into the grid, arrows to the cell, Space."""
    ed = d.eligibility
    table = ed.table
    assert table.focusPolicy() & Qt.FocusPolicy.TabFocus    # Tab reaches the grid
    table.setFocus()
    table.setCurrentCell(0, 0)
    for _ in range(ed.segments.index(segment)):
        qtbot.keyClick(table, Qt.Key.Key_Down)
    for _ in range(ed.roles.index(role)):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_Space)


def test_ticking_a_role_for_enterprise_comes_back_in_the_result(qtbot):
    d = _dialog(qtbot)
    previews = []
    d.settingsPreview.connect(previews.append)
    d.tabs.setCurrentIndex(2)
    _tick_by_keyboard(qtbot, d, "Enterprise", "Enterprise AE")
    row = d.eligibility.segments.index("Enterprise")
    assert d.eligibility.table.item(row, len(ROLES)).text() == "Enterprise AE only"
    assert previews and previews[-1].allowed_roles("Enterprise") == ("Enterprise AE",)
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    s = d.result_settings
    assert s is not None
    assert s.allowed_roles("Enterprise") == ("Enterprise AE",)
    assert s.allowed_roles("SMB") is None                    # untouched rows stay "any role"


def test_a_click_on_the_centred_box_toggles_it_and_a_second_click_clears_the_rule(qtbot):
    d = _dialog(qtbot, BalanceSettings().with_eligibility({"SMB": ["SMB AE"]}))
    d.tabs.setCurrentIndex(2)
    table = d.eligibility.table
    item = d.eligibility.cell("SMB", "Mid-Market AE")
    centre = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert d.current()[0].allowed_roles("SMB") == ("Mid-Market AE", "SMB AE")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualItemRect(d.eligibility.cell("SMB", "SMB AE")).center())
    assert d.current()[0].eligibility == ()
    assert table.item(0, len(ROLES)).text() == ANY_ROLE


def test_rules_for_roles_the_plan_lacks_are_kept_and_restore_defaults_clears_them(qtbot):
    kept = BalanceSettings().with_eligibility({"Enterprise": ["Strategic AE"]})
    d = _dialog(qtbot, kept)
    assert d.current()[0] == kept                            # opening and accepting drops nothing
    d.restore_defaults()
    assert d.current()[0].eligibility == ()
    assert d.eligibility.cell("Enterprise", "Strategic AE").checkState() == Qt.CheckState.Unchecked


def test_a_plan_without_roles_says_how_to_get_rules(qtbot):
    d = _dialog(qtbot, roles=[])
    d.tabs.setCurrentIndex(2)
    assert d.eligibility.empty_note.isVisible() and not d.eligibility.table.isVisible()
    assert d.current()[0] == BalanceSettings()


def test_the_window_applies_the_rule_and_refuses_an_enterprise_drop_on_an_smb_rep(qtbot, tmp_path):
    plan = make_plan(n=200, k=4, seed=8)
    for t, role in zip(plan.territories, ["Enterprise AE", "SMB AE", "SMB AE", ""], strict=True):
        t.role = role
    w = make_window(qtbot, tmp_path, plan)
    seen = {}

    def tick_enterprise() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, BalanceSettingsDialog)
        seen["roles"] = dlg.eligibility.roles
        dlg.tabs.setCurrentIndex(2)
        _tick_by_keyboard(qtbot, dlg, "Enterprise", "Enterprise AE")
        dlg.accept()

    QTimer.singleShot(0, tick_enterprise)
    assert w.open_balance_settings()
    assert seen["roles"] == ["Enterprise AE", "SMB AE"]     # the active territories' distinct roles
    assert plan.settings.allowed_roles("Enterprise") == ("Enterprise AE",)

    seg = plan.accounts["segment"].to_numpy(dtype=object)
    ent = np.flatnonzero((seg == "Enterprise") & (plan.assignment != 1))[:2]
    before = plan.assignment.copy()
    steps = w.doc.controller.stack.count()
    drop_on(w.territory_panel, ent, 1)
    assert np.array_equal(plan.assignment, before)
    assert w.doc.controller.stack.count() == steps
    assert w.notice.isVisible()
    assert ("Enterprise accounts may only go to Enterprise AE territories (rule in Balance settings)"
            in w.notice.text.text())

    w.actions_by_name["undo"].trigger()                      # take the rule back: the same drop now works
    assert plan.settings.eligibility == ()
    drop_on(w.territory_panel, ent, 1)
    assert (plan.assignment[ent] == 1).all()
