"""File → Refresh from CRM Export…: read a newer export, show what it changes, apply it as one undoable edit.

`prepare.py` reads the export and builds the edit (Qt-free, on a worker thread); `groups.py` words the
differences as lists of accounts; `rows_model.py` is the filterable list; `dialog.py` is the preview and Apply.
"""

from __future__ import annotations

from typing import Any


def choose_export(window: Any) -> str:
    """The file chooser for the newer export ("" if the planner cancels); tests replace it."""
    from PySide6.QtWidgets import QFileDialog

    from territory_desktop.ui.refresh.dialog import EXPORT_FILTER

    start = str(getattr(window.doc, "source_path", "") or "")
    path, _ = QFileDialog.getOpenFileName(window, "Refresh from a newer CRM export", start, EXPORT_FILTER)
    return path


def open_refresh(window: Any, export: str | None = None) -> bool:
    """Choose the newer export, preview the refresh, apply it on Apply; True if it was applied."""
    from territory_desktop.ui.refresh.dialog import RefreshDialog

    path = export if export is not None else choose_export(window)
    if not path:
        return False
    return bool(RefreshDialog(window, path).exec())
