"""Where the docks go for the window's size: wide (2K+), desktop (a 1920 screen) and laptop (1366–1440 px).

Kept apart from the window's wiring: it reads only the window's docks (territories, history, capacity and,
when attached, co-pilot) and its size, and the rules are the numbers below.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

WIDE_LAYOUT_PX = 2200
"""From this window width the territories sit beside the account table; below it, under the table (the
table's filter row and the territory columns each need ~1,000 px, so side by side needs a 2K+ screen)."""
LAPTOP_LAYOUT_PX = 1700
"""Below this window width (a 1366 or 1440 px laptop) the co-pilot gets a full-height column on the right."""
TERRITORY_COLUMNS_PX = 940
"""Width the territories panel needs to show every column (name, rep, numbers, deviations, lock)."""


def arrange_docks(w: QMainWindow) -> None:
    """Put the docks where the window size serves them best.

    Wide (2K+): territories beside the table, history under them. Desktop (1,700–2,200 px): territories
    under the table at the width their columns need, the co-pilot beside them, both half the height so
    several suggestions show. Laptop (a 1366 px screen): the co-pilot and history in a full-height column
    on the right (where a list of suggestions has room), the territories under the table.
    """
    width, height = max(w.width(), 800), max(w.height(), 600)
    copilot = getattr(w, "copilot_dock", None)
    side = [w.history_dock] + ([copilot] if copilot is not None else [])
    laptop = width < LAPTOP_LAYOUT_PX
    # take every dock out first: re-tabbing docks that are already tabbed leaves Qt's old tab bars behind,
    # drawn over the new ones (seen as "Edit History | Co-pilot" twice after the co-pilot was attached)
    for dock in (w.territory_dock, w.capacity_dock, *side):
        w.removeDockWidget(dock)
    w.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea if laptop
                   else Qt.DockWidgetArea.BottomDockWidgetArea)
    if width >= WIDE_LAYOUT_PX:
        for dock in (w.territory_dock, *side):
            _place(w, dock, Qt.DockWidgetArea.RightDockWidgetArea)
        w.splitDockWidget(w.territory_dock, w.history_dock, Qt.Orientation.Vertical)
        w.resizeDocks([w.territory_dock], [max(560, min(920, int(width * 0.47)))],
                         Qt.Orientation.Horizontal)
        lower = 0.2 if copilot is None else 0.38
        w.resizeDocks([w.territory_dock, w.history_dock], [int(height * (0.9 - lower)),
                                                                    int(height * lower)],
                         Qt.Orientation.Vertical)
    elif not laptop:
        for dock in (w.territory_dock, *side):
            _place(w, dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        w.splitDockWidget(w.territory_dock, w.history_dock, Qt.Orientation.Horizontal)
        w.resizeDocks([w.territory_dock], [int(height * (0.42 if copilot is None else 0.5))],
                         Qt.Orientation.Vertical)
        history = (max(260, min(420, int(width * 0.22))) if copilot is None
                   else max(380, min(620, width - TERRITORY_COLUMNS_PX - 40)))
        w.resizeDocks([w.territory_dock, w.history_dock], [width - history, history],
                         Qt.Orientation.Horizontal)
    else:
        _place(w, w.territory_dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        for dock in side:
            _place(w, dock, Qt.DockWidgetArea.RightDockWidgetArea)
        column = max(300, min(440, width - TERRITORY_COLUMNS_PX - 60))  # 60: frame and scroll bar
        w.resizeDocks([w.history_dock], [column], Qt.Orientation.Horizontal)
        w.resizeDocks([w.territory_dock], [int(height * 0.45)], Qt.Orientation.Vertical)
    if copilot is not None:  # the co-pilot shares the history's place, in front: it is the one that talks
        w.tabifyDockWidget(w.history_dock, copilot)
        copilot.show()
        copilot.raise_()
    # the capacity view shares the territories' place, behind them (Ctrl+Shift+C brings it forward);
    # tabbing resets the group to its minimum width, so the widths are set again after it
    w.capacity_dock.setFloating(False)
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, w.capacity_dock)
    w.tabifyDockWidget(w.territory_dock, w.capacity_dock)
    w.capacity_dock.show()
    w.territory_dock.raise_()
    if width >= WIDE_LAYOUT_PX:
        w.resizeDocks([w.territory_dock], [max(560, min(920, int(width * 0.47)))],
                         Qt.Orientation.Horizontal)
    elif not laptop:
        w.resizeDocks([w.territory_dock, w.history_dock], [width - history, history],
                         Qt.Orientation.Horizontal)
    else:
        w.resizeDocks([w.history_dock], [column], Qt.Orientation.Horizontal)
    hide_stray_tab_bars(w)


def hide_stray_tab_bars(w: QMainWindow) -> None:
    """Hide the tab bars Qt keeps from tab groups that are gone: one left with a single tab ("Territories")
    was drawn at the window's top-left corner, over the File menu. A group of one dock shows no tab bar, so
    a bar with fewer than two tabs is never one in use; Qt shows a bar again when a group needs it."""
    for bar in w.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if bar.count() < 2:
            bar.hide()


def _place(w: QMainWindow, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
    dock.setFloating(False)
    w.addDockWidget(area, dock)
    dock.show()
