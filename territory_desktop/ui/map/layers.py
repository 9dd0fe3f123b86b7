"""The map's vector layers, drawn so that no frame waits for them.

Measured at 100k accounts / 200 territories in a 1200×800 view (2 shared cores): anti-aliased, filled outlines
take 130 ms to paint (43 ms stroked only), 200 halo'd labels drawn as text paths 130 ms. So outlines are
painted into a QImage a few milliseconds at a time between events (see ShapeRenderer for why not on a
thread) and the UI shows the latest one, moved and scaled to the current view until the new one is done; labels and rep homes are small images
rendered once per text or colour and then only blitted (~1 ms for all of them).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

OUT_COLOR = "#B3261E"
TEXT_COLOR = "#1B2430"
_HALO = tuple((1.6 * dx, 1.6 * dy) for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1), (-0.7, -0.7), (0.7, -0.7),
                                                    (-0.7, 0.7), (0.7, 0.7)))
"""Offsets (px) at which a label's text is drawn in white under itself: a halo ~1.6 px wide."""


def render_shapes(width: int, height: int, transform: QTransform,
                  shapes: list[tuple[QPainterPath, QColor, bool]]) -> QImage:
    """Territory outlines (world paths) painted through `transform` into a transparent image: a light fill in
    the territory's colour, a darker edge, heavier for a territory out of band."""
    img = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    painter = QPainter(img)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setTransform(transform)
    for path, color, out in shapes:
        _paint_shape(painter, path, color, out)
    painter.end()
    return img


def _paint_shape(painter: QPainter, path: QPainterPath, color: QColor, out: bool) -> None:
    fill = QColor(color)
    fill.setAlpha(40 if out else 26)
    pen = QPen(QColor(color).darker(115), 2.2 if out else 1.2)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.setBrush(fill)
    painter.drawPath(path)


class ShapeRenderer(QObject):
    """Paints outline layers a slice at a time on the UI thread; `ready(key, image)` fires when one is done.

    Not on a worker thread: QPainter.drawPath keeps Python's GIL while it paints, so a worker painting 200
    outlines (~150 ms) starves the UI thread (measured: 140–380 ms without a frame). Painting SLICE_MS at a time
    between events keeps every gap short, and the map shows the previous outlines, moved and scaled, meanwhile.
    """

    ready = Signal(object, QImage)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: tuple[object, QImage, QPainter, list[tuple[QPainterPath, QColor, bool]]] | None = None
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._step)

    @property
    def pending(self) -> object:
        return None if self._job is None else self._job[0]

    def submit(self, key: object, width: int, height: int, transform: QTransform,
               shapes: list[tuple[QPainterPath, QColor, bool]]) -> None:
        """Start painting these shapes for `key` (the view and version they belong to), dropping any job
        still under way."""
        self.cancel()
        img = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(transform)
        self._job = (key, img, painter, list(shapes))
        self._timer.start()

    def _step(self) -> None:
        if self._job is None:
            return
        key, img, painter, todo = self._job
        deadline = time.perf_counter() + SLICE_MS / 1000
        while todo and time.perf_counter() < deadline:
            _paint_shape(painter, *todo.pop())
        if todo:
            self._timer.start()
            return
        painter.end()
        self._job = None
        self.ready.emit(key, img)

    def cancel(self) -> None:
        if self._job is not None:
            self._job[2].end()
            self._job = None
        self._timer.stop()

    def shutdown(self) -> None:
        self.cancel()


SLICE_MS = 6
"""Painting time per event-loop turn while an outline layer is redrawn."""


class Sprites:
    """Label and rep-home images, rendered once per text (or colour) at the widget's font."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.font.setPointSizeF(max(8.0, font.pointSizeF() - 0.5))
        self.font.setBold(True)
        self._labels: dict[tuple[str, bool], QImage] = {}
        self._sizes: dict[str, tuple[int, int]] = {}
        self._homes: dict[str, QImage] = {}
        self._metrics = QFontMetricsF(self.font)

    def label_size(self, text: str) -> tuple[int, int]:
        """The label's image size without drawing it: after a move every territory's label says a new
        deviation, and most of them are not placed (they overlap a bigger one), so they are never drawn."""
        size = self._sizes.get(text)
        if size is None:
            if len(self._sizes) > 4000:
                self._sizes.clear()
            fm = self._metrics
            size = self._sizes[text] = (int(fm.horizontalAdvance(text) + 8), int(fm.height() + 4))
        return size

    def label(self, text: str, out: bool) -> QImage:
        key = (text, out)
        img = self._labels.get(key)
        if img is None:
            if len(self._labels) > 4000:
                self._labels.clear()
            fm = self._metrics
            w, h = self.label_size(text)
            img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            p = QPainter(img)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            p.setFont(self.font)
            # the white halo as the text drawn around itself: stroking the glyphs' outlines as a path cost
            # ~0.8 ms a label, and every territory's label changes with its deviation after a move
            p.setPen(QColor(255, 255, 255, 230))
            x, y = 4.0, 2 + fm.ascent()
            for dx, dy in _HALO:
                p.drawText(QPointF(x + dx, y + dy), text)
            p.setPen(QColor(OUT_COLOR if out else TEXT_COLOR))
            p.drawText(QPointF(x, y), text)
            p.end()
            self._labels[key] = img
        return img

    def home(self, color: str) -> QImage:
        img = self._homes.get(color)
        if img is None:
            img = QImage(18, 18, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            p = QPainter(img)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            c = QPointF(9, 10)
            p.setPen(QPen(QColor(TEXT_COLOR), 1.5))
            p.setBrush(QColor("#FFFFFF"))
            p.drawPolygon(QPolygonF([c + QPointF(0, -8), c + QPointF(7, -1), c + QPointF(5, -1),
                                     c + QPointF(5, 6), c + QPointF(-5, 6), c + QPointF(-5, -1),
                                     c + QPointF(-7, -1)]))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color))
            p.drawRect(QRectF(c.x() - 2.5, c.y() - 0.5, 5, 5))
            p.end()
            self._homes[color] = img
        return img
