"""The open document: its scenarios (each a plan with its own undo stack), its file and recovery journal, and
how a file becomes one.

This is where the window's files are read and written, so every file problem becomes one `DocumentError`
with a sentence a planner understands (the window shows it; it never shows a traceback). The commands that
drive it (open, import, save, recovery) are the shell's `FileCommands`.

Scenarios: `plan` and `controller` are the active scenario's; switching emits `scenarioChanged` and the
window re-points every view, exactly as for a new document but without closing anything, so each scenario
keeps its undo history while the window is open. Saving writes every scenario (`save_moves` of the set:
only what moves change, when moves and locks are all that changed since the file was opened).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from territory_desktop.core.audit import SCENARIO
from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import ScenarioError, ScenarioSet
from territory_desktop.io.importing.importer import ImportFailed, import_plan
from territory_desktop.io.project.project_file import ProjectFileError, open_project, save_moves
from territory_desktop.io.project.recovery import Journal
from territory_desktop.ui.hub.plan_controller import PlanController

PROJECT_SUFFIX = ".territory"
IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
OPENABLE = (PROJECT_SUFFIX, *IMPORTABLE)


class DocumentError(Exception):
    """A file could not be opened, imported or saved; the message names the file and says why."""


@dataclass
class Loaded:
    """A plan read from disk: its project file (None for an import) and the import source."""

    plan: Plan
    project_path: Path | None
    source_path: Path | None
    note: str = ""


def open_project_file(path: Path) -> Loaded:
    try:
        return Loaded(open_project(path), path, None)
    except ProjectFileError as exc:
        raise DocumentError(str(exc)) from exc
    except OSError as exc:
        raise DocumentError(f"Cannot open {path.name}: {exc.strerror or exc}.") from exc


def import_file(path: Path, reps_path: Path | None = None) -> Loaded:
    """Import a CRM export with the guessed column mapping (the import dialog offers the full review)."""
    try:
        result = import_plan(path, reps_path)
    except ImportFailed as exc:
        raise DocumentError(str(exc)) from exc
    except OSError as exc:
        raise DocumentError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    return Loaded(result.plan, None, path, import_note(result))


def import_note(result: Any) -> str:
    """"Imported 1,234 accounts; 12 rows rejected, 30 warnings." for the status bar."""
    n = result.plan.n_accounts
    parts = [f"Imported {n:,} account{'s' if n != 1 else ''}"]
    if getattr(result, "rows_rejected", 0):
        parts.append(f"{result.rows_rejected:,} rows rejected")
    warnings = len(getattr(result, "warnings", []))
    if warnings:
        parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
    return "; ".join(parts) + "."


def load_path(path: str | Path) -> Loaded:
    """Open a .territory project or import a CSV/Excel file; DocumentError with a clear message otherwise."""
    p = Path(path)
    if not p.exists():
        raise DocumentError(f"{p.name} does not exist (looked in {p.parent}).")
    if p.is_dir():
        raise DocumentError(f"{p.name} is a folder, not a plan file.")
    suffix = p.suffix.lower()
    if suffix in IMPORTABLE:
        return import_file(p)
    if suffix == PROJECT_SUFFIX:
        return open_project_file(p)
    raise DocumentError(f"{p.name} is not a file Territory Desktop can open: use a .territory project, "
                        "or import a CSV or Excel (.xlsx) export.")


class Document(QObject):
    """One project being edited: its scenarios, file, undo stacks, recovery journal and modified state."""

    modifiedChanged = Signal(bool)  # noqa: N815 (Qt naming)
    scenarioChanged = Signal(int)  # noqa: N815 — the active scenario switched (its index)
    scenariosChanged = Signal()  # noqa: N815 — a scenario was added, renamed, given notes or deleted
    moveReasonChanged = Signal(str)  # noqa: N815

    def __init__(self, plan: Plan, path: Path | None = None, source_path: Path | None = None,
                 modified: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scenarios = ScenarioSet.single(plan)
        self.scenarios.activate(self.scenarios.index_of_plan(plan))
        self.path = Path(path) if path is not None else None
        self.source_path = Path(source_path) if source_path is not None else None
        self._controllers: dict[int, PlanController] = {}
        self._move_reason = ""
        self.journal: Any = None
        self.journal_problem = ""
        self._dirty_base = modified
        self._scenarios_dirty = False
        self._file_active: int | None = self.scenarios.active if self.path is not None and not modified else None
        """The scenario the file on disk opens on (the journal can replay onto the file only for that one)."""
        self.untitled_name = ""
        """Shown instead of "Untitled" for a plan without a file (e.g. "Sample plan")."""
        self.note = ""
        """What happened while loading (rows rejected...), for the status bar once the window shows."""

    # ----- the active scenario ----------------------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        return self.scenarios.current.plan

    @property
    def controller(self) -> PlanController:
        return self.controller_for(self.plan)

    @property
    def scenario_name(self) -> str:
        return self.scenarios.current.name

    def controller_for(self, plan: Plan) -> PlanController:
        """The undo stack of one scenario's plan (made on first use, kept while the document lives)."""
        ctl = self._controllers.get(id(plan))
        if ctl is None or ctl.plan is not plan:
            ctl = PlanController(plan, self, reason=lambda: self._move_reason)
            ctl.stack.cleanChanged.connect(self._on_clean_changed)
            self._controllers[id(plan)] = ctl
        return ctl

    @property
    def controllers(self) -> list[PlanController]:
        """Controllers of the scenarios that have one (the window adds their stacks to its undo group)."""
        return [self._controllers[id(s.plan)] for s in self.scenarios.scenarios if id(s.plan) in self._controllers]

    @property
    def move_reason(self) -> str:
        """The planner's reason for the next hand moves ("" = none): kept until cleared, for every scenario."""
        return self._move_reason

    @move_reason.setter
    def move_reason(self, text: str) -> None:
        text = " ".join(str(text).split())
        if text != self._move_reason:
            self._move_reason = text
            self.moveReasonChanged.emit(text)

    # ----- scenarios ------------------------------------------------------------------------------------
    def duplicate_scenario(self, name: str, notes: str = "", index: int | None = None,
                           switch: bool = True) -> int:
        """Copy scenario `index` (the active one by default) as a new named scenario; DocumentError if the
        name is taken or blank. The copy becomes active unless `switch` is False."""
        try:
            new = self.scenarios.duplicate(self.scenarios.active if index is None else index, name, notes)
        except ScenarioError as exc:
            raise DocumentError(str(exc)) from exc
        self._structure_changed()
        if switch:
            self.switch_scenario(new)
        return new

    def switch_scenario(self, index: int) -> None:
        if index == self.scenarios.active:
            return
        try:
            self.scenarios.activate(index)
        except ScenarioError as exc:
            raise DocumentError(str(exc)) from exc
        self.controller_for(self.plan)
        self._restart_journal()
        self.scenarioChanged.emit(index)

    def rename_scenario(self, index: int, name: str) -> None:
        try:
            self.scenarios.rename(index, name)
        except ScenarioError as exc:
            raise DocumentError(str(exc)) from exc
        self._structure_changed()

    def set_scenario_notes(self, index: int, notes: str) -> None:
        if notes != self.scenarios.scenarios[index].notes:
            self.scenarios.set_notes(index, notes)
            self._structure_changed()

    def delete_scenario(self, index: int) -> None:
        """Delete a scenario (not the last); deleting the active one switches to its neighbour first."""
        if len(self.scenarios) == 1:
            raise DocumentError(f"{self.scenarios.scenarios[0].name!r} is the only scenario: a plan keeps at "
                                "least one.")
        if index == self.scenarios.active:
            self.switch_scenario(index + 1 if index + 1 < len(self.scenarios) else index - 1)
        active_plan = self.plan
        gone = self.scenarios.delete(index)
        if self._file_active is not None:
            self._file_active = None  # the file's numbering no longer matches
        ctl = self._controllers.pop(id(gone.plan), None)
        if ctl is not None:
            ctl.stack.cleanChanged.disconnect(self._on_clean_changed)
            ctl.deleteLater()
        active_plan.record(SCENARIO, f"Scenario {gone.name!r} deleted")
        self._structure_changed()

    def _structure_changed(self) -> None:
        was = self.modified
        self._scenarios_dirty = True
        self.scenariosChanged.emit()
        if not was:
            self.modifiedChanged.emit(True)

    # ----- state ----------------------------------------------------------------------------------------
    def _on_clean_changed(self, _clean: bool) -> None:
        self.modifiedChanged.emit(self.modified)

    @property
    def modified(self) -> bool:
        """Unsaved changes: edits since the last save in any scenario, a scenario added, renamed or deleted,
        or a plan that differs from its file (recovered)."""
        return self._dirty_base or self._scenarios_dirty or any(not c.stack.isClean() for c in self.controllers)

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        if self.untitled_name:
            return self.untitled_name
        if self.source_path is not None:
            return f"Untitled (from {self.source_path.name})"
        return "Untitled"

    def start_journal(self) -> None:
        """Begin recording edits for crash recovery; a failure is reported, never fatal.

        The journal follows the active scenario: it replays onto the file when the file opens on this
        scenario unchanged, else onto a snapshot of the whole project taken now; either way it names the
        file, so a restore after a crash gives back this project, not an untitled plan."""
        if self.journal is not None:
            return
        on_file = self.path is not None and not self.modified and self._file_active == self.scenarios.active
        project = self.path if on_file else None
        try:
            self.journal = Journal.start(self.plan, project, self.source_path, unsaved_base=self._dirty_base,
                                         file_path=self.path)
        except Exception as exc:  # noqa: BLE001 — any journal failure must leave editing possible
            self.journal_problem = f"Crash recovery is off for this plan: {exc}"

    def _restart_journal(self) -> None:
        if self.journal is None:
            return
        with contextlib.suppress(Exception):
            self.journal.close(discard=True)
        self.journal = None
        self.start_journal()

    def save(self, path: Path | None = None) -> Path:
        """Write every scenario to `path` (or its own file); the journal restarts against the saved file."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise DocumentError("Choose where to save this plan (File → Save As…).")
        if target.suffix.lower() != PROJECT_SUFFIX:
            target = target.with_name(target.name + PROJECT_SUFFIX)
        try:
            # moves and locks only since the file was opened: rewrite just those (0.3 s instead of ~2 s at 1M);
            # anything else, or another file, is a whole save (project_save.save_moves decides)
            save_moves(self.scenarios, target)
        except ProjectFileError as exc:
            raise DocumentError(str(exc)) from exc
        except OSError as exc:
            raise DocumentError(f"Cannot save {target.name}: {exc.strerror or exc}.") from exc
        self.path = target
        was = self.modified
        self._dirty_base = False
        self._scenarios_dirty = False
        self._file_active = self.scenarios.active
        if self.journal is not None:
            try:
                self.journal.mark_saved(target)
            except Exception as exc:  # noqa: BLE001 — the save itself succeeded
                self.journal_problem = f"Crash recovery could not restart after saving: {exc}"
        for ctl in self.controllers:
            ctl.stack.setClean()
        if was and not self.modified:
            self.modifiedChanged.emit(False)
        return target

    def close(self) -> None:
        """End of this document's life (clean close): the journal is deleted, the stacks cleared."""
        if self.journal is not None:
            with contextlib.suppress(Exception):  # closing must never fail
                self.journal.close(discard=True)
            self.journal = None
