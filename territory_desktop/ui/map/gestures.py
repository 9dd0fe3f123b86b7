"""What the planner does to the map canvas with mouse and keys, turned into requests: click, Shift/Ctrl
click, rectangle, lasso and paint lasso, drag of the selection, pan, wheel zoom, context menu, hover tooltip.

The canvas never edits the plan: a gesture ends in a signal (`selectRequested`, `paintRequested`,
`contextRequested`, `dragSelection`) that the map view acts on. Hit tests go to `ProjectedPoints` (nearest
account within `HOVER_RADIUS_PX`, accounts inside a polygon). The rectangle or lasso being drawn is painted
here too, over the frame. A mixin of `MapCanvas`, which owns the state and declares the signals.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip

from territory_desktop.ui.map.viewport import ProjectedPoints, Viewport

HOVER_RADIUS_PX = 6
DRAG_START_PX = 6


class GesturesMixin:
    """Mouse and keyboard of the map canvas, and the rectangle or lasso drawn meanwhile; mix in before QWidget."""

    view: Viewport
    points: ProjectedPoints | None
    selected: np.ndarray
    visible: np.ndarray | None
    mode: str
    tooltip_for: Callable[[int], str] | None
    selectRequested: Signal  # noqa: N815 — these four are declared by MapCanvas
    paintRequested: Signal  # noqa: N815
    contextRequested: Signal  # noqa: N815
    dragSelection: Signal  # noqa: N815
    _press: QPointF | None
    _press_button: Qt.MouseButton
    _press_row: int
    _gesture: str
    _lasso: list[QPointF]
    _last: QPointF | None

    def row_at(self, pos: QPointF) -> int:
        if self.points is None:
            return -1
        return self.points.nearest(pos.x(), pos.y(), self.view, HOVER_RADIUS_PX, self.visible)

    def _op(self, mods: Qt.KeyboardModifier) -> str:
        if mods & Qt.KeyboardModifier.ControlModifier:
            return "toggle" if self._gesture == "" else "remove"
        if mods & Qt.KeyboardModifier.ShiftModifier:
            return "add"
        return "replace"

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        pos = event.position()
        self._press, self._last, self._press_button = pos, pos, event.button()
        self._press_row = self.row_at(pos)
        self._gesture = ""
        if event.button() == Qt.MouseButton.MiddleButton:
            self._gesture = "pan"
        elif event.button() == Qt.MouseButton.LeftButton and self.mode in ("lasso", "paint"):
            self._gesture = "lasso"
            self._lasso = [pos]
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        pos = event.position()
        if self._press is None:
            self._hover(pos, event.globalPosition().toPoint())
            return
        moved = (pos - self._press).manhattanLength() >= DRAG_START_PX
        if self._gesture == "" and moved and self._press_button == Qt.MouseButton.LeftButton:
            on_selected = self._press_row >= 0 and bool(np.isin(self._press_row, self.selected))
            if on_selected:
                self._gesture = "drag"
                self._press = None
                self.dragSelection.emit()
                return
            shift = bool(event.modifiers() & (Qt.KeyboardModifier.ShiftModifier
                                              | Qt.KeyboardModifier.ControlModifier))
            self._gesture = "rect" if shift else "pan"
        if self._gesture == "pan" and self._last is not None:
            d = pos - self._last
            self.pan_by(d.x(), d.y())
        elif self._gesture == "lasso":
            if (pos - self._lasso[-1]).manhattanLength() >= 2:
                self._lasso.append(pos)
            self.update()
        elif self._gesture == "rect":
            self.update()
        self._last = pos

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self._press is None:
            self._gesture = ""
            return
        pos = event.position()
        gesture, self._gesture = self._gesture, ""
        mods = event.modifiers()
        if gesture == "lasso" and self.points is not None:
            poly = np.array([[p.x(), p.y()] for p in self._lasso + [pos]])
            self._lasso = []
            if len(poly) >= 3:
                rows = self.points.inside(poly, self.view, self.visible)
                if self.mode == "paint":
                    self.paintRequested.emit(rows)
                else:
                    self.selectRequested.emit(rows, self._op_for_area(mods))
            elif self._press_row >= 0:
                self.selectRequested.emit(np.array([self._press_row]), self._op(mods))
        elif gesture == "rect" and self.points is not None:
            a, b = self._press, pos
            poly = np.array([[a.x(), a.y()], [b.x(), a.y()], [b.x(), b.y()], [a.x(), b.y()]])
            self.selectRequested.emit(self.points.inside(poly, self.view, self.visible), self._op_for_area(mods))
        elif gesture == "" and event.button() == Qt.MouseButton.LeftButton:
            row = self.row_at(pos)
            if row >= 0:
                self.selectRequested.emit(np.array([row]), self._op(mods))
            elif not mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
                self.selectRequested.emit(np.empty(0, dtype=np.int64), "replace")
        self._press = None
        self.update()

    @staticmethod
    def _op_for_area(mods: Qt.KeyboardModifier) -> str:
        if mods & Qt.KeyboardModifier.ControlModifier:
            return "remove"
        if mods & Qt.KeyboardModifier.ShiftModifier:
            return "add"
        return "replace"

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt API)
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25 ** steps, event.position())
        event.accept()

    def contextMenuEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        pos = QPointF(event.pos())
        self.contextRequested.emit(event.globalPos(), self.row_at(pos))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        step = 80
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / 1.5)
        elif key == Qt.Key.Key_0:
            self.fit_rows()
        elif key == Qt.Key.Key_Left:
            self.pan_by(step, 0)
        elif key == Qt.Key.Key_Right:
            self.pan_by(-step, 0)
        elif key == Qt.Key.Key_Up:
            self.pan_by(0, step)
        elif key == Qt.Key.Key_Down:
            self.pan_by(0, -step)
        elif key == Qt.Key.Key_Escape and self._gesture:
            self._gesture, self._lasso, self._press = "", [], None
            self.update()
        else:
            super().keyPressEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        QToolTip.hideText()
        super().leaveEvent(event)

    def _hover(self, pos: QPointF, global_pos: QPoint) -> None:
        row = self.row_at(pos)
        if row < 0 or self.tooltip_for is None:
            QToolTip.hideText()
            return
        QToolTip.showText(global_pos, self.tooltip_for(row), self)

    def start_drag(self, mime, pixmap: QPixmap | None) -> None:  # noqa: ANN001 — QMimeData
        drag = QDrag(self)
        drag.setMimeData(mime)
        if pixmap is not None:
            drag.setPixmap(pixmap)
        drag.exec(Qt.DropAction.MoveAction)

    def _paint_gesture(self, painter: QPainter) -> None:
        """The rectangle or lasso being drawn (orange in paint mode), over the frame."""
        if self._gesture == "rect" and self._press is not None and self._last is not None:
            painter.setPen(QPen(QColor("#0B57D0"), 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(11, 87, 208, 30))
            painter.drawRect(QRectF(self._press, self._last).normalized())
        elif self._gesture == "lasso" and len(self._lasso) > 1:
            paint = self.mode == "paint"
            painter.setPen(QPen(QColor("#D55E00" if paint else "#0B57D0"), 1.6, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(213, 94, 0, 30) if paint else QColor(11, 87, 208, 30))
            painter.drawPolygon(QPolygonF(self._lasso))
