"""File → Reports…: one PDF per rep, a plan summary PDF and an Excel workbook (the dialog is `dialog.py`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from territory_desktop.ui.hub.document import Document
from territory_desktop.ui.reports.dialog import ReportsDialog


def default_folder(doc: Document) -> Path:
    """"<plan> reports" beside the plan's file; in the home folder for a plan never saved."""
    if doc.path is not None:
        return doc.path.parent / f"{doc.path.stem} reports"
    return Path.home() / "Territory reports"


def plan_title(doc: Document) -> str:
    """The name printed on the reports: the file's name, and the scenario's when the project holds several."""
    name = doc.path.stem if doc.path is not None else doc.display_name
    scenarios = getattr(doc.plan, "scenarios", None)
    if scenarios is not None and len(scenarios) > 1:
        return f"{name} · {scenarios.current.name}"
    return name


def open_reports(parent: QWidget, doc: Document) -> None:
    """Ask where to write the reports and write them (modal: the plan stays as reported while it runs)."""
    dialog = ReportsDialog(doc.plan, plan_title(doc), default_folder(doc), parent)
    dialog.exec()
