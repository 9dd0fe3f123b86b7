"""The Edit History panel: every undoable step of the open plan; clicking a step goes back to it.

It shows the window's QUndoGroup, so it follows whichever document is open without being rewired.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import QUndoView, QWidget

from territory_desktop.ui.theme import icons


class HistoryView(QUndoView):
    """QUndoView with a planner-worded first entry and the save point marked."""

    def __init__(self, group: QUndoGroup, parent: QWidget | None = None) -> None:
        super().__init__(group, parent)
        self.setEmptyLabel("Opened plan")
        self.setCleanIcon(icons.icon("save"))
        self.setAlternatingRowColors(True)
        self.setToolTip("Click a step to return the plan to that point; the disk marks the last save")
        self.setAccessibleName("Edit history")
