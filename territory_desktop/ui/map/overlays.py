"""The map's vector overlays and paths: shapes to QPainterPaths, view-to-view transforms, rep homes, territory
labels, previewed-move arrows and the legend. Plain functions of what to draw and the viewport, so the canvas
keeps the widget's state and gestures and these stay testable drawing code.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from territory_desktop.ui.map.layers import Sprites
from territory_desktop.ui.map.viewport import Viewport

MAX_LABELS = 80
LEGEND_ROWS = 8
"""Legend entries shown; the rest are counted ("+ 17 more"): 200 territories would cover the map."""


def view_to_view(old: Viewport, new: Viewport) -> QTransform:
    """The screen transform that takes what was drawn for view `old` to where it belongs in view `new`."""
    k = new.scale / old.scale
    ox = (old.cx - new.cx - old.width / 2.0 / old.scale) * new.scale + new.width / 2.0
    oy = (new.cy - old.cy - old.height / 2.0 / old.scale) * new.scale + new.height / 2.0
    return QTransform(k, 0, 0, k, ox, oy)


def geometry_path(geom: shapely.Geometry, transform) -> QPainterPath:  # noqa: ANN001 — a forward projection
    """A QPainterPath (world metres) of a lon/lat polygon or multipolygon, projected with `transform`."""
    path = QPainterPath()
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if transform is not None:
                x, y = transform(xy[:, 0], xy[:, 1])
            else:
                x, y = xy[:, 0], xy[:, 1]
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() < 3:
                continue
            path.addPolygon(QPolygonF([QPointF(a, b) for a, b in zip(x[ok], y[ok], strict=True)]))
            path.closeSubpath()
    return path


def paint_homes(painter: QPainter, view: Viewport, homes: list[tuple[float, float, str, str]],
                sprites: Sprites) -> None:
    """Rep homes (x, y, colour, name) in view, as house sprites."""
    if not homes:
        return
    sx, sy = view.to_screen(np.array([h[0] for h in homes]), np.array([h[1] for h in homes]))
    w, h = view.width, view.height
    for i in np.flatnonzero((sx > -10) & (sx < w + 10) & (sy > -10) & (sy < h + 10)).tolist():
        painter.drawImage(QPointF(sx[i] - 9, sy[i] - 10), sprites.home(QColor(homes[i][2]).name()))

def paint_labels(painter: QPainter, view: Viewport, labels: list[tuple[float, float, str, bool]],
                 sprites: Sprites, avoid: list[QRectF] | None = None) -> None:
    """Labels biggest territory first, each only where it overlaps no label already placed and nothing in
    `avoid` (the legend box: a label half under it read as "Los Angeles Mid-Mar… +36%")."""
    if not labels:
        return
    sx, sy = view.to_screen(np.array([lab[0] for lab in labels]), np.array([lab[1] for lab in labels]))
    bounds = QRectF(0, 0, view.width, view.height)
    blocked = list(avoid or [])
    placed: list[QRectF] = []
    for i, (_x, _y, text, out) in enumerate(labels):
        if not (0 <= sx[i] <= bounds.width() and 0 <= sy[i] <= bounds.height()):
            continue
        w, h = sprites.label_size(text)
        r = QRectF(sx[i] - w / 2, sy[i] - h / 2, w, h)
        if not bounds.contains(r) or any(r.intersects(o) for o in placed) or any(r.intersects(b) for b in blocked):
            continue
        placed.append(r)
        painter.drawImage(r.topLeft(), sprites.label(text, out))
        if len(placed) >= MAX_LABELS:
            break

def paint_arrows(painter: QPainter, view: Viewport, arrows: list[tuple[float, float, float, float, QColor]]) -> None:
    """Previewed moves: a cased arrow from where the accounts are to where they would go."""
    for x0, y0, x1, y1, color in arrows:
        (ax, bx), (ay, by) = view.to_screen(np.array([x0, x1]), np.array([y0, y1]))
        a, b = QPointF(ax, ay), QPointF(bx, by)
        ang = math.atan2(b.y() - a.y(), b.x() - a.x())
        head = QPolygonF([b, b - QPointF(math.cos(ang - 0.45) * 14, math.sin(ang - 0.45) * 14),
                          b - QPointF(math.cos(ang + 0.45) * 14, math.sin(ang + 0.45) * 14)])
        for pen_color, width in ((QColor(255, 255, 255, 235), 7.0), (color, 3.5)):  # white casing first
            pen = QPen(pen_color, width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawLine(a, b)
            painter.setBrush(pen_color)
            painter.drawPolygon(head)

def legend_rect(height: int, font: QFont, legend: list[tuple[str, str]], title: str) -> QRectF | None:
    """Where `paint_legend` draws its box (None without a legend): labels keep out of it."""
    if not legend:
        return None
    shown = legend[:LEGEND_ROWS]
    fm = QFontMetricsF(font)
    lines = len(shown) + 1 + (1 if len(legend) > len(shown) else 0)
    width = max([fm.horizontalAdvance(t) for t, _ in shown] + [fm.horizontalAdvance(title)]) + 34
    return QRectF(10, height - 10 - lines * (fm.height() + 2) - 10, width, lines * (fm.height() + 2) + 10)


def paint_legend(painter: QPainter, height: int, font: QFont, legend: list[tuple[str, str]], title: str) -> None:
    """The legend box in the bottom-left corner: at most LEGEND_ROWS entries, the rest counted."""
    box = legend_rect(height, font, legend, title)
    if box is None:
        return
    shown = legend[:LEGEND_ROWS]
    more = len(legend) - len(shown)
    painter.setFont(font)
    fm = QFontMetricsF(font)
    painter.setPen(QPen(QColor("#C9D1DA")))
    painter.setBrush(QColor(255, 255, 255, 235))
    painter.drawRoundedRect(box, 6, 6)
    y = box.top() + 5
    painter.setPen(QColor("#5A6570"))
    painter.drawText(QPointF(box.left() + 10, y + fm.ascent()), title)
    for text, color in shown:
        y += fm.height() + 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawEllipse(QPointF(box.left() + 15, y + fm.height() / 2), 4.5, 4.5)
        painter.setPen(QColor("#1B2430"))
        painter.drawText(QPointF(box.left() + 26, y + fm.ascent()), text)
    if more:
        y += fm.height() + 2
        painter.setPen(QColor("#5A6570"))
        painter.drawText(QPointF(box.left() + 26, y + fm.ascent()), f"+ {more} more")
