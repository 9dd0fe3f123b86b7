"""Help → About: the name, the version (defined once, in pyproject) and what ships inside."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from territory_desktop import __version__


def show_about(w: QWidget) -> None:
    """Help → About: name and version."""
    QMessageBox.about(w, "About Territory Desktop",
                      f"<b>Territory Desktop</b> {__version__}<br>Carve and balance sales territories, offline.")

