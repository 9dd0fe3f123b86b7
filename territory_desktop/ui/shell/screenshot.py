"""Offscreen rendering of the main window, for the README, for docs and for looking at the layout.

The window is built with a throw-away settings file, so a screenshot never depends on (or changes) the
planner's saved layout, and without a recovery journal, so it leaves nothing behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from territory_desktop.ui.hub.document import Document


def grab_window(doc: Document, out_png: Path, size: tuple[int, int], copilot_wait_s: float = 0.0) -> Path:
    """Show a MainWindow on `doc` at `size`, let it lay out and paint, and save what it shows to `out_png`.

    With `copilot_wait_s` > 0 the co-pilot runs and the picture waits (up to that long) for its suggestions.
    """
    from territory_desktop.ui.shell.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="territory-shot-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(doc, settings=settings, restore_state=False, start_journal=False)
        try:
            window.resize(*size)
            if copilot_wait_s > 0:
                window.attach_copilot()
            window.arrange_default_layout()
            window.show()
            if copilot_wait_s > 0:
                _wait_for_suggestions(window, copilot_wait_s)
            for _ in range(5):
                QApplication.processEvents()
            window.territory_panel.view.selectRow(0)
            QApplication.processEvents()
            window.map_view.wait_ready()
            image = window.grab()
            out_png = Path(out_png)
            if out_png.parent and not out_png.parent.exists():
                out_png.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(out_png), "PNG"):
                raise OSError(f"Cannot write {out_png}")
        finally:
            window.closing.emit()
            window.doc.close()
            window.close()
            window.deleteLater()
            QApplication.processEvents()
    return out_png


def _wait_for_suggestions(window: object, seconds: float) -> None:
    """Let the event loop run until the co-pilot has suggestions (or `seconds` pass)."""
    import time

    client = window.copilot_client
    client.solve_now()
    end = time.monotonic() + seconds
    while time.monotonic() < end and not client.suggestions:
        QApplication.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        QApplication.processEvents()
