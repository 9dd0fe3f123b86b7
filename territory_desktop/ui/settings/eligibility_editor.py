"""Eligibility rules, editable: which rep roles may own each segment's accounts.

Part of the rules page of the balance settings dialog. A grid with a row per segment and a check box per rep
role; a row with nothing ticked means "any role", which the last column says in words, so an empty grid never
reads as "nobody may own these". Keyboard: arrows move between cells, Space ticks.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import eligibility_rules

Rules = tuple[tuple[str, tuple[str, ...]], ...]
ANY_ROLE = "Any role"
RULE_COLUMN_WIDTH = 160
"""Room for "Enterprise AE or Strategic AE only" in the summary column."""
MAX_ROWS_SHOWN = 5
"""Segments shown without scrolling. A plan has three to five; beyond that the table scrolls, so the dialog
(whose tallest tab this is) still fits a 1280×800 screen with its OK button (7 segments made it 800 px tall)."""


def _wrap(role: str) -> str:
    """A long role name on two header lines, so six roles still fit the dialog's width."""
    return role if len(role) <= 10 or " " not in role else "\n".join(role.rsplit(" ", 1))


class _CentredCheck(QStyledItemDelegate):
    """A check box in the middle of its cell, under its role's header (styles draw it at the left edge)."""

    def _check_rect(self, option: QStyleOptionViewItem) -> QRect:
        style = option.widget.style() if option.widget else QApplication.style()
        size = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, option.widget).size()
        rect = QRect(0, 0, size.width(), size.height())
        rect.moveCenter(option.rect.center())
        return rect

    def paint(self, painter, option, index):  # noqa: N802 (Qt API)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        check = QStyleOptionViewItem(opt)
        check.rect = self._check_rect(opt)
        on = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked.value \
            or index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        check.state = (check.state & ~QStyle.StateFlag.State_HasFocus) | (
            QStyle.StateFlag.State_On if on else QStyle.StateFlag.State_Off)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, check, painter, opt.widget)

    def editorEvent(self, event, model, option, index):  # noqa: N802 (Qt API)
        """A click on the centred box (or Space, handled by the base class) toggles it."""
        if event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick):
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            if event.button() != Qt.MouseButton.LeftButton \
                    or not self._check_rect(opt).contains(event.position().toPoint()):
                return False
            if event.type() == QEvent.Type.MouseButtonDblClick:
                return True
            on = index.data(Qt.ItemDataRole.CheckStateRole) in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
            state = Qt.CheckState.Unchecked if on else Qt.CheckState.Checked
            return model.setData(index, state.value, Qt.ItemDataRole.CheckStateRole)
        return super().editorEvent(event, model, option, index)


class EligibilityEditor(QWidget):
    """Segment × role check boxes for `BalanceSettings.eligibility`; `current()` gives the canonical rules.

    Segments and roles named by existing rules are shown even when the plan no longer has them, so opening and
    accepting the dialog never drops a rule silently.
    """

    changed = Signal()

    def __init__(self, rules: Rules, segments: list[str], roles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments = list(dict.fromkeys([*(s for s in segments if s), *(seg for seg, _ in rules)]))
        self.roles = list(dict.fromkeys([*(r for r in roles if r), *(r for _, rs in rules for r in rs)]))
        self._loading = False
        intro = QLabel("Which rep roles may own each segment's accounts. Nothing ticked = any role. Hand moves "
                       "and the co-pilot keep to these rules; a territory without a role takes any segment.")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.segments), len(self.roles) + 1, self)
        self.table.setObjectName("eligibilityTable")
        self.table.setAccessibleName("Allowed rep roles by segment")
        self.table.setHorizontalHeaderLabels([*(_wrap(r) for r in self.roles), "Rule"])
        self.table.setVerticalHeaderLabels(self.segments or [])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move inside it
        self._delegate = _CentredCheck(self.table)
        for c in range(len(self.roles)):
            self.table.setItemDelegateForColumn(c, self._delegate)
        head = self.table.horizontalHeader()
        for c in range(len(self.roles)):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(len(self.roles), QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for r, seg in enumerate(self.segments):
            for c, role in enumerate(self.roles):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(f"{seg} accounts may go to {role} territories")
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{seg} to {role}")
                self.table.setItem(r, c, item)
            summary = QTableWidgetItem(ANY_ROLE)
            summary.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(r, len(self.roles), summary)
        self.table.itemChanged.connect(self._item_changed)
        self.empty_note = QLabel("No territory has a rep role yet: give territories a role (Edit Territory) to "
                                 "set eligibility rules.")
        self.empty_note.setWordWrap(True)
        self.empty_note.setVisible(not self.roles)
        self.table.setVisible(bool(self.roles and self.segments))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        lay.addWidget(intro)
        lay.addWidget(self.table)
        lay.addWidget(self.empty_note)
        self.load(rules)
        self._fit_height()

    def _fit_height(self) -> None:
        """Big enough for every role and up to MAX_ROWS_SHOWN segments without scroll bars: the dialog grows
        instead of hiding a column behind a scroll bar, and only an unusually long list of segments scrolls."""
        t = self.table
        frame = 2 * t.frameWidth()
        shown = min(t.rowCount(), MAX_ROWS_SHOWN)
        rows = sum(t.rowHeight(r) for r in range(shown))
        t.setFixedHeight(t.horizontalHeader().sizeHint().height() + rows + frame + 2)
        t.resizeColumnsToContents()
        cols = sum(t.columnWidth(c) for c in range(len(self.roles)))
        scroll = t.verticalScrollBar().sizeHint().width() if t.rowCount() > shown else 0
        t.setMinimumWidth(t.verticalHeader().sizeHint().width() + cols + RULE_COLUMN_WIDTH + frame + 2 + scroll)
        t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if scroll
                                     else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def cell(self, segment: str, role: str) -> QTableWidgetItem:
        """The check box of `segment` accounts going to `role` territories (KeyError if either is unknown)."""
        return self.table.item(self.segments.index(segment), self.roles.index(role))

    def load(self, rules: Rules) -> None:
        """Tick exactly the roles `rules` allow (Restore Defaults clears every box)."""
        allowed = dict(rules)
        self._loading = True
        for r, seg in enumerate(self.segments):
            for c, role in enumerate(self.roles):
                on = role in allowed.get(seg, ())
                self.table.item(r, c).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self._summarise(r)
        self._loading = False

    def current(self) -> Rules:
        return eligibility_rules({seg: self._ticked(r) for r, seg in enumerate(self.segments)})

    def _ticked(self, row: int) -> list[str]:
        return [role for c, role in enumerate(self.roles)
                if self.table.item(row, c).checkState() == Qt.CheckState.Checked]

    def _summarise(self, row: int) -> None:
        ticked = self._ticked(row)
        text = " or ".join(ticked) + " only" if ticked else ANY_ROLE
        self.table.item(row, len(self.roles)).setText(text)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() >= len(self.roles):
            return
        self._summarise(item.row())
        self.changed.emit()
