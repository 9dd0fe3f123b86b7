"""Edits of the accounts themselves: `MoveAccounts` (reassign rows, with why/who/when) and `SetAccountLocks`.

These are the edits a planner makes most; moves check locks and eligibility, their inverses do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from territory_desktop.core.audit import current_user, now_iso
from territory_desktop.core.change_notes import NoteColumns
from territory_desktop.core.edits.base import Edit
from territory_desktop.core.edits.row_texts import _codes, _row_texts, _uncodes
from territory_desktop.core.plan import Plan


@dataclass
class MoveAccounts(Edit):
    """Reassign account rows to one territory (int) or to one territory each (array); -1 = unassigned.

    Every move carries why (`reason`: one sentence, or one per row when several co-pilot suggestions are
    accepted together), who (`by`, the OS user) and when (`at`, ISO UTC, stamped when the edit is made, so a
    redo or a journal replay keeps the original time). The plan keeps them per account for the change list;
    the inverse carries the notes it overwrote (`notes`), so undo brings the earlier reason back exactly.
    """

    rows: np.ndarray
    to: int | np.ndarray
    label: str = ""
    check_locks: bool = True
    reason: str | np.ndarray = ""
    by: str = ""
    at: str = ""
    notes: NoteColumns | None = None
    kind: ClassVar[str] = "move"

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int64)
        if not isinstance(self.to, int | np.integer):
            self.to = np.asarray(self.to, dtype=np.int32)
        if not isinstance(self.reason, str):
            self.reason = _row_texts(self.reason, len(self.rows), "reason")
        if self.notes is not None:
            self.notes = tuple(_row_texts(c, len(self.rows), "note") for c in self.notes)  # type: ignore[assignment]
        if len(self.rows) > 1 and not (self.rows[1:] > self.rows[:-1]).all():  # sorted = unique: no sort needed
            self._drop_repeated_rows()
        if not self.label:
            self.label = f"Move {len(self.rows):,} account{'s' if len(self.rows) != 1 else ''}"
        self.by = self.by or current_user()
        self.at = self.at or now_iso()

    def _drop_repeated_rows(self) -> None:
        """Keep each row once (its last target, as `assignment[rows] = to` would): the KPI update adds every
        listed row, so a row listed twice would be counted twice in its new territory."""
        rev = self.rows[::-1]
        uniq, last = np.unique(rev, return_index=True)
        if len(uniq) == len(self.rows):
            return
        n = len(self.rows)
        if isinstance(self.to, np.ndarray) and self.to.shape == self.rows.shape:
            self.to = self.to[::-1][last]
        if isinstance(self.reason, np.ndarray) and self.reason.shape == (n,):
            self.reason = self.reason[::-1][last]
        if self.notes is not None:
            self.notes = tuple(c[::-1][last] for c in self.notes)  # type: ignore[assignment]
        self.rows = uniq

    def apply_to(self, plan: Plan) -> Edit:
        if self.check_locks:
            if isinstance(self.to, np.ndarray):
                for target in np.unique(self.to):
                    plan.check_movable(self.rows[self.to == target], int(target))
            else:
                plan.check_movable(self.rows, int(self.to))
        old = plan.assignment[self.rows].copy()
        before = plan.notes.take(self.rows)
        plan._reassign(self.rows, self.to)
        if self.notes is not None:
            plan.notes.put(self.rows, *self.notes)
        else:
            plan.notes.put(self.rows, self.reason, self.by, self.at)
        return MoveAccounts(self.rows, old, self.label, check_locks=False, reason=before[0], by=self.by,
                            at=self.at, notes=before)

    def audit_reason(self) -> str:
        return _summary(self.notes[0] if self.notes is not None else self.reason)

    def to_dict(self) -> dict[str, Any]:
        to = self.to.tolist() if isinstance(self.to, np.ndarray) else int(self.to)
        d: dict[str, Any] = {"kind": self.kind, "rows": self.rows.tolist(), "to": to, "label": self.label,
                             "check_locks": self.check_locks, "by": self.by, "at": self.at}
        d["reason"] = self.reason if isinstance(self.reason, str) else _codes(self.reason)
        if self.notes is not None:
            d["notes"] = [_codes(c) for c in self.notes]
        return d

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        to = d["to"]
        n = len(d["rows"])
        reason = d.get("reason", "")
        notes = d.get("notes")
        return cls(np.asarray(d["rows"], dtype=np.int64), to if isinstance(to, int) else np.asarray(to),
                   d.get("label", ""), bool(d.get("check_locks", False)),
                   reason if isinstance(reason, str) else _uncodes(reason, n),
                   str(d.get("by", "")), str(d.get("at", "")),
                   None if notes is None else tuple(_uncodes(c, n) for c in notes))  # type: ignore[arg-type]


@dataclass
class SetAccountLocks(Edit):
    """Lock or unlock account rows (one value for all, or one each)."""

    rows: np.ndarray
    locked: bool | np.ndarray
    label: str = ""
    kind: ClassVar[str] = "locks"

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int64)
        if not isinstance(self.locked, bool | np.bool_):
            self.locked = np.asarray(self.locked, dtype=bool)
        if not self.label:
            verb = "Lock" if (self.locked is True or np.all(self.locked)) else "Unlock"
            self.label = f"{verb} {len(self.rows):,} account{'s' if len(self.rows) != 1 else ''}"

    def apply_to(self, plan: Plan) -> Edit:
        old = plan.locked[self.rows].copy()
        plan.locked[self.rows] = self.locked
        plan._bump("locks", self.rows)
        return SetAccountLocks(self.rows, old, self.label)

    def to_dict(self) -> dict[str, Any]:
        locked = self.locked.tolist() if isinstance(self.locked, np.ndarray) else bool(self.locked)
        return {"kind": self.kind, "rows": self.rows.tolist(), "locked": locked, "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        locked = d["locked"]
        return cls(np.asarray(d["rows"], dtype=np.int64),
                   locked if isinstance(locked, bool) else np.asarray(locked, dtype=bool), d.get("label", ""))


def _summary(reasons: str | np.ndarray, limit: int = 3) -> str:
    """One line for the trail: the reason, or the distinct reasons of a multi-reason move ("A; B; +2 more")."""
    if isinstance(reasons, str):
        return reasons
    distinct = [r for r in dict.fromkeys(reasons.tolist()) if r]
    more = f"; +{len(distinct) - limit} more" if len(distinct) > limit else ""
    return "; ".join(distinct[:limit]) + more
