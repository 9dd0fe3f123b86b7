"""The suggestion list itself: its item roles, the two-level row delegate, and how rows and the count line
are built from the suggestions.

Apart from the dock so the drawing and the row wording can be read (and changed) without the dock's
bookkeeping of plan versions, timers and buttons. The list shows the best `MAX_SHOWN` only.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan
from territory_desktop.solver.copilot.suggestions import Suggestion
from territory_desktop.ui.copilot.suggestion_words import (
    accounts_text,
    headline,
    names_of,
    pair_words,
    subtitle,
)
from territory_desktop.ui.theme.style import MUTED, SPACING, TEXT

MAX_SHOWN = 60
"""The list shows the best suggestions only: nobody reviews hundreds one by one ("Accept all" takes the rest),
and laying out hundreds of wrapped rows would stall the window at 100k accounts."""
SUGGESTION_ROLE = Qt.ItemDataRole.UserRole
"""The row's `Suggestion`."""
SUBTITLE_ROLE = SUGGESTION_ROLE + 1
"""The row's second level: the figures that change and its first accounts."""
STALE_ROLE = SUGGESTION_ROLE + 2
"""True on a row computed for an earlier version of the plan (shown greyed until new suggestions arrive)."""
STALE_TEXT = "#8A929C"


class SuggestionDelegate(QStyledItemDelegate):
    """Two-level rows: the reason in the body font, the numbers and accounts beneath it, muted and smaller.

    Unselected rows are compact (the reason in at most `TITLE_LINES` lines, the numbers in one, each ending
    in "…") so several suggestions fit a laptop's dock; the current row opens up to its full text.
    """

    PAD = SPACING + 2
    TITLE_LINES = 2
    SUB_LINES = 1

    def _texts(self, index: QModelIndex) -> tuple[str, str]:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or ""), str(index.data(SUBTITLE_ROLE) or "")

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() - 1.0, 7.0))
        return QFont(option.font), small

    def _layout(self, option: QStyleOptionViewItem, index: QModelIndex, width: int
                ) -> tuple[list[str], list[str], QFont, QFont]:
        title, sub = self._texts(index)
        big, small = self._fonts(option)
        view = self.parent()
        # sizeHint's option carries no selection state: ask the list which row is current
        full = bool(option.state & QStyle.StateFlag.State_Selected) or (
            view is not None and view.currentIndex() == index)
        return (wrap_lines(title, big, width, None if full else self.TITLE_LINES),
                wrap_lines(sub, small, width, None if full else self.SUB_LINES) if sub else [], big, small)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        width = max((option.rect.width() or 320) - 2 * self.PAD, 120)
        t, sub, big, small = self._layout(option, index, width)
        h = len(t) * QFontMetrics(big).lineSpacing() + len(sub) * QFontMetrics(small).lineSpacing()
        return QSize(width + 2 * self.PAD, h + 2 * self.PAD + (4 if sub else 0))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(option.rect, QColor("#D8E4FA") if selected else QColor("#FFFFFF"))
        painter.setPen(QPen(QColor("#ECEEF1"), 1))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        r = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        t, sub, big, small = self._layout(option, index, r.width())
        y = r.top()
        stale = bool(index.data(STALE_ROLE))
        for font, color, lines in ((big, STALE_TEXT if stale else TEXT, t), (small, STALE_TEXT if stale else MUTED,
                                                                           sub)):
            painter.setFont(font)
            painter.setPen(QColor(color))
            fm = QFontMetrics(font)
            for line in lines:
                painter.drawText(QPointF(r.left(), y + fm.ascent()), line)
                y += fm.lineSpacing()
            y += 4
        painter.restore()


def wrap_lines(text: str, font: QFont, width: int, max_lines: int | None) -> list[str]:
    """`text` word-wrapped to `width` pixels; past `max_lines` the last kept line ends in "…"."""
    fm = QFontMetrics(font)
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split()
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if fm.horizontalAdvance(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = fm.elidedText(kept[-1] + " " + lines[max_lines], Qt.TextElideMode.ElideRight, width)
        if not kept[-1].endswith("…"):
            kept[-1] = fm.elidedText(kept[-1] + " …", Qt.TextElideMode.ElideRight, width)
        return kept
    return lines


def suggestion_list(parent: QWidget | None = None) -> QListWidget:
    """An empty list set up for suggestion rows: the delegate, per-pixel scrolling, rows of their own height."""
    view = QListWidget(parent)
    view.setItemDelegate(SuggestionDelegate(view))
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    view.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
    view.setAccessibleName("Suggestions")
    return view


def fill_rows(view: QListWidget, plan: Plan, suggestions: list[Suggestion], stale: bool, keep_row: int) -> None:
    """Replace the rows by the best `MAX_SHOWN` suggestions (greyed when `stale`); row `keep_row` is current."""
    view.setUpdatesEnabled(False)
    view.clear()
    shown = suggestions[:MAX_SHOWN]
    names = names_of(plan, shown, limit=20)
    pairs = Counter((s.from_territory, s.to_territory) for s in shown)
    seen: Counter[tuple[int, int]] = Counter()
    for s in shown:
        pair = (s.from_territory, s.to_territory)
        seen[pair] += 1
        # several groups of one from→to pair each say "from +59%": mark them as parts of one move, each
        # worded on its own, or the list reads as the same suggestion three times
        part = f"({seen[pair]} of {pairs[pair]}) " if pairs[pair] > 1 else ""
        item = QListWidgetItem(part + headline(plan, s))
        item.setData(SUGGESTION_ROLE, s)
        item.setData(STALE_ROLE, stale)
        item.setData(SUBTITLE_ROLE, subtitle(plan, s, names))
        tip = accounts_text(s, names, limit=20)
        if part:
            tip = (f"Group {seen[pair]} of {pairs[pair]} moving accounts {pair_words(plan, pair)}; its figures "
                   f"are for this group alone, on today's plan.\n{tip}")
        item.setToolTip(tip)
        view.addItem(item)
    view.setUpdatesEnabled(True)
    if view.count():
        view.setCurrentRow(min(keep_row, view.count() - 1))


def count_text(plan: Plan, suggestions: list[Suggestion], stale: bool, paused: bool) -> str:
    """The line beneath the list: how many suggestions and accounts, or why there are none, or out of date."""
    n, shown = len(suggestions), min(len(suggestions), MAX_SHOWN)
    accounts = sum(s.n_accounts for s in suggestions)
    if n and stale:
        return ("Out of date: the plan changed since these were worked out. "
                + ("Resume the co-pilot to refresh them." if paused else "New suggestions follow in a moment."))
    if n == 0:
        h = kpis.plan_health(plan)
        balanced = h.territories and not h.out_of_band and not h.over_capacity and not h.unassigned
        return "Balanced — nothing worth moving." if balanced else "No suggestions right now."
    if shown < n:
        return f"Showing the best {shown:,} of {n:,} suggestions ({accounts:,} accounts)"
    return f"{n:,} suggestion{'s' if n != 1 else ''} · {accounts:,} account{'s' if accounts != 1 else ''}"
