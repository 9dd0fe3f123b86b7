"""File → Export: the CRM assignment file and the change list (effective date and reason asked first).

An object the window owns; it reaches the window only through `ExportHost` (the document and messages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.io.export import ExportError, export_assignments, export_changes
from territory_desktop.ui.hub.document import Document


class ExportHost(Protocol):
    """What the export commands need of the window (MainWindow is one)."""

    doc: Document

    def show_error(self, title: str, text: str) -> None: ...

    def show_status(self, text: str, seconds: float = 6.0) -> None: ...


class ChangeListDialog(QDialog):
    """Effective date and reason for the change-list export."""

    def __init__(self, moved: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Change List")
        intro = QLabel(f"{moved:,} account{'s' if moved != 1 else ''} moved since the baseline. "
                       "The change list tells the CRM team who takes over which account, and from when.")
        intro.setWordWrap(True)
        self.date = QDateEdit(QDate.currentDate().addDays(1))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. FY27 territory realignment")
        form = QFormLayout()
        form.addRow("&Effective date:", self.date)
        form.addRow("&Reason:", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose File…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(440, self.sizeHint().height())

    def values(self) -> tuple[dt.date, str]:
        d = self.date.date()
        return dt.date(d.year(), d.month(), d.day()), self.reason.text().strip()


class ExportCommands:
    """File → Export commands of the main window: the CRM assignment file and the dated change list."""

    def __init__(self, window: ExportHost, start_folder: Callable[[], str]) -> None:
        self.window = window
        self.start_folder = start_folder

    def export_assignments(self, path: str | Path | None = None) -> bool:
        """Account → territory/rep file for the CRM (.csv or .xlsx by the chosen suffix)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export Assignments",
                                                  str(Path(self.start_folder()) / "assignments.csv"),
                                                  "CSV (*.csv);;Excel workbook (*.xlsx)")
            if not path:
                return False
        try:
            n = export_assignments(self.window.doc.plan, path)
        except (ExportError, OSError) as exc:
            self.window.show_error("Cannot Export", str(exc))
            return False
        self.window.show_status(f"Exported {n:,} assignments to {Path(path).name}.")
        return True

    def export_changes(self, path: str | Path | None = None, effective: dt.date | None = None,
                       reason: str = "") -> bool:
        """Accounts that moved since the baseline, effective from a date the planner picks."""
        if effective is None:
            dlg = ChangeListDialog(self.window.doc.plan.kpis.moved_count, self.window)
            if not dlg.exec():
                return False
            effective, reason = dlg.values()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export Change List",
                                                  str(Path(self.start_folder()) / "changes.csv"),
                                                  "CSV (*.csv);;Excel workbook (*.xlsx)")
            if not path:
                return False
        try:
            n = export_changes(self.window.doc.plan, path, effective, reason)
        except (ExportError, OSError) as exc:
            self.window.show_error("Cannot Export", str(exc))
            return False
        self.window.show_status(f"Exported {n:,} changes to {Path(path).name}.")
        return True
