"""The Capacity tab behind the territories does no work on each edit (a drop at 100k accounts skips its chart
numbers and side lists) and shows the plan's current figures the moment it is raised."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabBar

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.health_check import health_check
from tests.conftest import make_plan
from tests.ui.window_driver import make_window

NOTHING = "Nothing to check: every book is in band and within capacity"


def _click_tab(window, text: str) -> None:  # noqa: ANN001
    bar = next(b for b in window.findChildren(QTabBar) if text in [b.tabText(i) for i in range(b.count())])
    tab = [bar.tabText(i) for i in range(bar.count())].index(text)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(tab).center())


def _shown(panel) -> list[str]:  # noqa: ANN001
    return [panel.health.item(i).text() for i in range(panel.health.count())]


def _core(plan) -> list[str]:  # noqa: ANN001
    return [e.title for e in health_check(plan)] or [NOTHING]


def test_edits_behind_the_tab_are_shown_when_it_is_raised_and_follow_at_once_after(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_plan(n=600, k=8, seed=31))
    panel = w.capacity_panel
    before = _shown(panel)
    assert before == _core(w.plan)
    w.controller.apply(MoveAccounts(np.arange(0, 300), 3))  # one territory takes half the accounts
    qtbot.wait(50)
    assert _core(w.plan) != before
    assert _shown(panel) == before  # behind the territories: nothing recomputed yet
    _click_tab(w, "Capacity")
    qtbot.waitUntil(lambda: _shown(panel) == _core(w.plan), timeout=3000)
    w.undo_group.undo()  # in front now: the lists follow the edit at once
    qtbot.waitUntil(lambda: not panel._due, timeout=2000)
    assert _shown(panel) == _core(w.plan) == before
    _click_tab(w, "Territories")
    w.undo_group.redo()
    qtbot.wait(50)
    assert _shown(panel) == before
    _click_tab(w, "Capacity")
    qtbot.waitUntil(lambda: _shown(panel) == _core(w.plan) != before, timeout=3000)
