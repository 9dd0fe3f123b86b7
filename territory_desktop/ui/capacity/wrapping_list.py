"""A list whose long entries wrap to the list's width.

QListWidget's own word wrap is lost under the app's style sheet (item sizes are computed unwrapped), so a long
health-check entry was cut at the dock's edge at 1280×800. Here each item's height is set from its wrapped text
whenever the texts or the width change.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QListWidget, QWidget

_PAD_X, _PAD_Y = 10, 4
"""Room the item's frame and the style sheet's padding take around the text (pixels)."""


class WrappingList(QListWidget):
    """A QListWidget of plain-text entries that wrap instead of being cut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._wrapped_for = -1

    def set_texts(self, texts: list[str]) -> None:
        """Replace the entries (only when they differ: a click's selection survives an unchanged refresh)."""
        if [self.item(i).text() for i in range(self.count())] != texts:
            self.clear()
            self.addItems(texts)
            self._wrapped_for = -1
        self.wrap()

    def wrap(self) -> None:
        """Give each item the height its text needs at the current width."""
        width = max(self.viewport().width() - _PAD_X, 40)
        if width == self._wrapped_for:
            return
        self._wrapped_for = width
        fm = self.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        for i in range(self.count()):
            item = self.item(i)
            rect = fm.boundingRect(QRect(0, 0, width, 10_000), flags, item.text())
            item.setSizeHint(QSize(width, rect.height() + _PAD_Y))

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().resizeEvent(event)
        self.wrap()
