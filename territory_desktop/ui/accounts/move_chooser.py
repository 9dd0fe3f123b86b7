"""Ctrl+M "Move selection to…": pick a territory by typing a few letters, without the mouse.

The filter line keeps the focus the whole time; Up/Down/PageUp/PageDown go to the list, Enter chooses,
Esc cancels. Locked territories are listed (so the planner sees why one is missing) but cannot be
chosen: a move into them would be refused anyway.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.plan import Plan
from territory_desktop.core.wording import counted
from territory_desktop.ui.theme import icons

UNASSIGNED = -1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2
_NAV_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


class _TerritoryDelegate(QStyledItemDelegate):
    """Swatch, the territory name, then rep · region · accounts in a quieter colour."""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 (Qt API)
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)  # room to breathe between rows

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        detail = index.data(DETAIL_ROLE) or ""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        main = opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        quiet = QColor(main)
        quiet.setAlphaF(0.85 if selected else 0.55)
        painter.save()
        painter.setPen(main)
        fm = opt.fontMetrics
        flags = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        painter.drawText(text_rect, flags, name)
        rest = text_rect.adjusted(fm.horizontalAdvance(name) + 14, 0, 0, 0)
        painter.setPen(quiet)
        painter.drawText(rest, flags, fm.elidedText(detail, Qt.TextElideMode.ElideRight, rest.width()))
        painter.restore()


class MoveChooser(QDialog):
    """A filterable list of the plan's active territories; `chosen` holds the pick after accept."""

    def __init__(self, plan: Plan, parent: QWidget | None = None, allow_unassigned: bool = False,
                 rows: np.ndarray | None = None) -> None:
        super().__init__(parent)
        rows = np.asarray(rows if rows is not None else [], dtype=np.int64)
        self.setWindowTitle(f"Move {counted(len(rows), 'Account')} To" if len(rows) else "Move Selection To")
        self.chosen: int | None = None
        owners = np.unique(plan.assignment[rows]) if len(rows) else np.array([], dtype=np.int64)
        self._home: int | None = int(owners[0]) if len(owners) == 1 else None
        """The one territory every account to move is in: marked, and never the proposed choice."""
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter territories, reps or regions…")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setIconSize(QSize(14, 14))
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the filter
        self.list.setItemDelegate(_TerritoryDelegate(self.list))
        self.list.setSpacing(1)
        self.hint = QLabel("↑↓ choose · Enter move · Esc cancel")
        self.hint.setStyleSheet("color: #6B6F76;")
        counts = np.bincount(plan.assignment[plan.assignment >= 0], minlength=plan.n_territories)
        for i in plan.active_territories():
            t = plan.territories[int(i)]
            detail = " · ".join(x for x in (t.rep, t.region, f"{fmt.count(counts[i])} accounts",
                                             "locked" if t.locked else "",
                                             "where they are now" if int(i) == self._home else "") if x)
            item = QListWidgetItem(icons.swatch(t.color), t.name)
            item.setData(DETAIL_ROLE, detail)
            item.setData(Qt.ItemDataRole.UserRole, int(i))
            item.setData(Qt.ItemDataRole.UserRole + 1, " ".join((t.name, t.rep, t.region)).casefold())
            if t.locked:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip("Locked: unlock the territory to move accounts in")
            self.list.addItem(item)
        if allow_unassigned:
            item = QListWidgetItem(icons.swatch("#FFFFFF"), "Unassigned")
            item.setData(Qt.ItemDataRole.UserRole, UNASSIGNED)
            item.setData(Qt.ItemDataRole.UserRole + 1, "unassigned none nobody")
            self.list.addItem(item)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(self._item_chosen)
        self.list.itemDoubleClicked.connect(self._item_chosen)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 10)
        lay.setSpacing(8)
        lay.addWidget(self.filter)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.hint)
        rows = min(self.list.count(), 12)
        self.resize(420, 120 + max(rows, 4) * max(self.list.sizeHintForRow(0), 20))
        self._apply_filter("")

    def _item_chosen(self, _item: QListWidgetItem) -> None:
        self.accept()

    def _apply_filter(self, text: str) -> None:
        """Hide territories whose name, rep and region do not contain every typed word; select the first."""
        words = text.casefold().split()
        first: QListWidgetItem | None = None
        home: QListWidgetItem | None = None  # where the accounts are: proposed only when nothing else matches
        for r in range(self.list.count()):
            item = self.list.item(r)
            hay = item.data(Qt.ItemDataRole.UserRole + 1)
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            if hidden or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
                continue
            if item.data(Qt.ItemDataRole.UserRole) == self._home:
                home = item
            elif first is None:
                first = item
        first = first or home
        self.list.setCurrentItem(first)
        if first is not None:
            self.list.scrollToItem(first)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self.filter and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in _NAV_KEYS:
                self._step({Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -8,
                            Qt.Key.Key_PageDown: 8}[Qt.Key(key)])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
        return super().eventFilter(obj, event)

    def _step(self, delta: int) -> None:
        """Move the current row by `delta` over the visible, choosable territories."""
        rows = [r for r in range(self.list.count())
                if not self.list.item(r).isHidden() and self.list.item(r).flags() & Qt.ItemFlag.ItemIsEnabled]
        if not rows:
            return
        cur = self.list.currentRow()
        pos = rows.index(cur) if cur in rows else -1
        pos = max(0, min(len(rows) - 1, pos + delta)) if pos >= 0 else 0
        self.list.setCurrentRow(rows[pos])

    def current_territory(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.isHidden() or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        return int(item.data(Qt.ItemDataRole.UserRole))

    def accept(self) -> None:
        self.chosen = self.current_territory()
        if self.chosen is None:  # nothing matches the filter: stay open, the planner can retype
            return
        super().accept()

    @staticmethod
    def choose(plan: Plan, parent: QWidget | None = None, allow_unassigned: bool = False,
               rows: np.ndarray | None = None) -> int | None:
        """Show the chooser modally for the accounts `rows`; the territory index picked (-1 = unassigned if
        allowed), or None."""
        dlg = MoveChooser(plan, parent, allow_unassigned, rows)
        try:
            return dlg.chosen if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()
