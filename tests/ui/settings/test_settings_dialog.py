"""The balance settings dialog returns what the planner set, previews valid states, and refuses invalid ones."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QDoubleSpinBox

from territory_desktop.core.settings import ACCOUNTS, WORKLOAD, BalanceSettings
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog

MEASURES = ["potential", "pipeline", ACCOUNTS, WORKLOAD]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise", "Public Sector"]


def _dialog(qtbot, settings: BalanceSettings | None = None) -> BalanceSettingsDialog:
    d = BalanceSettingsDialog(settings or BalanceSettings(), MEASURES, SEGMENTS)
    qtbot.addWidget(d)
    d.show()
    return d


def _ok(d: BalanceSettingsDialog):
    return d.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type_into(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    spin.interpretText()


def test_primary_band_and_smb_hours_come_back_in_result(qtbot):
    d = _dialog(qtbot)
    primary_row = next(r for r in d._rows if r.primary.isChecked())
    _type_into(qtbot, primary_row.band, "20")
    d.tabs.setCurrentIndex(1)
    table = d.workload.segment_table
    cell = table.item(d.segment_row("SMB"), 1)
    table.editItem(cell)  # what a double-click or F2 on the cell does
    editors = table.viewport().findChildren(QDoubleSpinBox)
    assert len(editors) == 1
    editor = editors[0]
    _type_into(qtbot, editor, "9.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell.data(Qt.ItemDataRole.EditRole) == 9.5)  # the view commits on its next turn
    qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
    s = d.result_settings
    assert s is not None
    assert s.primary.measure == "potential" and abs(s.primary.band - 0.20) < 1e-9
    assert s.workload.hours_by_segment["SMB"] == 9.5
    # a segment the settings did not know yet gets the default hours, and untouched ones keep theirs
    assert s.workload.hours_by_segment["Public Sector"] == BalanceSettings().workload.default_hours
    assert s.workload.hours_by_segment["Enterprise"] == BalanceSettings().workload.hours_by_segment["Enterprise"]


def test_switching_primary_and_capacity_rule(qtbot):
    d = _dialog(qtbot)
    workload_row = next(r for r in d._rows if r.measure.currentData() == WORKLOAD)
    qtbot.mouseClick(workload_row.primary, Qt.MouseButton.LeftButton)
    d.capacity_soft.setChecked(True)
    qtbot.mouseClick(d.within_role, Qt.MouseButton.LeftButton)
    d.workload.max_trip.setValue(5)
    d.accept()
    s = d.result_settings
    assert s.primary.measure == WORKLOAD and sum(m.primary for m in s.measures) == 1
    assert s.capacity_hard is False and s.balance_within_role is False
    assert s.workload.max_trip_hours == 5


def test_ok_without_changes_gives_back_the_same_settings(qtbot):
    base = BalanceSettings()
    custom = replace(base, near_fraction=0.65, capacity_hard=False, pipeline_lock_threshold=5000.0,
                     balance_within_role=False,
                     workload=replace(base.workload, speed_kmh=55.0, circuity=1.4, max_trip_hours=6.5,
                                      default_visits=3.0))
    d = BalanceSettingsDialog(custom, MEASURES, list(custom.workload.hours_by_segment))
    qtbot.addWidget(d)
    d.accept()
    assert d.result_settings == custom


def test_duplicate_measure_is_refused_with_a_message(qtbot):
    d = _dialog(qtbot)
    second = d._rows[1]
    second.measure.setCurrentIndex(second.measure.findData("potential"))
    assert not _ok(d).isEnabled()
    assert "more than once" in d.error_label.text()
    d.accept()  # even a forced accept is refused
    assert d.result_settings is None and d.isVisible()


def test_removing_the_primary_measure_asks_for_one(qtbot):
    d = _dialog(qtbot)
    primary_row = next(r for r in d._rows if r.primary.isChecked())
    qtbot.mouseClick(primary_row.remove, Qt.MouseButton.LeftButton)
    assert "exactly one primary" in d.error_label.text()
    assert not _ok(d).isEnabled()
    qtbot.mouseClick(d._rows[0].primary, Qt.MouseButton.LeftButton)
    assert _ok(d).isEnabled() and not d.error_label.isVisibleTo(d)


def test_band_spin_cannot_leave_one_to_hundred_percent(qtbot):
    d = _dialog(qtbot)
    band = d._rows[0].band
    _type_into(qtbot, band, "250")
    assert band.value() <= 100
    band.setValue(0)
    assert band.value() >= 1


def test_preview_follows_valid_changes_and_cancel_takes_it_back(qtbot):
    original = BalanceSettings()
    d = _dialog(qtbot, original)
    seen: list[BalanceSettings] = []
    d.settingsPreview.connect(seen.append)
    d.tabs.setCurrentIndex(1)
    _type_into(qtbot, d.workload.speed, "50")
    assert seen and seen[-1].workload.speed_kmh == 50
    d._rows[1].measure.setCurrentIndex(d._rows[1].measure.findData("potential"))  # invalid: no preview
    count = len(seen)
    d._rows[1].band.setValue(44)
    assert len(seen) == count
    d.reject()
    assert seen[-1] == original


def test_restore_defaults(qtbot):
    default = BalanceSettings()
    custom = replace(default.with_measures(default.measures[:1]), workload=replace(default.workload, speed_kmh=40))
    d = _dialog(qtbot, custom)
    assert len(d._rows) == 1 and d.workload.speed.value() == 40
    d.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    d.accept()
    assert d.result_settings.measures == default.measures
    w = d.result_settings.workload
    assert replace(w, hours_by_segment={}, visits_by_segment={}) == replace(
        default.workload, hours_by_segment={}, visits_by_segment={})
    for seg, hours in default.workload.hours_by_segment.items():
        assert w.hours_by_segment[seg] == hours
