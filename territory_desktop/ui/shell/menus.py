"""The main window's menus and toolbar: every command in one place, with its shortcut, icon and tip.

Kept apart from the window's layout so adding a command (or a dock with its View entry) is one line here.
Undo/redo come from the window's QUndoGroup, so they always act on the open document's stack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from territory_desktop import __version__
from territory_desktop.io.export import ExportError, export_assignments, export_changes
from territory_desktop.ui.theme import icons

if TYPE_CHECKING:
    from territory_desktop.ui.shell.main_window import MainWindow

Std = QKeySequence.StandardKey


def _action(window: MainWindow, text: str, slot: Callable[[], object], *, shortcut: object = None,
            icon: str = "", tip: str = "") -> QAction:
    a = QAction(icons.icon(icon) if icon else icons.icon(""), text, window)
    if isinstance(shortcut, list):
        a.setShortcuts([QKeySequence(s) for s in shortcut])
    elif shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
        keys = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        a.setToolTip(f"{tip} ({keys})" if keys else tip)
    a.triggered.connect(lambda _checked=False: slot())
    return a


def build_menus(w: MainWindow) -> dict[str, QAction]:
    """Create the menu bar and the main toolbar of `w`; return the actions by name (for tests and docks)."""
    acts: dict[str, QAction] = {}
    mb = w.menuBar()

    file = mb.addMenu("&File")
    acts["open"] = _action(w, "&Open…", w.open_dialog, shortcut=Std.Open, icon="open",
                           tip="Open a .territory plan, or a CSV/Excel export")
    acts["import"] = _action(w, "&Import Accounts…", w.import_dialog, shortcut="Ctrl+I", icon="import",
                             tip="Import a CRM export (CSV or Excel) as a new plan")
    acts["save"] = _action(w, "&Save", w.save, shortcut=Std.Save, icon="save", tip="Save the plan")
    acts["save_as"] = _action(w, "Save &As…", w.save_as, shortcut=Std.SaveAs, tip="Save the plan to a new file")
    acts["export_assignments"] = _action(w, "Export &Assignments…", w.export_assignments, icon="export",
                                         tip="Write account → territory/rep for the CRM (CSV or Excel)")
    acts["export_changes"] = _action(w, "Export &Change List…", w.export_changes,
                                     tip="Write the accounts that moved since the baseline, with a date")
    acts["quit"] = _action(w, "&Quit", w.close, shortcut=Std.Quit)
    file.addActions([acts["open"], acts["import"]])
    w.recent_menu = file.addMenu("Open &Recent")
    w.recent_menu.aboutToShow.connect(w.fill_recent_menu)
    file.addSeparator()
    file.addActions([acts["save"], acts["save_as"]])
    file.addSeparator()
    file.addActions([acts["export_assignments"], acts["export_changes"]])
    file.addSeparator()
    file.addAction(acts["quit"])

    edit = mb.addMenu("&Edit")
    acts["undo"] = w.undo_group.createUndoAction(w, "&Undo")
    acts["undo"].setShortcuts([QKeySequence(Std.Undo)])
    acts["undo"].setIcon(icons.icon("undo"))
    acts["redo"] = w.undo_group.createRedoAction(w, "&Redo")
    acts["redo"].setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    acts["redo"].setIcon(icons.icon("redo"))
    acts["settings"] = _action(w, "&Balance Settings…", w.open_balance_settings, shortcut="Ctrl+,",
                               icon="settings", tip="Measures, tolerance bands and the workload model")
    edit.addActions([acts["undo"], acts["redo"]])
    edit.addSeparator()
    edit.addAction(acts["settings"])

    accounts = mb.addMenu("&Accounts")
    acts["move"] = _action(w, "&Move Selection To…", w.move_selection, shortcut="Ctrl+M", icon="move",
                           tip="Move the selected accounts to a territory")
    acts["lock_accounts"] = _action(w, "&Lock Selected Accounts", lambda: w.lock_selection(True),
                                    shortcut="Ctrl+Shift+L", icon="lock",
                                    tip="Locked accounts stay with their territory")
    acts["unlock_accounts"] = _action(w, "&Unlock Selected Accounts", lambda: w.lock_selection(False),
                                      icon="unlock", tip="Let the selected accounts move again")
    acts["find"] = _action(w, "&Find Accounts", w.focus_search, shortcut=Std.Find,
                           tip="Search accounts by name, id or city")
    accounts.addActions([acts["move"], acts["lock_accounts"], acts["unlock_accounts"]])
    accounts.addSeparator()
    accounts.addAction(acts["find"])

    territories = mb.addMenu("&Territories")
    for name, action in w.territory_panel.actions_by_name.items():
        if name == "select":
            territories.addSeparator()
        territories.addAction(action)
        if name in ("add", "lock"):
            territories.addSeparator()

    w.view_menu = mb.addMenu("&View")
    acts["focus_table"] = _action(w, "Go to &Account Table", w.focus_table, shortcut="Ctrl+1")
    acts["focus_territories"] = _action(w, "Go to &Territories", w.focus_territories, shortcut="Ctrl+2")
    acts["focus_history"] = _action(w, "Go to Edit &History", w.focus_history, shortcut="Ctrl+3")
    acts["reset_layout"] = _action(w, "&Reset Layout", w.reset_layout, tip="Put every panel back in place")
    w.view_menu.addActions([acts["focus_table"], acts["focus_territories"], acts["focus_history"]])
    w.view_menu.addSeparator()
    w.dock_menu_anchor = w.view_menu.addSeparator()
    w.view_menu.addAction(acts["reset_layout"])

    help_menu = mb.addMenu("&Help")
    acts["shortcuts"] = _action(w, "&Keyboard Shortcuts", lambda: show_shortcuts(w), shortcut="F1")
    acts["about"] = _action(w, "&About Territory Desktop", lambda: show_about(w))
    help_menu.addActions([acts["shortcuts"], acts["about"]])

    bar = QToolBar("Main toolbar", w)
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for key in ("open", "save", None, "undo", "redo", None, "move", "settings", None, "export_assignments"):
        if key is None:
            bar.addSeparator()
        else:
            bar.addAction(acts[key])
    for key, short in (("open", "Open"), ("save", "Save"), ("move", "Move To…"), ("settings", "Balance"),
                       ("export_assignments", "Export")):
        acts[key].setIconText(short)
    for key in ("undo", "redo"):
        button = bar.widgetForAction(acts[key])
        if button is not None:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    w.main_toolbar = bar
    return acts


def show_shortcuts(w: MainWindow) -> None:
    """Help → Keyboard Shortcuts: every key the window answers to, in one table."""
    rows = [("Ctrl+O", "Open a plan or an export"), ("Ctrl+S", "Save"), ("Ctrl+Z", "Undo"),
            ("Ctrl+Shift+Z / Ctrl+Y", "Redo"), ("Ctrl+M", "Move the selected accounts to…"),
            ("Ctrl+F", "Search accounts"), ("Ctrl+1 / 2 / 3", "Go to table / territories / history"),
            ("F2", "Rename the selected territory"), ("Ctrl+E", "Edit the selected territory"),
            ("Ctrl+L", "Lock or unlock the selected territory"), ("Delete", "Remove the selected territory"),
            ("Enter", "Open the selected territory's editor"), ("Ctrl+Shift+L", "Lock the selected accounts"),
            ("Ctrl+Shift+T / H", "Show or hide Territories / Edit History"), ("Ctrl+,", "Balance settings"),
            ("Esc", "Dismiss a notice")]
    html = "<table cellpadding='3'>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    QMessageBox.information(w, "Keyboard Shortcuts", html + "</table>")


def show_about(w: MainWindow) -> None:
    """Help → About: name and version."""
    QMessageBox.about(w, "About Territory Desktop",
                      f"<b>Territory Desktop</b> {__version__}<br>Carve and balance sales territories, offline.")


def dock_entry(menu: QMenu, anchor: QAction, action: QAction) -> None:
    """Insert a dock's show/hide action in the View menu (above Reset Layout)."""
    menu.insertAction(anchor, action)


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
    """File → Export commands of the main window (mixed into MainWindow): CRM assignment file, change list."""

    def export_assignments(self, path: str | Path | None = None) -> bool:
        """Account → territory/rep file for the CRM (.csv or .xlsx by the chosen suffix)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export Assignments",
                                                  str(Path(self._start_folder()) / "assignments.csv"),
                                                  "CSV (*.csv);;Excel workbook (*.xlsx)")
            if not path:
                return False
        try:
            n = export_assignments(self.doc.plan, path)
        except (ExportError, OSError) as exc:
            self.show_error("Cannot Export", str(exc))
            return False
        self.show_status(f"Exported {n:,} assignments to {Path(path).name}.")
        return True

    def export_changes(self, path: str | Path | None = None, effective: dt.date | None = None,
                       reason: str = "") -> bool:
        """Accounts that moved since the baseline, effective from a date the planner picks."""
        if effective is None:
            dlg = ChangeListDialog(self.doc.plan.kpis.moved_count, self)
            if not dlg.exec():
                return False
            effective, reason = dlg.values()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export Change List",
                                                  str(Path(self._start_folder()) / "changes.csv"),
                                                  "CSV (*.csv);;Excel workbook (*.xlsx)")
            if not path:
                return False
        try:
            n = export_changes(self.doc.plan, path, effective, reason)
        except (ExportError, OSError) as exc:
            self.show_error("Cannot Export", str(exc))
            return False
        self.show_status(f"Exported {n:,} changes to {Path(path).name}.")
        return True
