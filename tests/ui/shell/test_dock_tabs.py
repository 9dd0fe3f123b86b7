"""Arranging the docks again (the co-pilot attached, Reset Layout, a resize to another layout) leaves one tab
bar per tab group: Qt kept the old bars and drew "Edit History | Co-pilot" twice at 1920×1080."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QTabBar

from territory_desktop.ui.shell.main_window import MainWindow
from tests.conftest import make_plan
from tests.ui.copilot.test_copilot_in_window import WindowClient


def _tab_bars_on_screen(w: MainWindow) -> dict[tuple[str, ...], set[tuple[int, int, int, int]]]:
    """Tab texts -> the places a bar showing them is drawn (inside the window)."""
    out: dict[tuple[str, ...], set[tuple[int, int, int, int]]] = {}
    for bar in w.findChildren(QTabBar):
        if not bar.isVisible() or bar.count() == 0:
            continue
        top_left = bar.mapTo(w, bar.rect().topLeft())
        if top_left.x() < 0 or top_left.y() < 0:
            continue
        tabs = tuple(bar.tabText(i) for i in range(bar.count()))
        out.setdefault(tabs, set()).add((top_left.x(), top_left.y(), bar.width(), bar.height()))
    return out


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (2400, 1300)])
def test_one_tab_bar_per_group_after_rearranging(qtbot, tmp_path, size):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(make_plan(300, 5, seed=2), settings=settings, restore_state=False, start_journal=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.attach_copilot(WindowClient())  # arranges once more
    w.arrange_default_layout()
    w.show()
    qtbot.waitExposed(w)
    w.reset_layout()
    QApplication.processEvents()
    bars = _tab_bars_on_screen(w)
    assert ("Edit History", "Co-pilot") in bars
    for tabs, places in bars.items():
        assert len(places) == 1, f"{tabs} drawn in {len(places)} places: {sorted(places)}"


@pytest.mark.parametrize("size", [(1920, 1080), (1600, 1000), (1366, 768)])
def test_no_stray_tab_covers_the_menu_bar(qtbot, tmp_path, size):
    """A bar Qt kept from an earlier tab group, with one tab ("Territories") left, was drawn at the window's
    top-left corner, over the File menu."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(make_plan(300, 5, seed=2), settings=settings, restore_state=False, start_journal=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.arrange_default_layout()
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    lonely = [[bar.tabText(i) for i in range(bar.count())] for bar in w.findChildren(QTabBar)
              if bar.isVisible() and bar.count() < 2 and bar.parent() is w]
    assert not lonely, f"tab bars with one tab on screen: {lonely}"
    file_menu = w.menuBar().actions()[0]
    centre = w.menuBar().actionGeometry(file_menu).center()
    assert w.childAt(w.menuBar().mapTo(w, centre)) is w.menuBar(), "something is drawn over the File menu"
