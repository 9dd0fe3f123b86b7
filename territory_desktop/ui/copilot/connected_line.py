"""The dock's contiguity line: whether every territory is one connected piece on the map.

Only plans whose accounts are map units with an adjacency have one, so the line is hidden otherwise; the dock
decides when to recount (`connected_status`) and hands the words over.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from territory_desktop.ui.theme.style import MUTED


class ConnectedLine(QLabel):
    """A muted, selectable line beneath the list, hidden until there is something to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectedStatus")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(f"color: {MUTED};")
        self.setAccessibleName("Map contiguity")
        self.setToolTip("Which accounts touch on the map comes from File → Import "
                        "Adjacency…; Edit → Balance Settings… → Rules "
                        "turns the keep-connected rule on or off.")
        self.hide()

    def show_text(self, text: str | None) -> None:
        """Show `text`, or hide the line when it is None (no adjacency)."""
        if text is None:
            self.hide()
            return
        self.setText(text)
        self.show()
