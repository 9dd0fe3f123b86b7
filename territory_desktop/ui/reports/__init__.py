"""File → Reports…: one PDF per rep, a plan summary PDF and an Excel workbook (being built: issue 16)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from territory_desktop.ui.hub.document import Document


def open_reports(parent: QWidget, doc: Document) -> None:
    """Ask where to write the reports and write them (not built yet: says so)."""
    QMessageBox.information(parent, "Reports", "Reports are not available in this build yet.")
