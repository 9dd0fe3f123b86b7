"""How the map canvas puts a frame together: base map, outlines, accounts, rep homes and labels, then on top
the preview arrows, the legend, the gesture being drawn and the empty-map text.

Every layer is cached: the base map is a pixmap per view, the outlines an image painted in slices between
events (`layers.ShapeRenderer`), the accounts an image splatted by numpy (`accounts_layer.py`); the settled
frame is one pixmap, moved and scaled while a pan or zoom is under way. A mixin of `MapCanvas`, which owns
the state it reads.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap

from territory_desktop.ui.map.layers import ShapeRenderer, Sprites, render_shapes
from territory_desktop.ui.map.overlays import (
    legend_rect,
    paint_arrows,
    paint_homes,
    paint_labels,
    paint_legend,
    view_to_view,
)
from territory_desktop.ui.map.viewport import Viewport

SEA, LAND, BORDER, STATE_BORDER = "#DCE5EE", "#FAFAF8", "#A9B4C0", "#CDD5DE"


class FrameMixin:
    """The cached layers of the map canvas composed into a frame, and `paintEvent`; mix in before QWidget."""

    view: Viewport
    land: list[QPainterPath]
    borders: list[QPainterPath]
    outlines: dict[int, tuple[QPainterPath, QColor, bool]]
    homes: list[tuple[float, float, QColor, str]]
    labels: list[tuple[float, float, str, bool]]
    legend: list[tuple[str, str]]
    legend_title: str
    arrows: list[tuple[float, float, float, float, QColor]]
    empty_text: str
    shapes_version: int
    _base_cache: tuple[tuple, QPixmap] | None
    _shapes: tuple[Viewport, int, QImage] | None
    _renderer: ShapeRenderer
    _sprites: Sprites
    _frame: tuple[Viewport, QPixmap] | None
    _frame_dirty: bool
    _interact_until: float

    def flush_layers(self) -> None:
        """Paint every layer for the current view now, in this thread (for an export or a screenshot)."""
        self._interact_until = 0.0
        if not self._shapes_current():
            img = render_shapes(self.view.width, self.view.height, self.world_transform(),
                                list(self.outlines.values()))
            self._shapes = (replace(self.view), self.shapes_version, img)
        self._frame_dirty = True

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
        if self._shapes_current() and tuple(view_key) != self.view.key():
            return  # started for an earlier view, arriving after this view's own layer was painted
        self._shapes = (Viewport(*view_key), version, img)
        self._frame_dirty = True
        self.update()

    def _paint_homes(self, painter: QPainter) -> None:
        paint_homes(painter, self.view, self.homes, self._sprites)

    def _paint_labels(self, painter: QPainter) -> None:
        box = legend_rect(self.height(), QFont(self.font()), self.legend, self.legend_title)
        paint_labels(painter, self.view, self.labels, self._sprites, [box] if box is not None else None)

    def _paint_arrows(self, painter: QPainter) -> None:
        paint_arrows(painter, self.view, self.arrows)

    def _paint_legend(self, painter: QPainter) -> None:
        paint_legend(painter, self.height(), QFont(self.font()), self.legend, self.legend_title)
