"""Where the window's panels were: geometry, dock layout and the territories' sort order, saved on close in the
planner's settings and restored on the next start (a MainWindow mixin; `reset_layout` puts the first-start
layout back)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt

from territory_desktop.ui.shell.dock_layout import hide_stray_tab_bars

STATE_VERSION = 1


class WindowState:
    """Save and restore the window's layout (mixed into MainWindow)."""

    def reset_layout(self) -> None:
        """Put the panels back where a first start puts them, for the current window size."""
        self.arrange_default_layout()

    def _restore_window_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state), STATE_VERSION)
            hide_stray_tab_bars(self)
        key = str(self.settings.value("territories/sortKey", "name"))
        column = self.territory_panel.model.column_of(key)
        if column >= 0:
            descending = str(self.settings.value("territories/sortDescending", "false")).lower() == "true"
            self.territory_panel.view.sortByColumn(
                column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def save_window_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(STATE_VERSION))
        header = self.territory_panel.view.horizontalHeader()
        if 0 <= header.sortIndicatorSection() < self.territory_panel.model.columnCount():
            self.settings.setValue("territories/sortKey",
                                   self.territory_panel.model.column_key(header.sortIndicatorSection()))
            self.settings.setValue("territories/sortDescending",
                                   header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        self.account_panel.save_columns()
        self.settings.sync()
