"""File → Refresh from CRM Export…: read a newer export, show what it changes, apply it as one undoable edit."""

from __future__ import annotations

from typing import Any


def open_refresh(window: Any) -> None:
    """Being built (issue 17)."""
    window.show_status("Refresh from a CRM export is not in this build yet.")
