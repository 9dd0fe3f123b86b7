"""Balance Settings → Capacity: book norms, the quota share and the headcount assumptions come back in the
settings, an impossible range is refused with its reason, and the live line follows the plan."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QDialogButtonBox, QLineEdit

from territory_desktop.core.book_norms import default_book_norms
from territory_desktop.core.headcount import HeadcountSettings
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD, BalanceSettings
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog
from tests.conftest import make_plan

MEASURES = ["potential", "pipeline", ACCOUNTS, WORKLOAD]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
_FROM, _TO = 1, 2


def _dialog(qtbot, settings: BalanceSettings | None = None, plan: Plan | None = None) -> BalanceSettingsDialog:
    d = BalanceSettingsDialog(settings or BalanceSettings(), MEASURES, SEGMENTS, plan=plan)
    qtbot.addWidget(d)
    d.show()
    d.tabs.setCurrentWidget(d.capacity)
    return d


def _ok(d: BalanceSettingsDialog):
    return d.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type_into(qtbot, spin: QAbstractSpinBox, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    spin.interpretText()


def _edit_cell(qtbot, d: BalanceSettingsDialog, row: int, col: int, text: str) -> None:
    """What a double-click on the cell, typing and Return do."""
    table = d.capacity.norms_table
    cell = table.item(row, col)
    table.editItem(cell)
    kind = QLineEdit if col == 0 else QAbstractSpinBox
    editors = [e for e in table.viewport().findChildren(kind) if e.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    if col == 0:
        editor.selectAll()
        qtbot.keyClicks(editor, text)
    else:
        _type_into(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    want = text if col == 0 else int(text)
    qtbot.waitUntil(lambda: cell.data(Qt.ItemDataRole.EditRole) == want)  # the view commits on its next turn


def _plan_with_roles() -> Plan:
    base = make_plan(500)
    for i, t in enumerate(base.territories):
        t.role = ["Enterprise AE", "SMB AE", "Mid-Market AE"][i % 3]
    return Plan(base.accounts, base.territories, base.assignment)


def test_a_norm_range_and_the_quota_share_come_back_in_the_settings(qtbot):
    d = _dialog(qtbot)
    row = d.capacity.norm_row("Enterprise")
    _edit_cell(qtbot, d, row, _FROM, "40")
    _edit_cell(qtbot, d, row, _TO, "90")
    _type_into(qtbot, d.capacity.quota_share, "35")
    _type_into(qtbot, d.capacity.revenue_target, "12000000")
    _type_into(qtbot, d.capacity.ramp[0], "10")
    assert _ok(d).isEnabled()
    qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
    s = d.result_settings
    assert s is not None
    assert s.book_norms == (("Enterprise", 40, 90), ("Mid-Market", 100, 200), ("SMB", 200, 500))
    assert s.quota_share == 0.35
    assert s.headcount.revenue_target == 12_000_000 and s.headcount.ramp == (0.1, 0.5, 0.75, 1.0)
    assert s.headcount.target_utilisation == HeadcountSettings().target_utilisation  # untouched stays exact


def test_the_quota_spin_box_cannot_leave_its_range(qtbot):
    d = _dialog(qtbot)
    _type_into(qtbot, d.capacity.quota_share, "55")
    assert 20 <= d.capacity.quota_share.value() <= 40
    d.capacity.quota_share.setValue(10)
    assert d.capacity.quota_share.value() == 20


def test_from_above_to_says_why_and_disables_ok(qtbot):
    d = _dialog(qtbot)
    row = d.capacity.norm_row("Enterprise")
    _edit_cell(qtbot, d, row, _FROM, "90")  # to is 80
    assert not _ok(d).isEnabled()
    message = d.capacity.message
    assert message.isVisibleTo(d) and "Enterprise" in message.text() and "cannot be above" in message.text()
    assert not d.error_label.isVisibleTo(d)  # the page says it already: not the same red line twice
    d.tabs.setCurrentIndex(0)
    assert "cannot be above" in d.error_label.text() and d.error_label.isVisibleTo(d)
    d.tabs.setCurrentWidget(d.capacity)
    _edit_cell(qtbot, d, row, _TO, "120")
    assert _ok(d).isEnabled() and not message.isVisibleTo(d)


def test_names_must_be_given_and_unique_and_rows_can_be_added_and_removed(qtbot):
    d = _dialog(qtbot)
    qtbot.mouseClick(d.capacity.add_norm, Qt.MouseButton.LeftButton)
    table = d.capacity.norms_table
    new = table.rowCount() - 1
    assert not _ok(d).isEnabled() and "row 4" in d.capacity.message.text()
    _edit_cell(qtbot, d, new, 0, "smb")
    assert not _ok(d).isEnabled() and "more than once" in d.capacity.message.text()
    _edit_cell(qtbot, d, new, 0, "Channel")
    _edit_cell(qtbot, d, new, _TO, "300")
    assert _ok(d).isEnabled()
    table.selectRow(d.capacity.norm_row("Mid-Market"))
    qtbot.mouseClick(d.capacity.remove_norm, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
    assert d.result_settings is not None
    assert d.result_settings.book_norms == (("Enterprise", 30, 80), ("SMB", 200, 500), ("Channel", 100, 300))


def test_restore_defaults_restores_the_capacity_fields(qtbot):
    custom = replace(BalanceSettings(), book_norms=(("Enterprise", 10, 20), ("Partner", 5, 9)), quota_share=0.25,
                     headcount=HeadcountSettings(0.7, 5e6, 5e5, 0.8, (0.0, 0.5, 1.0)))
    d = _dialog(qtbot, custom)
    assert d.capacity.norm_row("Partner") == 1 and d.capacity.quota_share.value() == 25
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults), Qt.MouseButton.LeftButton)
    assert d.capacity.norm_row("Partner") == -1 and d.capacity.utilisation.value() == 85
    assert d.capacity.revenue_target.text() == "not used"
    qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
    s = d.result_settings
    assert s is not None
    assert s.book_norms == default_book_norms() and s.quota_share == 0.3 and s.headcount == HeadcountSettings()


def test_an_unchanged_dialog_gives_back_equal_settings(qtbot):
    odd = replace(BalanceSettings(), book_norms=(("Enterprise", 30, 80), ("SMB", 0, 900)), quota_share=0.3333,
                  headcount=HeadcountSettings(0.8537, 1_234_567.89, 98_765.4, 1.2, (0.2, 0.6, 0.9)))
    for settings in (BalanceSettings(), odd):
        d = _dialog(qtbot, settings, _plan_with_roles())
        qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
        assert d.result_settings == settings


def test_the_live_line_follows_the_headcount_fields_on_the_plan(qtbot):
    d = _dialog(qtbot, plan=_plan_with_roles())
    preview = d.capacity.preview
    assert preview.isVisibleTo(d) and "With these settings:" in preview.text()
    assert "Enterprise AE: 2 reps" in preview.text() and "needed by workload" in preview.text()
    assert "books within their norm" in preview.text() and "Suggested quotas total" in preview.text()
    _type_into(qtbot, d.capacity.revenue_target, "100000000")
    _type_into(qtbot, d.capacity.quota_per_rep, "1000000")
    assert "needed by quota" in preview.text()
    _type_into(qtbot, d.capacity.quota_share, "40")
    assert "(40% of" in preview.text()


def test_the_copilot_threshold_is_a_setting_and_zero_offers_every_move(qtbot):
    d = _dialog(qtbot)
    d.tabs.setCurrentIndex(next(i for i in range(d.tabs.count()) if d.tabs.widget(i).isAncestorOf(d.min_gain)))
    assert d.current()[0] == BalanceSettings()  # unchanged: no undo step
    _type_into(qtbot, d.min_gain, "0")
    settings, problem = d.current()
    assert problem == "" and settings.copilot_min_gain == 0.0
    _type_into(qtbot, d.min_gain, "0.02")
    assert d.current()[0].copilot_min_gain == 0.02
    assert BalanceSettings.from_dict(d.current()[0].to_dict()).copilot_min_gain == 0.02  # saved with the plan
