"""The buttons beneath the suggestion list: Preview, Reject, Accept and Accept all.

A row of its own so which button may be pressed, and what its tooltip says then, sits in one place; the dock
connects the clicks to its actions and says what the current suggestion allows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from territory_desktop.ui.theme.style import SPACING

ACCEPT_TIP = "Make these moves as one undoable step (Enter)"
STALE_ACCEPT_TIP = "Out of date: the plan changed since; wait for the new suggestions"


class ActionRow(QWidget):
    """"[Preview] [Reject]      [Accept] [Accept all]"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        buttons = QHBoxLayout(self)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(SPACING)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Select these accounts in the table and on the map, and show the "
                                       "territories' figures before → after (double-click, Space)")
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Drop this suggestion; the co-pilot will not offer it again (Delete)")
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip(ACCEPT_TIP)
        self.accept_button.setDefault(True)
        self.accept_all_button = QPushButton("Accept all")
        self.accept_all_button.setToolTip("Make every suggested move as one undoable step")
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.accept_all_button)

    def set_state(self, has: bool, fresh: bool, any_fresh: bool) -> None:
        """Enable the buttons for a current suggestion (`has`), one of today's plan (`fresh`), and any fresh one."""
        for b in (self.preview_button, self.reject_button):
            b.setEnabled(has)
        self.accept_button.setEnabled(fresh)
        self.accept_button.setToolTip(ACCEPT_TIP if fresh or not has else STALE_ACCEPT_TIP)
        self.accept_all_button.setEnabled(any_fresh)
