"""The open document (a plan, its file, undo stack and recovery journal) and the window's file commands.

This is where the window's files are read and written, so every file problem becomes one `DocumentError`
with a sentence a planner understands (the window shows it; it never shows a traceback).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from territory_desktop.core.plan import Plan
from territory_desktop.io.importing.importer import ImportFailed, import_plan
from territory_desktop.io.project import recovery
from territory_desktop.io.project.project_file import ProjectFileError, open_project, save_project
from territory_desktop.io.project.recovery import Journal
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.importing.dialog import ImportDialog

PROJECT_SUFFIX = ".territory"
IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
OPENABLE = (PROJECT_SUFFIX, *IMPORTABLE)
ORGANISATION = "TerritoryDesktop"
APPLICATION = "Territory Desktop"
MAX_RECENT = 8


class DocumentError(Exception):
    """A file could not be opened, imported or saved; the message names the file and says why."""


def app_settings() -> QSettings:
    """The window's QSettings; an INI file under TERRITORY_DESKTOP_DATA_DIR when set (tests, portable)."""
    override = os.environ.get("TERRITORY_DESKTOP_DATA_DIR", "").strip()
    if override:
        Path(override).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(override) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def recent_files(settings: QSettings | None = None) -> list[str]:
    s = settings or app_settings()
    value = s.value("recentFiles", [])
    items = [value] if isinstance(value, str) else list(value or [])
    return [str(v) for v in items if v]


def add_recent(path: str | Path, settings: QSettings | None = None) -> list[str]:
    """Put `path` first in the recent-files list (deduplicated, at most MAX_RECENT)."""
    s = settings or app_settings()
    p = str(Path(path).resolve())
    items = [p] + [x for x in recent_files(s) if x != p]
    s.setValue("recentFiles", items[:MAX_RECENT])
    return items[:MAX_RECENT]


def remove_recent(path: str, settings: QSettings | None = None) -> None:
    s = settings or app_settings()
    s.setValue("recentFiles", [x for x in recent_files(s) if x != path])


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


class FileWorkflow:
    """File commands of the main window (mixed into MainWindow): open, import, save, recent, recovery, export.

    Every failure ends in one clear message; unsaved changes are never lost without the planner saying so.
    """

    # provided by MainWindow
    doc: Document
    settings: QSettings
    recent_menu: QMenu

    def confirm_discard(self, doing: str = "continuing") -> bool:
        """Save / Discard / Cancel before the plan is replaced or the window closes; True to go on."""
        if not self.doc.modified:
            return True
        answer = self.ask("Unsaved Changes",
                          f"{self.doc.display_name} has unsaved changes. Save them before {doing}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _start_folder(self) -> str:
        recent = recent_files(self.settings)
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Plan", self._start_folder(),
            "Plans and exports (*.territory *.csv *.tsv *.txt *.xlsx *.xlsm);;Territory plans (*.territory);;"
            "CRM exports (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)")
        return self.open_path(path) if path else False

    def import_dialog(self) -> bool:
        """File → Import: the import dialog (files, mapping, report)."""
        if not self.confirm_discard("importing"):
            return False
        loaded = self._run_import_dialog(None)
        if loaded is None:
            return False
        self.set_document(Document(loaded.plan, None, loaded.source_path))
        self.show_status(loaded.note)
        return True

    def open_path(self, path: str | Path) -> bool:
        """Open a project or import an export, replacing the current plan after the unsaved-changes prompt."""
        p = Path(path)
        if not self.confirm_discard(f"opening {p.name}"):
            return False
        try:
            loaded = self._import_reviewed(p) if p.suffix.lower() in IMPORTABLE else load_path(p)
        except DocumentError as exc:
            self.show_error("Cannot Open File", str(exc))
            if not p.exists():
                remove_recent(str(p.resolve()), self.settings)
            return False
        if loaded is None:  # the planner cancelled the import dialog
            return False
        self.set_document(Document(loaded.plan, loaded.project_path, loaded.source_path))
        add_recent(p, self.settings)
        self.show_status(loaded.note or f"Opened {p.name}.")
        return True

    def _import_reviewed(self, path: Path) -> Loaded | None:
        """CSV/Excel through the import dialog (mapping, report)."""
        if not path.exists():
            raise DocumentError(f"{path.name} does not exist (looked in {path.parent}).")
        return self._run_import_dialog(path)

    def _run_import_dialog(self, path: Path | None) -> Loaded | None:
        dlg = ImportDialog(str(path) if path is not None else None, self)
        try:
            if not dlg.exec() or dlg.result_import is None:
                return None
            result = dlg.result_import
            source = Path(dlg.accounts_edit.text().strip() or (path or ""))
            return Loaded(result.plan, None, source or path, import_note(result))
        finally:
            dlg.deleteLater()

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            stem = self.doc.untitled_name or (self.doc.source_path.stem if self.doc.source_path else "Untitled")
            start = self.doc.path or Path(self._start_folder()) / (stem + PROJECT_SUFFIX)
            chosen, _ = QFileDialog.getSaveFileName(self, "Save Plan As", str(start),
                                                    "Territory plans (*.territory)")
            if not chosen:
                return False
            path = chosen
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            saved = self.doc.save(path)
        except DocumentError as exc:
            self.show_error("Cannot Save", str(exc))
            return False
        add_recent(saved, self.settings)
        self.update_title()
        self.show_status(f"Saved {saved.name}.")
        return True

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        items = recent_files(self.settings)
        for i, path in enumerate(items):
            label = f"&{i + 1}  {Path(path).name}" if i < 9 else Path(path).name
            action = menu.addAction(label, lambda p=path: self.open_path(p))
            action.setToolTip(path)
            action.setStatusTip(path)
        if not items:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Menu", lambda: self.settings.setValue("recentFiles", []))

    def offer_recovery(self) -> bool:
        """At start: offer to restore the edits of a session that crashed; True if a plan was restored."""
        try:
            found = recovery.list_recoverable()
        except OSError:
            return False
        for empty in (s for s in found if s.problem is None and not s.edit_count and not s.unsaved_base):
            recovery.discard(empty)  # a session that ended before any edit has nothing to give back
        sessions = [s for s in found if s.problem is None and (s.edit_count or s.unsaved_base)]
        if not sessions:
            return False
        s = sessions[0]
        where = (s.project_path.name if s.project_path else
                 f"the plan imported from {s.source_path.name}" if s.source_path else "an unsaved plan")
        edits = f"{s.edit_count} edit{'s' if s.edit_count != 1 else ''}" if s.edit_count else "the changes"
        unsaved = f"{s.edit_count} unsaved edit{'s' if s.edit_count != 1 else ''}" if s.edit_count \
            else "the unsaved changes"
        answer = self.ask("Restore Unsaved Edits",
                          f"Territory Desktop closed unexpectedly. Restore {unsaved} to {where}?\n\n"
                          f"{s.description}",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
                          QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            recovery.discard(s)
            return False
        try:
            plan = recovery.recover(s)
        except recovery.RecoveryError as exc:
            self.show_error("Cannot Restore", f"{exc}\n\nThe recovery file is kept; you can try again later.")
            return False
        self.set_document(Document(plan, s.project_path, s.source_path, modified=True))
        recovery.discard(s)  # the restored plan has its own journal now
        self.show_status(f"Restored {edits}: save to keep them.")
        return True
