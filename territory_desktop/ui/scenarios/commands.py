"""The Scenarios menu's commands: new (a copy of the one shown), switch, rename, notes, delete, compare.

An object the window owns; it reaches the window only through `ScenarioHost` (the document, the shared
selection and messages), like the shell's file and export commands. Each command takes its answers as
arguments (for tests and scripts) and asks with a dialog when they are not given.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from territory_desktop.ui.hub.document import Document, DocumentError
from territory_desktop.ui.hub.selection import Selection
from territory_desktop.ui.scenarios.dialogs import ScenarioDialog

Btn = QMessageBox.StandardButton


class ScenarioHost(Protocol):
    """What the scenario commands need of the window (MainWindow is one)."""

    doc: Document
    selection: Selection

    def show_error(self, title: str, text: str) -> None: ...

    def show_status(self, text: str, seconds: float = 6.0) -> None: ...

    def ask(self, title: str, text: str, buttons: QMessageBox.StandardButton,
            default: QMessageBox.StandardButton) -> QMessageBox.StandardButton: ...


def _next_name(doc: Document) -> str:
    base = f"{doc.scenario_name} (copy)"
    taken = {n.casefold() for n in doc.scenarios.names}
    name, i = base, 2
    while name.casefold() in taken:
        name, i = f"{doc.scenario_name} (copy {i})", i + 1
    return name


class ScenarioCommands:
    def __init__(self, window: ScenarioHost) -> None:
        self.window = window
        self.compare_dialog: QWidget | None = None

    @property
    def doc(self) -> Document:
        return self.window.doc

    def _parent(self) -> QWidget | None:
        return self.window if isinstance(self.window, QWidget) else None

    def duplicate(self, name: str | None = None, notes: str = "") -> bool:
        """Scenarios → New Scenario from Current…: a named copy of the scenario shown, then shown."""
        doc = self.doc
        if name is None:
            dlg = ScenarioDialog(
                "New Scenario", f"A copy of “{doc.scenario_name}” with its own assignment, territories, settings "
                "and undo history. The scenario you are on stays as it is.", _next_name(doc), "",
                doc.scenarios.check_name, "Create Scenario", self._parent())
            if not dlg.exec():
                return False
            name, notes = dlg.values()
        try:
            doc.duplicate_scenario(name, notes)
        except DocumentError as exc:
            self.window.show_error("Cannot Create Scenario", str(exc))
            return False
        self.window.show_status(f"Created scenario {doc.scenario_name!r}; you are now working in it.")
        return True

    def switch(self, index: int) -> None:
        self.doc.switch_scenario(index)

    def rename(self, name: str | None = None) -> bool:
        doc = self.doc
        index = doc.scenarios.active
        if name is None:
            dlg = ScenarioDialog("Rename Scenario", f"A new name for “{doc.scenario_name}”.", doc.scenario_name, "",
                                 lambda n: doc.scenarios.check_name(n, ignore=index), "Rename", self._parent(),
                                 show_notes=False)
            if not dlg.exec():
                return False
            name = dlg.values()[0]
        try:
            doc.rename_scenario(index, name)
        except DocumentError as exc:
            self.window.show_error("Cannot Rename Scenario", str(exc))
            return False
        return True

    def edit_notes(self, notes: str | None = None) -> bool:
        doc = self.doc
        index = doc.scenarios.active
        if notes is None:
            dlg = ScenarioDialog("Scenario Notes", f"Notes on “{doc.scenario_name}”: what it tries and why.", "",
                                 doc.scenarios.current.notes, lambda n: n, "Save Notes", self._parent(),
                                 show_name=False)
            if not dlg.exec():
                return False
            notes = dlg.values()[1]
        doc.set_scenario_notes(index, notes)
        return True

    def delete(self, confirm: bool = True) -> bool:
        """Delete the scenario shown (after a question naming it); never the only one."""
        doc = self.doc
        if len(doc.scenarios) == 1:
            self.window.show_error("Cannot Delete Scenario", f"“{doc.scenario_name}” is the only scenario: a plan "
                                   "keeps at least one. Create another first (Scenarios → New Scenario).")
            return False
        name = doc.scenario_name
        if confirm:
            answer = self.window.ask("Delete Scenario", f"Delete the scenario “{name}” with its assignment, "
                                     "territories, settings and history? This cannot be undone (until you close "
                                     "without saving).", Btn.Yes | Btn.Cancel, Btn.Cancel)
            if answer != Btn.Yes:
                return False
        doc.delete_scenario(doc.scenarios.active)
        self.window.show_status(f"Deleted scenario {name!r}; now showing {doc.scenario_name!r}.")
        return True

    def compare(self) -> QWidget:
        """Scenarios → Compare…: the side-by-side view (one, kept; raised when open)."""
        from territory_desktop.ui.scenarios.compare_view import CompareDialog

        if self.compare_dialog is None or self.compare_dialog.doc is not self.doc:  # type: ignore[attr-defined]
            if self.compare_dialog is not None:
                self.compare_dialog.close()
            self.compare_dialog = CompareDialog(self.doc, self.window.selection, self._parent())
        self.compare_dialog.show()
        self.compare_dialog.raise_()
        self.compare_dialog.activateWindow()
        return self.compare_dialog
