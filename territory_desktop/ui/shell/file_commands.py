"""File → Open, Import, Save, Save As, Open Recent and the crash-recovery offer, as one object the window owns.

The window composes it (it used to inherit it), so the commands reach the window only through `FileHost`:
the document it shows, its preferences, and how it asks, warns and reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from territory_desktop.io.project import recovery
from territory_desktop.io.project.safe_replace import hard_link_note, other_names
from territory_desktop.ui.hub.document import (
    IMPORTABLE,
    PROJECT_SUFFIX,
    Document,
    DocumentError,
    Loaded,
    import_note,
    load_path,
)
from territory_desktop.ui.importing.dialog import ImportDialog
from territory_desktop.ui.shell.preferences import add_recent, recent_files, remove_recent


class FileHost(Protocol):
    """What the file commands need of the window (MainWindow is one)."""

    doc: Document
    settings: QSettings

    def ask(self, title: str, text: str, buttons: QMessageBox.StandardButton,
            default: QMessageBox.StandardButton) -> QMessageBox.StandardButton: ...

    def show_error(self, title: str, text: str) -> None: ...

    def show_status(self, text: str, seconds: float = 6.0) -> None: ...

    def set_document(self, doc: Document) -> None: ...

    def update_title(self) -> None: ...


class FileCommands:
    """File commands of the main window: open, import, save, recent files, crash recovery.

    Every failure ends in one clear message; unsaved changes are never lost without the planner saying so.
    The window owns one and hands itself over as the `FileHost` (dialog parent, messages, documents).
    """

    def __init__(self, window: FileHost) -> None:
        self.window = window

    @property
    def doc(self) -> Document:
        return self.window.doc

    def confirm_discard(self, doing: str = "continuing") -> bool:
        """Save / Discard / Cancel before the plan is replaced or the window closes; True to go on."""
        if not self.doc.modified:
            return True
        answer = self.window.ask("Unsaved Changes",
                          f"{self.doc.display_name} has unsaved changes. Save them before {doing}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def start_folder(self) -> str:
        recent = recent_files(self.window.settings)
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open Plan", self.start_folder(),
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
        self.window.set_document(Document(loaded.plan, None, loaded.source_path))
        self.window.show_status(loaded.note)
        return True

    def open_path(self, path: str | Path) -> bool:
        """Open a project or import an export, replacing the current plan after the unsaved-changes prompt."""
        p = Path(path)
        if not self.confirm_discard(f"opening {p.name}"):
            return False
        try:
            loaded = self._import_reviewed(p) if p.suffix.lower() in IMPORTABLE else load_path(p)
        except DocumentError as exc:
            self.window.show_error("Cannot Open File", str(exc))
            if not p.exists():
                remove_recent(str(p.resolve()), self.window.settings)
            return False
        if loaded is None:  # the planner cancelled the import dialog
            return False
        self.window.set_document(Document(loaded.plan, loaded.project_path, loaded.source_path))
        add_recent(p, self.window.settings)
        self.window.show_status(loaded.note or f"Opened {p.name}.")
        return True

    def _import_reviewed(self, path: Path) -> Loaded | None:
        """CSV/Excel through the import dialog (mapping, report)."""
        if not path.exists():
            raise DocumentError(f"{path.name} does not exist (looked in {path.parent}).")
        return self._run_import_dialog(path)

    def _run_import_dialog(self, path: Path | None) -> Loaded | None:
        dlg = ImportDialog(str(path) if path is not None else None, self.window)
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
            start = self.doc.path or Path(self.start_folder()) / (stem + PROJECT_SUFFIX)
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Save Plan As", str(start),
                                                    "Territory plans (*.territory)")
            if not chosen:
                return False
            path = chosen
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        others = other_names(path)  # hard links: after the save they keep the previous plan, and we say so
        try:
            saved = self.doc.save(path)
        except DocumentError as exc:
            self.window.show_error("Cannot Save", str(exc))
            return False
        add_recent(saved, self.window.settings)
        self.window.update_title()
        note = hard_link_note(saved.name, others)
        self.window.show_status(note or f"Saved {saved.name}.", 15 if note else 6.0)
        return True

    def fill_recent_menu(self, menu: QMenu) -> None:
        """Open Recent, filled each time it opens (the list may have changed in another window)."""
        menu.clear()
        items = recent_files(self.window.settings)
        for i, path in enumerate(items):
            label = f"&{i + 1}  {Path(path).name}" if i < 9 else Path(path).name
            action = menu.addAction(label, lambda p=path: self.open_path(p))
            action.setToolTip(path)
            action.setStatusTip(path)
        if not items:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Menu", lambda: self.window.settings.setValue("recentFiles", []))

    def offer_recovery(self) -> bool:
        """At start: offer to restore the edits of a session that crashed; True if a plan was restored."""
        try:
            found = recovery.list_recoverable()
        except OSError:
            return False
        for empty in (s for s in found if s.problem is None and not s.edit_count and not s.unsaved_base
                      and not s.torn_tail and not s.saved_since):
            recovery.discard(empty)  # a session that ended before any edit has nothing to give back
        sessions = [s for s in found if s.problem is None and not s.nothing_to_restore
                    and (s.edit_count or s.unsaved_base or s.torn_tail)]
        if not sessions:
            self._offer_discard([s for s in found if s.nothing_to_restore])
            return False
        s = sessions[0]
        where = (s.project_path.name if s.project_path else
                 f"the plan imported from {s.source_path.name}" if s.source_path else "an unsaved plan")
        edits = f"{s.edit_count} edit{'s' if s.edit_count != 1 else ''}" if s.edit_count else "the changes"
        unsaved = f"{s.edit_count} unsaved edit{'s' if s.edit_count != 1 else ''}" if s.edit_count \
            else "the unsaved changes"
        answer = self.window.ask("Restore Unsaved Edits",
                          f"Territory Desktop closed unexpectedly. Restore {unsaved} to {where}?\n\n"
                          f"{s.description}",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
                          QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            recovery.discard(s)
            return False
        try:
            recovery.recover(s)  # every line checked on a scratch plan first: nothing half-restored
            plan, steps = recovery.recovered_steps(s)
        except recovery.RecoveryError as exc:
            self.window.show_error("Cannot Restore", f"{exc}\n\nThe recovery file is kept; you can try again later.")
            return False
        # The edits are replayed through the new document's controller before the window shows it: each is an
        # undo step (and an Edit History line) again, as before the crash, and the views load the result once.
        # The document is modified from the start, so its journal begins from a snapshot holding these edits
        # and a second crash before the next edit still offers them.
        doc = Document(plan, s.project_path, s.source_path, modified=True)
        replayed = self._replay(doc, steps) if s.edit_count else 0
        self.window.set_document(doc)
        recovery.discard(s)  # the restored plan has its own journal now
        self.window.update_title()
        undo = " (each can be undone)" if replayed else ""
        self.window.show_status(f"Restored {edits}{undo}: save to keep them.")
        return True

    def _offer_discard(self, sessions: list[recovery.RecoverableSession]) -> None:
        """A crashed session that left nothing to restore (its file was saved after the edits, or it died
        writing its first edit): say so, as `recover` lists it, and delete its journal only if the planner
        says so."""
        if not sessions:
            return
        s = sessions[0]
        answer = self.window.ask("Nothing to Restore",
                                 "Territory Desktop closed unexpectedly, but there is nothing to restore from "
                                 f"its recovery file:\n\n{s.description}\n\nDiscard the recovery file?",
                                 QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Ignore,
                                 QMessageBox.StandardButton.Discard)
        if answer == QMessageBox.StandardButton.Discard:
            recovery.discard(s)

    @staticmethod
    def _replay(doc: Document, steps: recovery.Steps) -> int:
        """Apply each restored edit through the document's controller: one undoable step per edit."""
        replay = steps(doc.plan)
        n = 0
        for edit in replay:
            if not doc.controller.apply(edit):
                replay.close()
                break
            n += 1
        return n
