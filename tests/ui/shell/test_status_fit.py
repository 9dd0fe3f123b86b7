"""The status bar at a laptop's 1366 px: a message such as "Moved 1 account to …" is read in full, never cut
to "Moved 1 accour" by the permanent figures beside it, and the figures say their band word honestly."""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.ui.shell.status_bar import HealthStatus
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def _message_room(window) -> int:
    bar = window.statusBar()
    lefts = [w.geometry().x() for w in (window.selection_summary, window.health) if w.isVisible()]
    return min(lefts) if lefts else bar.width()


def test_a_move_message_is_not_clipped_at_1366(qtbot, tmp_path) -> None:
    base = make_plan(n=600, k=25, seed=4)
    acc = base.accounts.copy()
    acc.loc[:9, ["lat", "lon"]] = np.nan  # loose ends, so every permanent figure is showing
    terrs = [dataclasses.replace(t, capacity_hours=10.0) for t in base.territories]
    assignment = base.assignment.copy()
    assignment[:40] = -1
    plan = Plan(acc, terrs, assignment)
    w = make_window(qtbot, tmp_path, plan)
    w.resize(1366, 768)
    w.doc.controller.apply(MoveAccounts(np.array([50]), 3, "Move 1 account"))
    w.selection.set_rows(np.arange(200))
    text = "Moved 1,234 accounts to Los Angeles Mid-Market."
    w.show_status(text)
    for _ in range(3):
        QApplication.processEvents()
    need = QFontMetrics(w.statusBar().font()).horizontalAdvance(text) + 8
    assert _message_room(w) >= need, (_message_room(w), need)
    w.selection.set_rows(np.arange(300))  # a selection made while the message shows takes no room from it
    QApplication.processEvents()
    assert _message_room(w) >= need, (_message_room(w), need)
    # the message gone, the figures come back in full
    w.statusBar().clearMessage()
    QApplication.processEvents()
    assert w.health.cv.isVisible()


def test_the_max_deviation_agrees_with_the_out_of_band_count(qtbot) -> None:
    acc = accounts_frame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"], "lat": [40.0, 41.0],
                          "lon": [-100.0, -101.0], "potential": [1153.0, 847.0]})
    plan = Plan(acc, [Territory("North"), Territory("South")], np.array([0, 1]))
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),))
    bar = HealthStatus(plan)
    qtbot.addWidget(bar)
    assert bar.band.text() == "2 of 2 out of band"
    assert "15.3%" in bar.deviation.text()  # "±15%" beside a ±15% band would read as in band


def test_one_moved_account_does_not_read_as_nothing_moved(qtbot) -> None:
    plan = make_plan(n=5000, k=5, seed=1)
    bar = HealthStatus(plan)
    qtbot.addWidget(bar)
    plan.apply(MoveAccounts(np.array([int(np.flatnonzero(plan.assignment == 0)[0])]), 1))
    assert "(0.0%)" not in bar.moved.text() and "<0.1%" in bar.moved.text()
