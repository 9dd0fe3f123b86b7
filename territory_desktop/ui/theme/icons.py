"""Small line icons painted at run time, so the app ships no image files and downloads nothing.

One stroke width and one ink colour for every glyph keeps the toolbar calm; colour is reserved for data
(territory swatches, band states). Icons are painted at 2× for high-DPI screens and cached by name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

INK = QColor("#3E4652")
_SIZE = 20


def _canvas(draw: Callable[[QPainter], None], size: int = _SIZE, ink: QColor = INK) -> QIcon:
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / _SIZE, size / _SIZE)
    pen = QPen(ink, 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    draw(p)
    p.end()
    return QIcon(pm)


def _plus(p: QPainter) -> None:
    p.drawLine(QPointF(10, 4), QPointF(10, 16))
    p.drawLine(QPointF(4, 10), QPointF(16, 10))


def _minus(p: QPainter) -> None:
    p.drawLine(QPointF(4, 10), QPointF(16, 10))


def _pencil(p: QPainter) -> None:
    path = QPainterPath(QPointF(4, 16))
    path.lineTo(5, 12.5)
    path.lineTo(13.5, 4)
    path.lineTo(16, 6.5)
    path.lineTo(7.5, 15)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(11.5, 6), QPointF(14, 8.5))


def _rename(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(3, 6, 14, 8), 1.5, 1.5)
    p.drawLine(QPointF(7, 8.5), QPointF(7, 11.5))
    p.drawLine(QPointF(10, 3.5), QPointF(10, 16.5))
    p.drawLine(QPointF(8.5, 3.5), QPointF(11.5, 3.5))
    p.drawLine(QPointF(8.5, 16.5), QPointF(11.5, 16.5))


def _colours(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    for colour, x, y in (("#0072B2", 7, 7.5), ("#E69F00", 13, 7.5), ("#009E73", 10, 12.5)):
        p.setBrush(QColor(colour))
        p.drawEllipse(QPointF(x, y), 4, 4)


def _lock(closed: bool) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        p.drawRoundedRect(QRectF(4.5, 9, 11, 8), 1.5, 1.5)
        shackle = QPainterPath(QPointF(7, 9))
        shackle.lineTo(7, 6.5)
        shackle.arcTo(QRectF(7, 3, 6, 7), 180, -180)
        if closed:
            shackle.lineTo(13, 9)
        p.drawPath(shackle)
        p.drawPoint(QPointF(10, 13))
    return draw


def _move(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(10, 4, 7, 12), 1.5, 1.5)
    p.drawLine(QPointF(3, 10), QPointF(12.5, 10))
    p.drawLine(QPointF(9.5, 7), QPointF(12.5, 10))
    p.drawLine(QPointF(9.5, 13), QPointF(12.5, 10))


def _sliders(p: QPainter) -> None:
    for y, x in ((5.5, 7), (10, 13), (14.5, 9)):
        p.drawLine(QPointF(3, y), QPointF(17, y))
        p.save()
        p.setBrush(QBrush(QColor("#FFFFFF")))
        p.drawEllipse(QPointF(x, y), 2, 2)
        p.restore()


def _open(p: QPainter) -> None:
    path = QPainterPath(QPointF(3, 15.5))
    path.lineTo(3, 5)
    path.lineTo(7.5, 5)
    path.lineTo(9, 6.5)
    path.lineTo(15, 6.5)
    path.lineTo(15, 9)
    p.drawPath(path)
    body = QPainterPath(QPointF(3, 15.5))
    body.lineTo(5.5, 9)
    body.lineTo(17.5, 9)
    body.lineTo(15, 15.5)
    body.closeSubpath()
    p.drawPath(body)


def _save(p: QPainter) -> None:
    path = QPainterPath(QPointF(4, 4))
    path.lineTo(13.5, 4)
    path.lineTo(16, 6.5)
    path.lineTo(16, 16)
    path.lineTo(4, 16)
    path.closeSubpath()
    p.drawPath(path)
    p.drawRect(QRectF(7, 4, 6, 4))
    p.drawRect(QRectF(6.5, 11, 7, 5))


def _tray(p: QPainter) -> None:
    """The open box that import and export arrows go into and out of."""
    path = QPainterPath(QPointF(3.5, 12))
    path.lineTo(3.5, 16.5)
    path.lineTo(16.5, 16.5)
    path.lineTo(16.5, 12)
    p.drawPath(path)


def _import(p: QPainter) -> None:
    p.drawLine(QPointF(10, 3), QPointF(10, 12))
    p.drawLine(QPointF(6.5, 8.5), QPointF(10, 12))
    p.drawLine(QPointF(13.5, 8.5), QPointF(10, 12))
    _tray(p)


def _export(p: QPainter) -> None:
    p.drawLine(QPointF(10, 12), QPointF(10, 3))
    p.drawLine(QPointF(6.5, 6.5), QPointF(10, 3))
    p.drawLine(QPointF(13.5, 6.5), QPointF(10, 3))
    _tray(p)


def _undo(mirror: bool) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        if mirror:
            p.translate(20, 0)
            p.scale(-1, 1)
        path = QPainterPath(QPointF(5, 8))
        path.lineTo(12, 8)
        path.cubicTo(18, 8, 18, 16, 12, 16)
        path.lineTo(8, 16)
        p.drawPath(path)
        p.drawLine(QPointF(5, 8), QPointF(8.5, 4.5))
        p.drawLine(QPointF(5, 8), QPointF(8.5, 11.5))
    return draw


_GLYPHS: dict[str, Callable[[QPainter], None]] = {
    "add": _plus, "remove": _minus, "edit": _pencil, "rename": _rename, "recolour": _colours,
    "lock": _lock(True), "unlock": _lock(False), "move": _move, "settings": _sliders, "open": _open,
    "save": _save, "import": _import, "export": _export, "undo": _undo(False), "redo": _undo(True),
}


@cache
def icon(name: str) -> QIcon:
    """The named toolbar/menu icon (see _GLYPHS); an empty icon for an unknown name."""
    draw = _GLYPHS.get(name)
    return _canvas(draw) if draw else QIcon()


@cache
def lock_mark(size: int = 14) -> QIcon:
    """The padlock shown in a table cell of a locked territory or account."""
    return _canvas(_lock(True), size, QColor("#6B4E00"))


@cache
def swatch(colour: str, size: int = 14) -> QIcon:
    """A rounded colour square with a thin dark rim, so pale colours stay visible on white."""
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(colour)
    p.setBrush(c if c.isValid() else QColor("#999999"))
    p.setPen(QPen(QColor(0, 0, 0, 70), 1))
    p.drawRoundedRect(QRectF(1.5, 1.5, size - 3, size - 3), 3, 3)
    p.end()
    icon = QIcon(pm)
    icon.addPixmap(pm, QIcon.Mode.Selected)  # keep the true colour on a highlighted row
    return icon
