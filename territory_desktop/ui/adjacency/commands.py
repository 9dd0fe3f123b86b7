"""The two adjacency commands of the File menu, and the Remove entry's enabled state.

Reading runs on the GUI thread: a county or ZIP pairs file (≤ 100k pairs, a few MB) reads in well under a
second, and a worker with progress would be more machinery than the wait. The edit goes through the window's
controller, so importing, replacing and removing are each one step on the undo stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog

from territory_desktop.core.adjacency import AccountAdjacency, AdjacencyError
from territory_desktop.core.edits import SetAdjacency
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.io.adjacency_file import read_adjacency_csv

PAIRS_FILTER = "Adjacency pairs (*.csv *.txt);;All files (*)"
HOW = ("The file needs a header row, then two account ids a row (a,b): two accounts whose areas touch on the "
       "map, such as neighbouring counties or ZIP codes.")


class AdjacencyCommands(QObject):
    """File → Import Adjacency… and File → Remove Adjacency for the plan the window shows.

    `window` is the main window: its `plan`, `controller`, `doc`, `files`, `show_status`, `show_error` and
    `documentChanged` (so Remove follows the scenario or plan shown)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._remove_action: QAction | None = None
        self._watched: Plan | None = window.plan
        window.plan.changed.connect(self._on_plan_changed)
        window.documentChanged.connect(lambda _doc: self._follow())

    # ----- commands ---------------------------------------------------------------------------------------
    def import_dialog(self) -> bool:
        """Choose a pairs CSV and import it; True when the plan's adjacency was set."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Import Adjacency", self._start_folder(), PAIRS_FILTER)
        return bool(path) and self.import_path(Path(path))

    def import_path(self, path: Path) -> bool:
        """Read `path` as the plan's adjacency and apply it as one undoable edit; a bad file is explained in a
        message naming its row and column, and leaves the plan as it was."""
        plan = self.window.plan
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            adjacency = read_adjacency_csv(path, plan)
        except AdjacencyError as exc:
            problem = str(exc)
        else:
            problem = ""
        finally:
            QApplication.restoreOverrideCursor()
        if problem:
            self.window.show_error("Import Adjacency", f"{problem}\n\nThe plan is unchanged. {HOW}")
            return False
        replacing = plan.adjacency is not None
        if not self.window.controller.apply(SetAdjacency(adjacency, f"Import adjacency from {adjacency.source}")):
            return False
        self.window.show_status(imported_text(adjacency, plan, replacing), 10)
        return True

    def remove(self) -> bool:
        """Take the adjacency away (undoable); the keep-connected rule then has nothing to hold to."""
        if self.window.plan.adjacency is None:
            return False
        if not self.window.controller.apply(SetAdjacency(None, "Remove adjacency")):
            return False
        self.window.show_status("Adjacency removed: the co-pilot no longer knows which accounts touch on the map "
                                "(Ctrl+Z brings it back).")
        return True

    # ----- the Remove entry follows the plan shown ------------------------------------------------------------
    def track(self, remove_action: QAction) -> None:
        """Keep `remove_action` enabled exactly while the plan shown has an adjacency."""
        self._remove_action = remove_action
        self._sync()

    def _follow(self) -> None:
        plan = self.window.plan
        if plan is not self._watched:
            if self._watched is not None:
                self._watched.changed.disconnect(self._on_plan_changed)
            self._watched = plan
            plan.changed.connect(self._on_plan_changed)
        self._sync()

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind in ("adjacency", "accounts"):
            self._sync()

    def _sync(self) -> None:
        if self._remove_action is not None:
            self._remove_action.setEnabled(self.window.plan.adjacency is not None)

    def _start_folder(self) -> str:
        saved = getattr(self.window.doc, "path", None)
        return str(Path(saved).parent) if saved else self.window.files.start_folder()


def imported_text(adjacency: AccountAdjacency, plan: Plan, replacing: bool = False) -> str:
    """"Adjacency: 412 touching pairs of 99 accounts from iowa_pairs.csv", and how many accounts touch none."""
    units = adjacency.units()
    text = (f"Adjacency{' replaced' if replacing else ''}: {len(adjacency):,} touching pair"
            f"{'s' if len(adjacency) != 1 else ''} of {units:,} accounts from {adjacency.source}")
    alone = plan.n_accounts - units
    if alone > 0:
        text += f" · {alone:,} account{'s' if alone != 1 else ''} of the plan touch{'es' if alone == 1 else ''} none"
    return text + "."
