"""The window's centre: the account table and the map, side by side on a wide screen, tabbed on a laptop.

A 1366 px laptop cannot give both a usable width (the table's filter row alone needs ~1,000 px), so below
`SIDE_BY_SIDE_PX` one of them shows at a time behind a tab bar (View → Go to Account Table / Map switch).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QTabBar, QVBoxLayout, QWidget

SIDE_BY_SIDE_PX = 1700
"""From this width of the centre area, table and map share it; below, they take turns."""
TABLE_PX = 1190
"""Width the account table gets side by side: its search, filters and chips on one line."""


class Workspace(QWidget):
    """Holds named pages (the table, the map); shows them side by side or one at a time by width."""

    currentChanged = Signal(str)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabBar(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self._names: list[str] = []
        self._side_by_side: bool | None = None
        self._forced: bool | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.tabs)
        lay.addWidget(self.splitter, 1)
        self.tabs.currentChanged.connect(self._on_tab)

    def add_page(self, name: str, title: str, widget: QWidget) -> None:
        self._names.append(name)
        self.tabs.addTab(title)
        self.splitter.addWidget(widget)
        self._apply()

    def page(self, name: str) -> QWidget:
        return self.splitter.widget(self._names.index(name))

    @property
    def current(self) -> str:
        return self._names[self.tabs.currentIndex()] if self._names else ""

    @property
    def side_by_side(self) -> bool:
        return bool(self._side_by_side)

    def show_page(self, name: str) -> None:
        """Bring a page forward (its tab on a laptop) and give it the focus."""
        if name not in self._names:
            return
        self.tabs.setCurrentIndex(self._names.index(name))
        self.page(name).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_side_by_side(self, on: bool | None) -> None:
        """Force side by side (True) or tabs (False); None decides by width again."""
        self._forced = on
        self._apply()

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().resizeEvent(event)
        self._apply()

    def _apply(self) -> None:
        wide = self.width() >= SIDE_BY_SIDE_PX if self._forced is None else self._forced
        changed = wide != self._side_by_side
        self._side_by_side = wide
        self.tabs.setVisible(not wide and len(self._names) > 1)
        for i in range(self.splitter.count()):
            self.splitter.widget(i).setVisible(wide or i == self.tabs.currentIndex())
        if changed and wide and self.splitter.count() > 1:
            w = max(self.width(), 2)
            first = min(TABLE_PX, int(w * 0.62))  # the table's tool row fits in one line; the map takes the rest
            self.splitter.setSizes([first, w - first] + [0] * (self.splitter.count() - 2))

    def _on_tab(self, index: int) -> None:
        if not self._side_by_side:
            for i in range(self.splitter.count()):
                self.splitter.widget(i).setVisible(i == index)
        if 0 <= index < len(self._names):
            self.currentChanged.emit(self._names[index])
