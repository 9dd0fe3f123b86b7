"""The toolbar's "Reason for moves" field: the planner's note given to every hand move until it is cleared.

Asking for a reason on each drag would be unbearable, and never asking leaves the change list mute. So the
planner types it once ("FY27 realignment: Denver office opens"), every following move by hand (table, map,
territories) carries it, and moves that already say why (co-pilot, what-if) keep their own words. The field
shows its state at a glance: empty = moves go without a reason.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from territory_desktop.ui.hub.document import Document


class MoveReasonField(QWidget):
    """A labelled line edit bound to `Document.move_reason` (kept until cleared; the ✕ clears it)."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.edit = QLineEdit(self)
        self.edit.setObjectName("moveReason")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText("Reason for the next moves (optional)")
        self.edit.setToolTip("Every account you move by hand from now on carries this reason into the change "
                             "list, until you clear it. Co-pilot and what-if moves keep their own reasons.")
        self.edit.setAccessibleName("Reason for the next moves")
        self.edit.setFixedWidth(380)
        self.edit.setMaxLength(300)
        label = QLabel("&Reason:", self)
        label.setBuddy(self.edit)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 0, 4, 0)
        lay.setSpacing(6)
        lay.addWidget(label)
        lay.addWidget(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.edit.textChanged.connect(self._typed)
        self.set_document(doc)

    def set_document(self, doc: Document) -> None:
        """A newly opened plan starts with no reason: a note written for one plan is not meant for another."""
        self.doc = doc
        self.edit.setText(doc.move_reason)

    def _typed(self, text: str) -> None:
        self.doc.move_reason = text
