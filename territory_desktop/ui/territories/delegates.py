"""The territories table's cell painters: the workload bar and the deviation pill.

Both measure their text before painting and report the width they need (`sizeHint`), so the panel sizes its
columns to the widest cell and "1097% over" is never cut to "1097% ove". The pill writes the number the model
worded with `core/band_words.py` (just enough decimals to agree with its word), never a rounding of its own.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from territory_desktop.core import format as fmt
from territory_desktop.ui.theme.style import BAND_COLORS, MUTED, WORKLOAD_ROLE

BAND_TEXT_ROLE = Qt.ItemDataRole.UserRole + 5
"""Item role the pill reads: (deviation as worded for its band, band status)."""

Index = QModelIndex | QPersistentModelIndex
_PAD = 8  # px between the cell edge and what is painted in it
_GAP = 8  # px between the bar and its text
_BAR_MIN, _BAR_MAX = 28, 64


def _background(painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
    """The style's selection/hover/alternate background without text: the delegate paints the rest.

    The view's option already carries the selection, hover, focus and alternate-row state; filling it from the
    model (initStyleOption) read every role of the cell only to blank the text and icon again, and cost as much
    as painting the pill itself."""
    opt = QStyleOptionViewItem(option)
    opt.text = ""
    opt.icon = QIcon()
    widget = option.widget
    style = widget.style() if widget is not None else None
    if style is not None:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)


def workload_text(work: float, cap: float, util: float) -> tuple[str, bool]:
    """What the workload cell says: "74%", "1,097% over" (and whether it is over), or the hours without capacity."""
    if cap > 0 and np.isfinite(util):
        over = util > 1.0
        return f"{util * 100:,.0f}%" + (" over" if over else ""), over
    return fmt.hours(work), False


def bar_and_text(cell_width: int, text_width: int) -> tuple[int, int]:
    """(bar width, text room) in a workload cell: the text first, the bar takes what is left (gone below 12 px)."""
    inner = cell_width - 2 * _PAD
    bar = min(_BAR_MAX, max(0, inner // 3), inner - text_width - _GAP - 3)  # 3 px: rounding of the metrics
    if bar < 12:
        return 0, inner
    return bar, inner - bar - _GAP


class WorkloadBarDelegate(QStyledItemDelegate):
    """Workload against capacity as a small bar plus the percentage (red and "over" past 100%)."""

    def width_for(self, option: QStyleOptionViewItem, index: Index) -> int | None:
        """The bar and its words' width, without Qt's full size hint (see BandDelegate.width_for)."""
        data = index.data(WORKLOAD_ROLE)
        if not data:
            return None
        text, _ = workload_text(*data)
        return 2 * _PAD + _BAR_MIN + _GAP + QFontMetrics(option.font).horizontalAdvance(text) + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 (Qt API)
        width = self.width_for(option, index)
        if width is None:
            return super().sizeHint(option, index)
        return QSize(width, super().sizeHint(option, index).height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        data = index.data(WORKLOAD_ROLE)
        if not data:
            return super().paint(painter, option, index)
        work, cap, util = data
        text, over = workload_text(work, cap, util)
        _background(painter, option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = option.rect.adjusted(_PAD, 0, -_PAD, 0)
        text_w = QFontMetrics(option.font).horizontalAdvance(text)
        bar_w, _room = bar_and_text(option.rect.width(), text_w)
        text_left = r.left()
        if bar_w and cap > 0 and np.isfinite(util):
            bar = QRectF(r.left(), r.center().y() - 3, bar_w, 7)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#E6E9EE"))
            painter.drawRoundedRect(bar, 3.5, 3.5)
            colour = QColor(BAND_COLORS["out"][0] if over else ("#C98A00" if util > 0.9 else "#4C7FD9"))
            fill = QRectF(bar)
            fill.setWidth(max(2.0, bar.width() * min(util, 1.0)))
            painter.setBrush(colour)
            painter.drawRoundedRect(fill, 3.5, 3.5)
            text_left += bar_w + _GAP
        pen = QColor(BAND_COLORS["out"][0]) if over else (
            option.palette.text().color() if cap > 0 else QColor(MUTED))
        painter.setPen(pen)
        text_rect = r.adjusted(text_left - r.left(), 0, 0, 0)
        shown = QFontMetrics(option.font).elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)
        painter.restore()


class BandDelegate(QStyledItemDelegate):
    """Deviation from the fair share as a tinted pill with the band in words: "+12%  near", "+15.3%  out"."""

    def _fonts(self, option: QStyleOptionViewItem, status: str) -> tuple[QFont, QFont]:
        number = QFont(option.font)
        number.setBold(status != "in")
        word = QFont(option.font)
        word.setPointSizeF(max(7.0, word.pointSizeF() - 1.5))
        return number, word

    def width_for(self, option: QStyleOptionViewItem, index: Index) -> int | None:
        """The pill's width, without Qt's full size hint (which reads every role: the panel measures each
        cell after every edit, and at 200 territories Qt's hints alone took ~0.3 s)."""
        data = index.data(BAND_TEXT_ROLE)
        if not data:
            return None
        text, status = data
        number, word = self._fonts(option, status)
        width = QFontMetrics(number).horizontalAdvance(text) + 6 + QFontMetrics(word).horizontalAdvance(status)
        return width + 2 * (5 + 6) + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 (Qt API)
        width = self.width_for(option, index)
        if width is None:
            return super().sizeHint(option, index)
        return QSize(width, super().sizeHint(option, index).height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        data = index.data(BAND_TEXT_ROLE)
        if not data:
            return super().paint(painter, option, index)
        text, status = data
        fg, bg = BAND_COLORS.get(status, (MUTED, "#FFFFFF"))
        _background(painter, option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pill = QRectF(option.rect.adjusted(5, 4, -5, -4))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(pill, 4, 4)
        painter.setPen(QColor(fg))
        inner = pill.adjusted(6, 0, -6, 0)
        number, word = self._fonts(option, status)
        painter.setFont(number)
        painter.drawText(inner, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
        painter.setFont(word)
        painter.drawText(inner, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), status)
        painter.restore()
