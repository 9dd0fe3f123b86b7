"""The Edit History panel (the undo stack) and Edit → Plan History (the saved audit trail).

The panel shows the window's QUndoGroup, so it follows whichever scenario is shown without being rewired;
clicking a step goes back to it. Plan History is the permanent record: every edit applied, undone or redone,
with time, the OS user, what it did and why, saved in the project file and kept across sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.audit import ACTION_WORDS, AuditEntry
from territory_desktop.ui.hub.document import Document
from territory_desktop.ui.theme import icons
from territory_desktop.ui.theme.style import MUTED, SPACING


class HistoryView(QUndoView):
    """QUndoView with a planner-worded first entry and the save point marked."""

    def __init__(self, group: QUndoGroup, parent: QWidget | None = None) -> None:
        super().__init__(group, parent)
        self.setEmptyLabel("Opened plan")
        self.setCleanIcon(icons.icon("save"))
        self.setAlternatingRowColors(True)
        self.setToolTip("Click a step to return the plan to that point; the disk marks the last save")
        self.setAccessibleName("Edit history")


def local_time(iso: str) -> str:
    """"2026-12-03 09:21" in the planner's time zone from a stored UTC stamp (the text itself if unreadable)."""
    try:
        t = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if t.tzinfo is not None:
        t = t.astimezone()
    return f"{t:%Y-%m-%d %H:%M}"


class AuditModel(QAbstractTableModel):
    """The audit trail as a table, newest first."""

    HEADERS = ("When", "Who", "Action", "Change", "Accounts", "Reason")

    def __init__(self, entries: list[AuditEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries = list(reversed(entries))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (local_time(e.at), e.user, ACTION_WORDS.get(e.action, e.action), e.label,
                    f"{e.accounts:,}" if e.accounts else "", e.reason)[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key: stamps sort as text, counts as numbers
            return (e.at, e.user, e.action, e.label, e.accounts, e.reason)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PlanHistoryDialog(QDialog):
    """Edit → Plan History: the audit trail of the scenario shown, filterable by any word."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Plan History — {doc.scenario_name}")
        self.setObjectName("planHistory")
        entries = doc.plan.audit
        self.model = AuditModel(entries, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        for c in range(5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 420)
        header.setStretchLastSection(True)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter by user, change or reason…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(280)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        users = sorted({e.user for e in entries})
        first = local_time(entries[0].at) if entries else ""
        about = QLabel(f"{len(entries):,} step{'s' if len(entries) != 1 else ''} recorded"
                       + (f" since {first} by {', '.join(users)}" if entries else "")
                       + ". The history is saved with the plan." if entries else
                       "No edits recorded yet: every edit, undo and redo from now on is listed here and saved "
                       "with the plan.")
        about.setWordWrap(True)
        about.setStyleSheet(f"color: {MUTED};")
        top = QHBoxLayout()
        top.addWidget(about, 1)
        top.addWidget(self.filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2 * SPACING, 2 * SPACING, 2 * SPACING, 2 * SPACING)
        lay.setSpacing(2 * SPACING)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self.resize(980, 560)

    @classmethod
    def show_for(cls, doc: Document, parent: QWidget) -> PlanHistoryDialog:
        dlg = cls(doc, parent)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg
