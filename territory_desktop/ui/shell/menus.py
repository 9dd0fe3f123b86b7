"""The main window's menus and toolbar: every command in one place, with its shortcut, icon and tip.

Kept apart from the window's layout so adding a command (or a dock with its View entry) is one line here.
Undo/redo come from the window's QUndoGroup, so they always act on the open document's stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QToolBar, QWidget

from territory_desktop.ui.adjacency import AdjacencyCommands
from territory_desktop.ui.scenarios.commands import ScenarioCommands
from territory_desktop.ui.shell.about import show_about
from territory_desktop.ui.shell.export_commands import ExportCommands
from territory_desktop.ui.shell.file_commands import FileCommands
from territory_desktop.ui.theme import icons

Std = QKeySequence.StandardKey


class MenuHost(Protocol):
    """The window the menus are built for: its command objects and the slots the menu entries call."""

    files: FileCommands
    exports: ExportCommands
    scenarios: ScenarioCommands
    adjacency: AdjacencyCommands
    undo_group: QUndoGroup

    @property
    def territory_actions(self) -> dict[str, QAction]: ...

    def open_balance_settings(self) -> bool: ...

    def open_reports(self) -> None: ...

    def open_refresh(self) -> None: ...

    def open_rules(self) -> None: ...

    def open_lock_rules(self) -> None: ...

    def open_review(self) -> None: ...

    def open_plan_history(self) -> None: ...

    def move_selection(self, territory: int | None = None) -> bool: ...

    def lock_selection(self, locked: bool) -> bool: ...

    def focus_search(self) -> None: ...

    def focus_table(self) -> None: ...

    def focus_territories(self) -> None: ...

    def focus_history(self) -> None: ...

    def focus_map(self) -> None: ...

    def reset_layout(self) -> None: ...

    def close(self) -> bool: ...


@dataclass
class Menus:
    """What `build_menus` made: the actions by name (for tests and docks) and the places docks add to."""

    actions: dict[str, QAction]
    view_menu: QMenu
    dock_anchor: QAction
    recent_menu: QMenu
    toolbar: QToolBar

    def add_dock_toggle(self, action: QAction) -> None:
        """Insert a dock's show/hide action in the View menu (above Reset Layout)."""
        self.view_menu.insertAction(self.dock_anchor, action)


def _action(window: QWidget, text: str, slot: Callable[[], object], *, shortcut: object = None,
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


def build_menus(window: QMainWindow, host: MenuHost) -> Menus:
    """Create the menu bar and the main toolbar of `window`, whose commands `host` holds (the same window: Qt parent and command holder)."""
    acts: dict[str, QAction] = {}
    mb = window.menuBar()

    file = mb.addMenu("&File")
    acts["open"] = _action(window, "&Open…", host.files.open_dialog, shortcut=Std.Open, icon="open",
                           tip="Open a .territory plan, or a CSV/Excel export")
    acts["import"] = _action(window, "&Import Accounts…", host.files.import_dialog, shortcut="Ctrl+I", icon="import",
                             tip="Import a CRM export (CSV or Excel) as a new plan")
    acts["save"] = _action(window, "&Save", host.files.save, shortcut=Std.Save, icon="save", tip="Save the plan")
    acts["save_as"] = _action(window, "Save &As…", host.files.save_as, shortcut=Std.SaveAs, tip="Save the plan to a new file")
    acts["export_assignments"] = _action(window, "Export &Assignments…", host.exports.export_assignments, icon="export",
                                         tip="Write account → territory/rep for the CRM (CSV or Excel)")
    acts["export_changes"] = _action(window, "Export &Change List…", host.exports.export_changes,
                                     tip="Write the accounts that moved since the baseline, with a date")
    acts["reports"] = _action(window, "&Reports…", host.open_reports,
                              tip="Write one PDF per rep, a plan summary PDF and an Excel workbook")
    acts["refresh"] = _action(window, "Re&fresh from CRM Export…", host.open_refresh, icon="import",
                              tip="Take in a newer export: new, gone and changed accounts, shown before they apply")
    acts["import_adjacency"] = _action(window, "Import A&djacency…", host.adjacency.import_dialog,
                                       tip="Which accounts touch on the map (a CSV of a,b pairs of county or ZIP "
                                           "ids), so the co-pilot keeps each territory one connected piece")
    acts["remove_adjacency"] = _action(window, "Remo&ve Adjacency", host.adjacency.remove,
                                       tip="Forget which accounts touch on the map (undoable)")
    host.adjacency.track(acts["remove_adjacency"])
    acts["quit"] = _action(window, "&Quit", host.close, shortcut=Std.Quit)
    file.addActions([acts["open"], acts["import"], acts["refresh"], acts["import_adjacency"],
                     acts["remove_adjacency"]])
    recent_menu = file.addMenu("Open &Recent")
    recent_menu.aboutToShow.connect(lambda: host.files.fill_recent_menu(recent_menu))
    file.addSeparator()
    file.addActions([acts["save"], acts["save_as"]])
    file.addSeparator()
    file.addActions([acts["export_assignments"], acts["export_changes"], acts["reports"]])
    file.addSeparator()
    file.addAction(acts["quit"])

    edit = mb.addMenu("&Edit")
    acts["undo"] = host.undo_group.createUndoAction(window, "&Undo")
    acts["undo"].setShortcuts([QKeySequence(Std.Undo)])
    acts["undo"].setIcon(icons.icon("undo"))
    acts["redo"] = host.undo_group.createRedoAction(window, "&Redo")
    acts["redo"].setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    acts["redo"].setIcon(icons.icon("redo"))
    acts["settings"] = _action(window, "&Balance Settings…", host.open_balance_settings, shortcut="Ctrl+,",
                               icon="settings", tip="Measures, tolerance bands and the workload model")
    acts["plan_history"] = _action(window, "Plan &History…", host.open_plan_history, shortcut="Ctrl+Shift+Y",
                                   tip="Every edit of this scenario: when, who, what and why (saved with the plan)")
    edit.addActions([acts["undo"], acts["redo"]])
    edit.addSeparator()
    edit.addAction(acts["plan_history"])
    edit.addSeparator()
    edit.addAction(acts["settings"])

    accounts = mb.addMenu("&Accounts")
    acts["move"] = _action(window, "&Move Selection To…", host.move_selection, shortcut="Ctrl+M", icon="move",
                           tip="Move the selected accounts to a territory")
    acts["lock_accounts"] = _action(window, "&Lock Selected Accounts", lambda: host.lock_selection(True),
                                    shortcut="Ctrl+Shift+L", icon="lock",
                                    tip="Locked accounts stay with their territory")
    acts["unlock_accounts"] = _action(window, "&Unlock Selected Accounts", lambda: host.lock_selection(False),
                                      icon="unlock", tip="Let the selected accounts move again")
    acts["find"] = _action(window, "&Find Accounts", host.focus_search, shortcut=Std.Find,
                           tip="Search accounts by name, id or city")
    accounts.addActions([acts["move"], acts["lock_accounts"], acts["unlock_accounts"]])
    accounts.addSeparator()
    accounts.addAction(acts["find"])

    territories = mb.addMenu("&Territories")
    for name, action in host.territory_actions.items():
        if name == "select":
            territories.addSeparator()
        territories.addAction(action)
        if name in ("add", "lock"):
            territories.addSeparator()
    acts["rules"] = _action(window, "Territory &Rules…", host.open_rules,
                            tip="Define territories by geography, segment and named accounts; route new accounts")
    acts["lock_rules"] = _action(window, "Lock by R&ule…", host.open_lock_rules,
                                 tip="Lock every account matching a filter, now and when new accounts arrive")
    acts["review"] = _action(window, "&Quarterly Review…", host.open_review,
                             tip="What changed since the last review, and what is worth changing now")
    territories.addSeparator()
    territories.addActions([acts["rules"], acts["lock_rules"], acts["review"]])

    scen = mb.addMenu("&Scenarios")
    acts["scenario_new"] = _action(window, "&New Scenario from Current…", host.scenarios.duplicate,
                                   shortcut="Ctrl+Shift+N",
                                   tip="Copy the scenario shown under a new name, to try another plan")
    acts["scenario_rename"] = _action(window, "&Rename Scenario…", host.scenarios.rename,
                                      tip="Give the scenario shown another name")
    acts["scenario_notes"] = _action(window, "Scenario N&otes…", host.scenarios.edit_notes,
                                     tip="What the scenario shown tries and why")
    acts["scenario_delete"] = _action(window, "&Delete Scenario…", host.scenarios.delete,
                                      tip="Delete the scenario shown (a plan keeps at least one)")
    acts["scenario_compare"] = _action(window, "&Compare Scenarios…", host.scenarios.compare, shortcut="Ctrl+Shift+K",
                                       tip="Two scenarios, or one and the baseline, side by side")
    scen.addActions([acts["scenario_new"], acts["scenario_rename"], acts["scenario_notes"],
                     acts["scenario_delete"]])
    scen.addSeparator()
    scen.addAction(acts["scenario_compare"])
    scen.addSeparator()
    switch_anchor = scen.addSeparator()
    scen.aboutToShow.connect(lambda: _fill_scenario_list(window, host, scen, switch_anchor))
    scen.aboutToShow.connect(lambda: acts["scenario_delete"].setEnabled(len(host.scenarios.doc.scenarios) > 1))

    view_menu = mb.addMenu("&View")
    acts["focus_table"] = _action(window, "Go to &Account Table", host.focus_table, shortcut="Ctrl+1")
    acts["focus_territories"] = _action(window, "Go to &Territories", host.focus_territories, shortcut="Ctrl+2")
    acts["focus_history"] = _action(window, "Go to Edit &History", host.focus_history, shortcut="Ctrl+3")
    acts["focus_map"] = _action(window, "Go to &Map", host.focus_map, shortcut="Ctrl+4")
    acts["reset_layout"] = _action(window, "&Reset Layout", host.reset_layout, tip="Put every panel back in place")
    view_menu.addActions([acts["focus_table"], acts["focus_map"], acts["focus_territories"],
                          acts["focus_history"]])
    view_menu.addSeparator()
    dock_anchor = view_menu.addSeparator()
    view_menu.addAction(acts["reset_layout"])

    help_menu = mb.addMenu("&Help")
    acts["shortcuts"] = _action(window, "&Keyboard Shortcuts", lambda: show_shortcuts(window), shortcut="F1")
    acts["about"] = _action(window, "&About Territory Desktop", lambda: show_about(window))
    help_menu.addActions([acts["shortcuts"], acts["about"]])

    bar = QToolBar("Main toolbar", window)
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
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return Menus(acts, view_menu, dock_anchor, recent_menu, bar)


def _fill_scenario_list(window: QWidget, host: MenuHost, menu: QMenu, anchor: QAction) -> None:
    """The scenarios as a checkable list at the end of the menu (Ctrl+Alt+1…9 switch to the first nine)."""
    actions = menu.actions()
    for a in actions[actions.index(anchor) + 1:]:
        menu.removeAction(a)
        a.deleteLater()
    doc = host.scenarios.doc
    for i, name in enumerate(doc.scenarios.names):
        a = QAction(name.replace("&", "&&"), window)
        a.setCheckable(True)
        a.setChecked(i == doc.scenarios.active)
        if i < 9:
            a.setShortcut(QKeySequence(f"Ctrl+Alt+{i + 1}"))
        a.triggered.connect(lambda _c=False, i=i: host.scenarios.switch(i))
        menu.addAction(a)


def show_shortcuts(w: QWidget) -> None:
    """Help → Keyboard Shortcuts: every key the window answers to, in one table."""
    rows = [("Ctrl+O", "Open a plan or an export"), ("Ctrl+S", "Save"), ("Ctrl+Z", "Undo"),
            ("Ctrl+Shift+Z / Ctrl+Y", "Redo"), ("Ctrl+M", "Move the selected accounts to…"),
            ("Ctrl+F", "Search accounts"), ("Ctrl+1 / 2 / 3", "Go to table / territories / history"),
            ("F2", "Rename the selected territory"), ("Ctrl+E", "Edit the selected territory"),
            ("Ctrl+L", "Lock or unlock the selected territory"), ("Delete", "Remove the selected territory"),
            ("Enter", "Open the selected territory's editor"), ("Ctrl+Shift+L", "Lock the selected accounts"),
            ("Ctrl+Shift+T / H", "Show or hide Territories / Edit History"), ("Ctrl+,", "Balance settings"),
            ("Ctrl+Shift+N", "New scenario from the one shown"), ("Ctrl+Alt+1…9", "Switch scenario"),
            ("Ctrl+Shift+K", "Compare scenarios"), ("Ctrl+Shift+Y", "Plan history (audit trail)"),
            ("Esc", "Dismiss a notice")]
    html = "<table cellpadding='3'>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    QMessageBox.information(w, "Keyboard Shortcuts", html + "</table>")
