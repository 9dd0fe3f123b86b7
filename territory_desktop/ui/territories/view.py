"""The territories table view: a drop target for account drags that outlines the row under the cursor,
says while hovering whether the accounts may go there, and scrolls near its edges so any row is reachable.

Kept apart from the model (territory_model.py) because it is all drag-and-drop and painting.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from territory_desktop.ui.hub.drag_payload import MIME, decode_rows, decode_version
from territory_desktop.ui.territories.model import TERRITORY_ROLE
from territory_desktop.ui.theme.style import ACCENT, BAND_COLORS

NAME_MIN_WIDTH = 168
"""The name column's floor: it gives way first when a sorted column widens for its arrow."""
REP_MIN_WIDTH = 120


class TerritoryView(QTableView):
    """The territory table as a drop target for account drags, outlining the row under the cursor."""

    accountsDropped = Signal(object, int)  # noqa: N815 (Qt naming) — (plan rows, territory index)
    dropHint = Signal(str)  # noqa: N815 (Qt naming) — what releasing here would do (or why it cannot)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hover_row = -1
        self._hover_refused = False
        self._drag_rows: np.ndarray | None = None
        self.drop_check: Callable[[np.ndarray, int], str] | None = None
        """(rows, territory) -> "" if the move is allowed, else the planner-worded reason."""
        self.plan_version: Callable[[], int] | None = None
        """The shown plan's version: a payload of another version names rows of another plan (or state)."""
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(False)
        self._scroll_step = 0
        self._last_drag_pos = QPoint()
        self._scroll_timer = QTimer(self, interval=60)
        self._scroll_timer.timeout.connect(self._drag_scroll)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """The territory name takes the width the other columns leave, so there is no dead band on the right."""
        super().resizeEvent(event)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        header = self.horizontalHeader()
        if self.model() is None or header.count() == 0:
            return
        others = sum(header.sectionSize(c) for c in range(2, header.count()))
        spare = max(0, self.viewport().width() - others - NAME_MIN_WIDTH - REP_MIN_WIDTH)
        rep_extra = min(spare, 70)  # rep names first get room to show in full, the territory name the rest
        self.setColumnWidth(1, REP_MIN_WIDTH + rep_extra)
        self.setColumnWidth(0, NAME_MIN_WIDTH + spare - rep_extra)

    @property
    def hover_row(self) -> int:
        return self._hover_row

    def _territory_at(self, pos: QPoint) -> tuple[int, int]:
        idx = self.indexAt(pos)
        if not idx.isValid():
            return -1, -1
        return idx.row(), int(idx.data(TERRITORY_ROLE))

    def _set_hover(self, row: int) -> None:
        if row == self._hover_row:
            return
        self._hover_row = row
        self._hover_refused = False
        if row >= 0 and self._drag_rows is not None and self.drop_check is not None:
            territory = int(self.model().index(row, 0).data(TERRITORY_ROLE))
            reason = self.drop_check(self._drag_rows, territory)
            self._hover_refused = bool(reason)
            name = str(self.model().index(row, 0).data())
            n = len(self._drag_rows)
            self.dropHint.emit(f"Cannot move here: {reason}" if reason else
                               f"Release to move {n:,} account{'s' if n != 1 else ''} to {name}.")
        self.viewport().update()

    def _ours(self, mime) -> bool:  # noqa: ANN001 — QMimeData
        """An accounts payload of the plan shown here, in its current state (rows are plan row numbers)."""
        if not mime.hasFormat(MIME):
            return False
        return self.plan_version is None or decode_version(mime) == self.plan_version()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._ours(event.mimeData()):
            self._drag_rows = decode_rows(event.mimeData())
            event.acceptProposedAction()
        else:
            if event.mimeData().hasFormat(MIME):
                self.dropHint.emit("Cannot move here: these accounts were dragged from another plan or window.")
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if not self._ours(event.mimeData()):
            event.ignore()
            return
        pos = event.position().toPoint()
        self._last_drag_pos = pos
        self._update_drag_scroll(pos)
        row, _ = self._territory_at(pos)
        self._set_hover(row)
        if row >= 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def _update_drag_scroll(self, pos: QPoint) -> None:
        """Near the top or bottom edge during a drag, scroll so any of 200 territories can be reached."""
        edge = max(18, self.verticalHeader().defaultSectionSize())
        h = self.viewport().height()
        self._scroll_step = -1 if pos.y() < edge else (1 if pos.y() > h - edge else 0)
        if self._scroll_step and not self._scroll_timer.isActive():
            self._scroll_timer.start()
        elif not self._scroll_step:
            self._scroll_timer.stop()

    def _drag_scroll(self) -> None:
        bar = self.verticalScrollBar()
        if not self._scroll_step or bar.value() == (bar.minimum() if self._scroll_step < 0 else bar.maximum()):
            self._scroll_timer.stop()
            return
        bar.setValue(bar.value() + self._scroll_step * max(1, bar.singleStep()))
        self._set_hover(self._territory_at(self._last_drag_pos)[0])

    def _stop_drag_scroll(self) -> None:
        self._scroll_step = 0
        self._scroll_timer.stop()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._stop_drag_scroll()
        self._set_hover(-1)
        self._drag_rows = None
        event.accept()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._stop_drag_scroll()
        self._set_hover(-1)
        self._drag_rows = None
        rows = decode_rows(event.mimeData())
        _, territory = self._territory_at(event.position().toPoint())
        if rows is None or territory < 0 or not self._ours(event.mimeData()):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # the source must not try to delete its rows
        event.accept()
        self.accountsDropped.emit(rows, territory)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if self._hover_row < 0 or self.model() is None:
            return
        first = self.visualRect(self.model().index(self._hover_row, 0))
        last = self.visualRect(self.model().index(self._hover_row, self.model().columnCount() - 1))
        rect = first.united(last).adjusted(1, 1, -2, -2)
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(BAND_COLORS["out"][0] if self._hover_refused else ACCENT)
        fill = QColor(colour)
        fill.setAlpha(40)
        p.setBrush(fill)
        p.setPen(QPen(colour, 2))
        p.drawRoundedRect(QRectF(rect), 4, 4)
        p.end()
