"""Balance Settings → Rules: "Keep each territory one connected piece of the map" is usable only once the plan
has an adjacency (the tooltip says where one comes from), and turning it off is one undoable settings edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.io.adjacency_file import read_adjacency_csv
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog
from tests.ui.adjacency.conftest import grid_plan, write_pairs
from tests.ui.window_driver import make_window


def _dialog(qtbot, plan) -> BalanceSettingsDialog:  # noqa: ANN001
    d = BalanceSettingsDialog(plan.settings, [*plan.measure_names, ACCOUNTS, WORKLOAD], list(plan.segment_names),
                              plan=plan)
    qtbot.addWidget(d)
    d.show()
    return d


def test_without_an_adjacency_the_box_is_disabled_and_says_why(qtbot) -> None:
    d = _dialog(qtbot, grid_plan())
    box = d.keep_connected
    assert box.text() == "&Keep each territory one connected piece of the map"
    assert not box.isEnabled()
    assert "File → Import Adjacency…" in box.toolTip()
    settings, _ = d.current()
    assert settings is not None and settings.keep_connected  # the setting itself is kept as it was


def test_with_an_adjacency_the_box_is_enabled_and_bound_to_the_setting(qtbot, tmp_path: Path) -> None:
    plan = grid_plan()
    plan.adjacency = read_adjacency_csv(write_pairs(tmp_path), plan)
    d = _dialog(qtbot, plan)
    box = d.keep_connected
    assert box.isEnabled() and box.isChecked()
    assert "Import Adjacency" not in box.toolTip()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    settings, _ = d.current()
    assert settings is not None and not settings.keep_connected
    d.restore_defaults()
    assert box.isChecked()


def test_turning_the_rule_off_in_the_window_is_one_undoable_step(qtbot, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    plan = grid_plan()
    w = make_window(qtbot, tmp_path, plan)
    path = write_pairs(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    w.actions_by_name["import_adjacency"].trigger()
    steps = w.undo_group.activeStack().count()

    def untick() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, BalanceSettingsDialog)
        dlg.tabs.setCurrentIndex(next(i for i in range(dlg.tabs.count())
                                      if dlg.tabs.widget(i).isAncestorOf(dlg.keep_connected)))
        assert dlg.keep_connected.isEnabled()
        qtbot.mouseClick(dlg.keep_connected, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, untick)
    assert w.open_balance_settings()
    assert not plan.settings.keep_connected
    assert w.undo_group.activeStack().count() == steps + 1
    w.actions_by_name["undo"].trigger()
    assert plan.settings.keep_connected and plan.adjacency is not None
