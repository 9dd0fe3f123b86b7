"""The map canvas: base map, accounts, outlines, rep homes, labels and legend, and the mouse and keyboard.

Drawing is layered and cached: the base map is a pixmap per view, the accounts an ARGB image splatted by
numpy (raster.py), outlines and labels are vector on top. A pan or zoom re-splats (a few ms at 100k), a move
recolours only the moved rows. The canvas does not edit the plan: it reports what the planner asked for
(`selectRequested`, `paintRequested`, `contextRequested`, a drag of the selection) and the map view acts.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from territory_desktop.ui.map.layers import ShapeRenderer, Sprites, render_shapes
from territory_desktop.ui.map.overlays import (
    paint_arrows,
    paint_homes,
    paint_labels,
    paint_legend,
    view_to_view,
)
from territory_desktop.ui.map.raster import argb, overlay, splat
from territory_desktop.ui.map.viewport import ProjectedPoints, Viewport

SEA, LAND, BORDER, STATE_BORDER = "#DCE5EE", "#FAFAF8", "#A9B4C0", "#CDD5DE"
SELECTED_RING = "#111111"
POINT_SIZE = 4
HOVER_RADIUS_PX = 6
SETTLE_MS = 140
"""A pan or zoom counts as over once the view has rested this long: then every layer is painted again."""
DRAG_START_PX = 6


class MapCanvas(QWidget):
    """Draws one plan's accounts in a viewport and turns mouse gestures into requests."""

    selectRequested = Signal(object, str)  # noqa: N815 — (rows, "replace" | "add" | "remove" | "toggle")
    paintRequested = Signal(object)  # noqa: N815 — rows lassoed in paint mode
    contextRequested = Signal(QPoint, int)  # noqa: N815 — (global position, account row under it or -1)
    dragSelection = Signal()  # noqa: N815 — the planner drags the selected accounts out of the map
    viewChanged = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Map")
        self.view = Viewport()
        self.points: ProjectedPoints | None = None
        self.colors = np.empty(0, dtype=np.uint32)
        self.selected = np.empty(0, dtype=np.int64)
        self.locked = np.empty(0, dtype=bool)
        self.visible: np.ndarray | None = None  # rows shown (None: all)
        self.highlight: np.ndarray | None = None  # rows previewed (a co-pilot suggestion)
        self.mode = "select"
        self.size_class: np.ndarray | None = None  # 0 / 1 / 2 per account when sized by potential
        self.land: list[QPainterPath] = []
        self.borders: list[QPainterPath] = []
        self.outlines: dict[int, tuple[QPainterPath, QColor, bool]] = {}
        self.homes: list[tuple[float, float, QColor, str]] = []
        self.labels: list[tuple[float, float, str, bool]] = []
        self.legend: list[tuple[str, str]] = []
        self.legend_title = "Territory"
        self.arrows: list[tuple[float, float, float, float, QColor]] = []
        self.tooltip_for: callable | None = None  # row -> text
        self.empty_text = ""
        self._base_cache: tuple[tuple, QPixmap] | None = None
        self._points_cache: tuple[tuple, QImage] | None = None
        self._buffer: np.ndarray | None = None
        self._points_dirty = True
        self.shapes_version = 0
        self._shapes: tuple[Viewport, int, QImage] | None = None  # outlines painted for (view, version)
        self._renderer = ShapeRenderer(self)
        self._renderer.ready.connect(self._shapes_ready)
        self._sprites = Sprites(self.font())
        self._frame: tuple[Viewport, QPixmap] | None = None
        self._frame_dirty = True
        self._interact_until = 0.0
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        self._press: QPointF | None = None
        self._press_button = Qt.MouseButton.NoButton
        self._press_row = -1
        self._gesture = ""  # "pan" | "rect" | "lasso" | "drag" | ""
        self._lasso: list[QPointF] = []
        self._last: QPointF | None = None
        self._fitted = False

    # ----- data --------------------------------------------------------------------------------------
    def set_points(self, points: ProjectedPoints) -> None:
        self.points = points
        self._fitted = False
        self._base_cache = None
        self.mark_points_dirty()

    def set_basemap(self, land: list[QPainterPath], borders: list[QPainterPath]) -> None:
        self.land, self.borders = land, borders
        self._base_cache = None
        self._frame_dirty = True
        self.update()

    def mark_points_dirty(self) -> None:
        self._points_dirty = True
        self._frame_dirty = True
        self.update()

    def touch_shapes(self) -> None:
        """The outlines changed (added, removed, restyled): repaint them off the UI thread."""
        self.shapes_version += 1
        self._frame_dirty = True
        self.update()

    def touch_marks(self) -> None:
        """Labels or rep homes changed."""
        self._frame_dirty = True
        self.update()

    def flush_layers(self) -> None:
        """Paint every layer for the current view now, in this thread (for an export or a screenshot)."""
        self._interact_until = 0.0
        if not self._shapes_current():
            img = render_shapes(self.view.width, self.view.height, self.world_transform(),
                                list(self.outlines.values()))
            self._shapes = (replace(self.view), self.shapes_version, img)
        self._frame_dirty = True

    def shutdown(self) -> None:
        self._renderer.shutdown()

    def fit_rows(self, rows: np.ndarray | None = None, core: float = 0.02) -> bool:
        """Zoom to these rows (all placed accounts when None), leaving out the farthest `core` share at each
        side; False when none of them is placed."""
        if self.points is None:
            return False
        bounds = self.points.bounds(rows, core)
        if bounds is None:
            return False
        self.view.width, self.view.height = max(self.width(), 1), max(self.height(), 1)
        self.view.fit(bounds)
        self._fitted = True
        self._after_view_change()
        return True

    def zoom(self, factor: float, at: QPointF | None = None) -> None:
        at = at or QPointF(self.width() / 2, self.height() / 2)
        self.view.zoom_at(factor, at.x(), at.y())
        self._after_view_change(interactive=True)

    def pan_by(self, dx: float, dy: float) -> None:
        self.view.pan(dx, dy)
        self._after_view_change(interactive=True)

    def _after_view_change(self, interactive: bool = False) -> None:
        """During a pan or zoom the last frame is moved and scaled (a few ms at any size); the layers are
        painted again once the gesture rests for SETTLE_MS."""
        self._points_dirty = True
        self._frame_dirty = True
        if interactive and self._frame is not None:
            self._interact_until = time.monotonic() + SETTLE_MS / 1000
            self._settle.start()
        else:
            self._interact_until = 0.0
        self.update()
        self.viewChanged.emit()

    def _settled(self) -> None:
        self._interact_until = 0.0
        self.update()

    @property
    def interacting(self) -> bool:
        return time.monotonic() < self._interact_until

    def candidates(self) -> np.ndarray | None:
        return self.visible

    # ----- painting ----------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(640, 480)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        old = event.oldSize()
        self.view.width, self.view.height = max(self.width(), 1), max(self.height(), 1)
        if not self._fitted or old.width() <= 0:
            self.fit_rows()
        self._points_dirty = True
        super().resizeEvent(event)

    def world_transform(self) -> QTransform:
        v = self.view
        return QTransform(v.scale, 0, 0, -v.scale, v.width / 2 - v.cx * v.scale, v.height / 2 + v.cy * v.scale)

    def render_points(self) -> QImage:
        """The accounts layer for the current view (cached until the view, colours or selection change)."""
        v = self.view
        if self._points_cache is not None and not self._points_dirty and self._points_cache[0] == v.key():
            return self._points_cache[1]
        w, h = v.width, v.height
        p = self.points
        if p is None or not len(self.colors):
            img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            self._points_cache = (v.key(), img)
            self._points_dirty = False
            return img
        rows = np.flatnonzero(p.placed) if self.visible is None else self.visible[p.placed[self.visible]]
        size = self._point_size(len(rows))
        if self.size_class is None:
            buf = splat(*v.to_screen(p.x[rows], p.y[rows]), self.colors[rows], w, h, size, self._buffer)
        else:  # biggest first, so a small account is never hidden under a big neighbour
            buf = splat(np.empty(0), np.empty(0), self.colors[:0], w, h, size, self._buffer)
            for k in (2, 1, 0):
                part = rows[self.size_class[rows] == k]
                overlay(buf, *v.to_screen(p.x[part], p.y[part]), self.colors[part], max(2, size - 2 + 2 * k))
        self._draw_marks(buf, rows, size)
        self._points_size = size
        img = QImage(buf.data, w, h, w * 4, QImage.Format.Format_ARGB32)
        self._buffer = None  # the image now shares this buffer: the next splat takes a fresh one
        self._image_buffer = buf  # and keeps it alive as long as the image
        self._points_cache = (v.key(), img)
        self._points_dirty = False
        return img

    def _point_size(self, n_shown: int) -> int:
        if n_shown > 0.5 * self.view.width * self.view.height:  # denser than the screen: 2 px is plenty
            return 2
        return POINT_SIZE if self.view.scale * 1e4 < 5 else POINT_SIZE + 1

    def _draw_marks(self, buf: np.ndarray, rows: np.ndarray, size: int) -> None:
        """Over the plain points of `rows`: a white core on locked ones, a dark ring on selected or previewed
        ones (drawn last, so they sit on top)."""
        p, v = self.points, self.view
        locked = rows[self.locked[rows]] if len(self.locked) == len(p.placed) else rows[:0]
        if len(locked):  # a locked account has a white core: visibly "held"
            lx, ly = v.to_screen(p.x[locked], p.y[locked])
            overlay(buf, lx + 0.5, ly + 0.5, argb(["#FFFFFF"])[0], 2)
        sel_mask = np.zeros(len(p.placed), dtype=bool)
        sel_mask[self.selected] = True
        if self.highlight is not None and len(self.highlight):
            sel_mask[self.highlight] = True
        picked = rows[sel_mask[rows]]
        if len(picked):
            px, py = v.to_screen(p.x[picked], p.y[picked])
            overlay(buf, px, py, argb([SELECTED_RING])[0], size + 3)
            overlay(buf, px, py, self.colors[picked], size + 1)

    def patch_rows(self, rows: np.ndarray) -> bool:
        """Recolour these accounts in the current accounts image in place (after a move: ~1 ms for 1,000
        rows, where a full splat of 100k takes ~12); False when there is no image to patch."""
        v, p = self.view, self.points
        if (p is None or self._points_dirty or self._points_cache is None or self._points_cache[0] != v.key()
                or getattr(self, "_image_buffer", None) is None):
            return False
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[p.placed[rows]]
        if self.visible is not None:
            rows = rows[np.isin(rows, self.visible)]
        size = self._points_size
        if self.size_class is None:
            overlay(self._image_buffer, *v.to_screen(p.x[rows], p.y[rows]), self.colors[rows], size)
        else:
            for k in (2, 1, 0):
                part = rows[self.size_class[rows] == k]
                overlay(self._image_buffer, *v.to_screen(p.x[part], p.y[part]), self.colors[part],
                        max(2, size - 2 + 2 * k))
        self._draw_marks(self._image_buffer, rows, size)
        self._frame_dirty = True
        self.update()
        return True

    def _base_pixmap(self) -> QPixmap:
        v = self.view
        if self._base_cache is not None and self._base_cache[0] == v.key():
            return self._base_cache[1]
        pm = QPixmap(v.width, v.height)
        pm.fill(QColor(SEA))
        painter = QPainter(pm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(self.world_transform())
        pen = QPen(QColor(BORDER), 0.8)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QColor(LAND))
        for path in self.land:
            painter.drawPath(path)
        pen = QPen(QColor(STATE_BORDER), 0.7)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for path in self.borders:
            painter.drawPath(path)
        painter.end()
        self._base_cache = (v.key(), pm)
        return pm

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        if self.interacting and self._frame is not None:
            old, pm = self._frame
            painter.fillRect(self.rect(), QColor(SEA))
            painter.setTransform(view_to_view(old, self.view))
            painter.drawPixmap(0, 0, pm)
            painter.resetTransform()
        else:
            painter.drawPixmap(0, 0, self.compose())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_arrows(painter)  # a previewed move is what the planner is looking at: on top
        self._paint_legend(painter)
        self._paint_gesture(painter)
        if self.empty_text:
            painter.setPen(QColor("#5A6570"))
            painter.drawText(self.rect().adjusted(20, 20, -20, -20), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.empty_text)
        painter.end()

    def compose(self) -> QPixmap:
        """Base map, outlines, accounts, homes and labels for the current view, as one pixmap (cached)."""
        v = self.view
        if self._frame is not None and not self._frame_dirty and self._frame[0].key() == v.key():
            return self._frame[1]
        pm = QPixmap(v.width, v.height)
        painter = QPainter(pm)
        painter.drawPixmap(0, 0, self._base_pixmap())
        if not self.outlines:
            self._shapes = None
        if self._shapes is not None:
            shown, _version, img = self._shapes
            painter.setTransform(view_to_view(shown, v))
            painter.drawImage(0, 0, img)
            painter.resetTransform()
        if self.outlines and not self._shapes_current():
            key = (v.key(), self.shapes_version)
            if self._renderer.pending != key:
                self._renderer.submit(key, v.width, v.height, self.world_transform(), list(self.outlines.values()))
        painter.drawImage(0, 0, self.render_points())
        self._paint_homes(painter)
        self._paint_labels(painter)
        painter.end()
        self._frame = (replace(v), pm)
        self._frame_dirty = False
        return pm

    def _shapes_current(self) -> bool:
        return (self._shapes is not None and self._shapes[1] == self.shapes_version
                and self._shapes[0].key() == self.view.key())

    def _shapes_ready(self, key: object, img: QImage) -> None:
        view_key, version = key  # type: ignore[misc]
        if version != self.shapes_version:
            return
        self._shapes = (Viewport(*view_key), version, img)
        self._frame_dirty = True
        self.update()

    def _paint_homes(self, painter: QPainter) -> None:
        paint_homes(painter, self.view, self.homes, self._sprites)

    def _paint_labels(self, painter: QPainter) -> None:
        paint_labels(painter, self.view, self.labels, self._sprites)

    def _paint_arrows(self, painter: QPainter) -> None:
        paint_arrows(painter, self.view, self.arrows)

    def _paint_legend(self, painter: QPainter) -> None:
        paint_legend(painter, self.height(), QFont(self.font()), self.legend, self.legend_title)

    def _paint_gesture(self, painter: QPainter) -> None:
        if self._gesture == "rect" and self._press is not None and self._last is not None:
            painter.setPen(QPen(QColor("#0B57D0"), 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(11, 87, 208, 30))
            painter.drawRect(QRectF(self._press, self._last).normalized())
        elif self._gesture == "lasso" and len(self._lasso) > 1:
            paint = self.mode == "paint"
            painter.setPen(QPen(QColor("#D55E00" if paint else "#0B57D0"), 1.6, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(213, 94, 0, 30) if paint else QColor(11, 87, 208, 30))
            painter.drawPolygon(QPolygonF(self._lasso))

    # ----- mouse and keys ----------------------------------------------------------------------------
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

