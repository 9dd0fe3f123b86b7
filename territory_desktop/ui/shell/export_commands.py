"""File → Export: the CRM assignment file and the change list (effective date and a fallback reason asked
first; every move's own reason, who and when go in the file).

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

from territory_desktop.core.change_notes import NOTICE_DAYS
from territory_desktop.io.export import ExportError, export_assignments, export_changes
from territory_desktop.ui.hub.document import Document


class ExportHost(Protocol):
    """What the export commands need of the window (MainWindow is one)."""

    doc: Document

    def show_error(self, title: str, text: str) -> None: ...

    def show_status(self, text: str, seconds: float = 6.0) -> None: ...


class ChangeListDialog(QDialog):
    """Effective date (the notice period ahead by default) and the reason for moves that carry none."""

    def __init__(self, moved: int, parent: QWidget | None = None, with_reason: int = 0,
                 scenario: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Change List")
        where = f" in “{scenario}”" if scenario else ""
        intro = QLabel(f"{moved:,} account{'s' if moved != 1 else ''} moved since the baseline{where}. "
                       "The change list tells the CRM team who takes over which account, from when, and why.")
        intro.setWordWrap(True)
        self.date = QDateEdit(QDate.currentDate().addDays(NOTICE_DAYS))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setToolTip(f"Default: {NOTICE_DAYS} days from today, the usual notice period")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. FY27 territory realignment")
        without = moved - with_reason
        own = QLabel(f"{with_reason:,} of these moves carry their own reason (co-pilot, what-if or your note); "
                     + (f"the reason above is written for the other {without:,}." if without
                        else "all of them say why already."))
        own.setWordWrap(True)
        own.setObjectName("reasonCoverage")
        form = QFormLayout()
        form.addRow("&Effective date:", self.date)
        form.addRow("&Reason for the others:" if with_reason else "&Reason:", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose File…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(own)
        lay.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

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
            doc = self.window.doc
            plan = doc.plan
            moved = plan.assignment != plan.baseline
            dlg = ChangeListDialog(int(moved.sum()), self.window, int((plan.notes.reason[moved] != "").sum()),
                                   doc.scenario_name if len(doc.scenarios) > 1 else "")
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
