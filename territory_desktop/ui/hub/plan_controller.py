"""Plan edits on a QUndoStack: every change the planner makes is one undoable step.

`PlanController.apply` is the only way the window changes a plan. It runs the edit once (so a refused edit,
e.g. a locked account, never reaches the stack) and pushes a command that already holds the inverse.
Consecutive single-target moves made within a short time merge into one step, like typing in an editor.
Hand moves take the planner's "reason for the next moves" (`reason`, a callable the document provides) when
they carry none of their own; undo and redo are recorded in the plan's audit trail as such.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from territory_desktop.core.audit import REDO, UNDO
from territory_desktop.core.edits import Edit, MoveAccounts, set_missing_reason
from territory_desktop.core.plan import EditRefused, Plan

MERGE_WINDOW_S = 2.0
_MOVE_ID = 1001


class EditCommand(QUndoCommand):
    """A plan edit that has already been applied; redo re-applies it, undo applies its inverse."""

    def __init__(self, plan: Plan, edit: Edit, inverse: Edit, mergeable: bool) -> None:
        super().__init__(edit.label)
        self.plan = plan
        self.edit = edit
        self.inverse = inverse
        self._mergeable = mergeable
        self._first_redo = True
        self._stamp = time.monotonic()

    def redo(self) -> None:
        if self._first_redo:  # QUndoStack.push calls redo(): the edit has already run
            self._first_redo = False
            return
        self.inverse = self.plan.apply(self.edit, REDO)

    def undo(self) -> None:
        self.edit = self.plan.apply(self.inverse, UNDO, self.edit.label, self.edit.audit_reason())

    def id(self) -> int:
        return _MOVE_ID if self._mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt API)
        if not isinstance(other, EditCommand) or not other._mergeable:
            return False
        if other._stamp - self._stamp > MERGE_WINDOW_S:
            return False
        a, b = self.edit, other.edit
        assert isinstance(a, MoveAccounts) and isinstance(b, MoveAccounts)
        if not isinstance(a.to, int) or not isinstance(b.to, int) or a.to != b.to:
            return False
        if not isinstance(a.reason, str) or a.reason != b.reason:  # a new reason starts a new step
            return False
        # Undo of the merged step: first undo `other`, then `self`; their inverses are per-row moves.
        rows = np.concatenate([b.rows, a.rows])
        old_b = np.asarray(other.inverse.to if isinstance(other.inverse, MoveAccounts) else [], dtype=np.int32)
        old_a = np.asarray(self.inverse.to if isinstance(self.inverse, MoveAccounts) else [], dtype=np.int32)
        old = np.concatenate([np.broadcast_to(old_b, b.rows.shape), np.broadcast_to(old_a, a.rows.shape)])
        # Keep, for each row, the territory it had before the first of the two moves.
        uniq, first_from_end = np.unique(rows[::-1], return_index=True)
        keep = len(rows) - 1 - first_from_end
        self.edit = MoveAccounts(uniq, a.to, f"Move {len(uniq):,} accounts", reason=b.reason, by=b.by, at=b.at)
        # The notes each row had before the first move are what undo restores (as for the territory).
        notes = [np.concatenate([nb, na]) for nb, na in zip(_notes(other.inverse, b.rows),
                                                             _notes(self.inverse, a.rows), strict=True)]
        self.inverse = MoveAccounts(rows[keep], old[keep], self.edit.label, check_locks=False,
                                    notes=tuple(n[keep] for n in notes))  # type: ignore[arg-type]
        self.setText(self.edit.label)
        self._stamp = other._stamp
        return True


def _notes(inverse: Edit, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The notes an inverse move restores (empty notes if it carries none)."""
    if isinstance(inverse, MoveAccounts) and inverse.notes is not None:
        return inverse.notes
    blank = np.full(len(rows), "", dtype=object)
    return blank, blank.copy(), blank.copy()


class PlanController(QObject):
    """Owns the undo stack of one plan and reports refused edits in the planner's words."""

    refused = Signal(str)

    def __init__(self, plan: Plan, parent: QObject | None = None,
                 reason: Callable[[], str] | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.stack = QUndoStack(self)
        self.reason = reason or (lambda: "")
        """The planner's note for hand moves that carry no reason of their own."""

    def apply(self, edit: Edit, mergeable: bool = False) -> bool:
        """Apply `edit` as one undoable step; return False (and emit `refused`) if a rule forbids it."""
        set_missing_reason(edit, self.reason().strip())
        try:
            inverse = self.plan.apply(edit)
        except EditRefused as exc:
            self.refused.emit(str(exc))
            return False
        mergeable = mergeable and isinstance(edit, MoveAccounts) and isinstance(edit.to, int)
        self.stack.push(EditCommand(self.plan, edit, inverse, mergeable))
        return True
