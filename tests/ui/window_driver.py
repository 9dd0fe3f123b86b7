"""Driving the real main window as a user does: a shown window with its own settings, drags onto territories.

Shared by the view tests and the end-to-end tests (the map and capacity views drive the window the same way).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from territory_desktop.core.plan import Plan
from territory_desktop.ui.hub.drag_payload import encode_rows
from territory_desktop.ui.shell.main_window import MainWindow
from territory_desktop.ui.territories.panel import TerritoryPanel


def make_window(qtbot, tmp_path: Path, plan: Plan, journal: bool = False) -> MainWindow:
    """A real, shown main window with its own settings file (never the user's)."""
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    w = MainWindow(plan, settings=settings, restore_state=False, start_journal=journal)
    w.ask = lambda *_a, **_k: QMessageBox.StandardButton.Discard  # closing at teardown must not block
    w.show_error = lambda title, text: w.errors.append((title, text))
    w.errors = []
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    qtbot.waitExposed(w)
    return w


def territory_pos(panel: TerritoryPanel, territory: int) -> QPoint:
    row = panel.view_row_of(territory)
    return panel.view.visualRect(panel.proxy.index(row, 0)).center()


def drag_over(panel: TerritoryPanel, rows, version: int, territory: int) -> QDragMoveEvent:
    mime = encode_rows(rows, version)
    pos = QPointF(territory_pos(panel, territory))
    vp = panel.view.viewport()
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, enter)
    move = QDragMoveEvent(pos.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, move)
    move.mime = mime  # keep the payload alive with the event
    return move


def drop_on(panel: TerritoryPanel, rows, territory: int, version: int | None = None) -> QDropEvent:
    """What a user's drag ends with: enter, move over the territory's row, release there."""
    version = panel.plan.version if version is None else version
    move = drag_over(panel, rows, version, territory)
    drop = QDropEvent(QPointF(territory_pos(panel, territory)), Qt.DropAction.MoveAction, move.mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel.view.viewport(), drop)
    return drop
