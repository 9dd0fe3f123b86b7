"""What makes a territories view a drop target for account drags, shared by the flat table and the tree.

The row under the cursor is outlined (red when the move would be refused), the reason or the result is
said while hovering, and the view scrolls near its edges so any of 200 territories can be reached. A row
that is a region or area (no territory) takes no drop: the hint says to drop on one of its territories.
The mixin holds no signals (each view declares `accountsDropped` and `dropHint`), so it works under any
QAbstractItemView subclass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView

from territory_desktop.ui.hub.drag_payload import MIME, decode_rows, decode_version
from territory_desktop.ui.territories.model import TERRITORY_ROLE
from territory_desktop.ui.theme.style import ACCENT, BAND_COLORS


class AccountDropMixin:
    """Drag-and-drop of account payloads onto territory rows; mix in before the Qt view class."""

    def _init_drop_target(self) -> None:
        self._hover = QPersistentModelIndex()
        """The territory row outlined (never a group row)."""
        self._seen = QPersistentModelIndex()
        """The row last under the cursor (a group row too), so a hint is said once per row, not per move."""
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

    def _row_height(self) -> int:
        return 30

    @property
    def hover_row(self) -> int:
        """Row (within its parent) of the territory outlined during a drag, -1 when none."""
        return self._hover.row() if self._hover.isValid() else -1

    @property
    def hover_index(self) -> QModelIndex:
        return QModelIndex(self._hover)

    def _territory_at(self, pos: QPoint) -> tuple[QModelIndex, int]:
        """(column-0 index of the row at pos, its territory or -1 for a group row / empty space)."""
        idx = self.indexAt(pos)
        if not idx.isValid():
            return QModelIndex(), -1
        first = idx.siblingAtColumn(0)
        territory = first.data(TERRITORY_ROLE)
        return first, (-1 if territory is None else int(territory))

    def _set_hover(self, idx: QModelIndex) -> None:
        if QPersistentModelIndex(idx) == self._seen:
            return
        self._seen = QPersistentModelIndex(idx)
        territory = idx.data(TERRITORY_ROLE) if idx.isValid() else None
        self._hover = QPersistentModelIndex(idx) if territory is not None else QPersistentModelIndex()
        self._hover_refused = False
        if idx.isValid() and self._drag_rows is not None:
            name = str(idx.data())
            n = len(self._drag_rows)
            if territory is None:
                self.dropHint.emit(f"{name} is a group: drop on one of its territories.")
            elif self.drop_check is not None:
                reason = self.drop_check(self._drag_rows, int(territory))
                self._hover_refused = bool(reason)
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
        idx, territory = self._territory_at(pos)
        self._set_hover(idx)
        if territory >= 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def _update_drag_scroll(self, pos: QPoint) -> None:
        """Near the top or bottom edge during a drag, scroll so any of 200 territories can be reached."""
        edge = max(18, self._row_height())
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
        self._set_hover(QModelIndex())
        self._drag_rows = None
        event.accept()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._stop_drag_scroll()
        self._set_hover(QModelIndex())
        self._drag_rows = None
        rows = decode_rows(event.mimeData())
        _, territory = self._territory_at(event.position().toPoint())
        if rows is None or territory < 0 or not self._ours(event.mimeData()):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # the source must not try to delete its rows
        event.accept()
        self.accountsDropped.emit(rows, territory)

    def _paint_hover(self) -> None:
        """Outline the hovered territory's row (call after the view has painted)."""
        if not self._hover.isValid() or self.model() is None:
            return
        first = self.visualRect(QModelIndex(self._hover))
        last = self.visualRect(QModelIndex(self._hover).siblingAtColumn(self.model().columnCount() - 1))
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
