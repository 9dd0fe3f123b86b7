"""The open document: a plan, its file, undo stack and recovery journal, and how a file becomes one.

This is where the window's files are read and written, so every file problem becomes one `DocumentError`
with a sentence a planner understands (the window shows it; it never shows a traceback). The commands that
drive it (open, import, save, recovery) are the shell's `FileCommands`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from territory_desktop.core.plan import Plan
from territory_desktop.io.importing.importer import ImportFailed, import_plan
from territory_desktop.io.project.project_file import ProjectFileError, open_project, save_project
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
    """One plan being edited: its file, undo stack, recovery journal and modified state."""

    modifiedChanged = Signal(bool)  # noqa: N815 (Qt naming)

    def __init__(self, plan: Plan, path: Path | None = None, source_path: Path | None = None,
                 modified: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.path = Path(path) if path is not None else None
        self.source_path = Path(source_path) if source_path is not None else None
        self.controller = PlanController(plan, self)
        self.journal: Any = None
        self.journal_problem = ""
        self._dirty_base = modified
        self.untitled_name = ""
        """Shown instead of "Untitled" for a plan without a file (e.g. "Sample plan")."""
        self.note = ""
        """What happened while loading (rows rejected...), for the status bar once the window shows."""
        self.controller.stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(self._dirty_base or not clean)

    @property
    def modified(self) -> bool:
        """Unsaved changes: edits since the last save, or a plan that differs from its file (recovered)."""
        return self._dirty_base or not self.controller.stack.isClean()

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
        """Begin recording edits for crash recovery; a failure is reported, never fatal."""
        if self.journal is not None:
            return
        project = self.path if self.path is not None and not self._dirty_base else None
        try:
            self.journal = Journal.start(self.plan, project, self.source_path, unsaved_base=self._dirty_base)
        except Exception as exc:  # noqa: BLE001 — any journal failure must leave editing possible
            self.journal_problem = f"Crash recovery is off for this plan: {exc}"

    def save(self, path: Path | None = None) -> Path:
        """Write the plan to `path` (or its own file); the journal restarts against the saved file."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise DocumentError("Choose where to save this plan (File → Save As…).")
        if target.suffix.lower() != PROJECT_SUFFIX:
            target = target.with_name(target.name + PROJECT_SUFFIX)
        try:
            save_project(self.plan, target)
        except ProjectFileError as exc:
            raise DocumentError(str(exc)) from exc
        except OSError as exc:
            raise DocumentError(f"Cannot save {target.name}: {exc.strerror or exc}.") from exc
        self.path = target
        was = self.modified
        self._dirty_base = False
        if self.journal is not None:
            try:
                self.journal.mark_saved(target)
            except Exception as exc:  # noqa: BLE001 — the save itself succeeded
                self.journal_problem = f"Crash recovery could not restart after saving: {exc}"
        self.controller.stack.setClean()
        if was and not self.modified:
            self.modifiedChanged.emit(False)
        return target

    def close(self) -> None:
        """End of this document's life (clean close): the journal is deleted, the stack cleared."""
        if self.journal is not None:
            with contextlib.suppress(Exception):  # closing must never fail
                self.journal.close(discard=True)
            self.journal = None
