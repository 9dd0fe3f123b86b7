"""Edits of the territory list: update fields (name, rep, home, ...), add, and remove (with their inverses).

Territories are never deleted: removal marks the slot removed and moves its accounts, so indices stay stable;
`_PopTerritory` and `_RestoreTerritory` are the inverses that undo an add and a removal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from territory_desktop.core.audit import current_user, now_iso
from territory_desktop.core.change_notes import NoteColumns
from territory_desktop.core.edits.base import Edit
from territory_desktop.core.edits.row_texts import _codes, _row_texts, _uncodes
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.territory import EDITABLE_FIELDS, Territory
from territory_desktop.core.wording import agree


@dataclass
class UpdateTerritory(Edit):
    """Change fields of one territory (name, rep, home, capacity, colour, lock, ...)."""

    index: int
    changes: dict[str, Any]
    label: str = ""
    kind: ClassVar[str] = "update_territory"

    def __post_init__(self) -> None:
        bad = set(self.changes) - set(EDITABLE_FIELDS)
        if bad:
            raise ValueError(f"territories have no {agree(len(bad), 'field')} {', '.join(sorted(bad))}")
        if not self.label:
            self.label = f"Edit territory ({', '.join(self.changes)})"

    def apply_to(self, plan: Plan) -> Edit:
        t = plan.territories[self.index]
        if "name" in self.changes:
            new = str(self.changes["name"]).strip()
            if not new:
                raise EditRefused("A territory needs a name.")
            for i, other in enumerate(plan.territories):
                if i != self.index and not other.removed and other.name.casefold() == new.casefold():
                    raise EditRefused(f"Another territory is already called {new!r}.")
        old = {k: getattr(t, k) for k in self.changes}
        for k, v in self.changes.items():
            setattr(t, k, str(v).strip() if k == "name" else v)  # the name checked above is the name kept
        if {"home_lat", "home_lon"} & set(self.changes):
            plan.kpis.recompute_workload(plan, self.index)
        plan._bump("territories", territories=(self.index,))
        return UpdateTerritory(self.index, old, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "index": self.index, "changes": _jsonable(self.changes), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        changes = {k: (float("nan") if v is None and k in ("home_lat", "home_lon") else v)
                   for k, v in d["changes"].items()}
        return cls(int(d["index"]), changes, d.get("label", ""))


@dataclass
class AddTerritory(Edit):
    """Append a new, empty territory."""

    territory: Territory
    label: str = ""
    kind: ClassVar[str] = "add_territory"

    def __post_init__(self) -> None:
        self.label = self.label or f"Add territory {self.territory.name}"

    def apply_to(self, plan: Plan) -> Edit:
        name = self.territory.name.strip()
        if not name or any(not t.removed and t.name.casefold() == name.casefold() for t in plan.territories):
            raise EditRefused(f"A territory needs a name of its own; {name!r} is taken or empty.")
        plan.territories.append(Territory.from_dict(self.territory.to_dict()))
        plan.kpis.insert_slot()
        index = len(plan.territories) - 1
        plan._bump("territories", territories=(index,))
        return _PopTerritory(index, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "territory": self.territory.to_dict(), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(Territory.from_dict(d["territory"]), d.get("label", ""))


@dataclass
class _PopTerritory(Edit):
    """Inverse of AddTerritory: drops the last slot, which must be empty and nobody's baseline."""

    index: int
    label: str = ""
    kind: ClassVar[str] = "pop_territory"

    def apply_to(self, plan: Plan) -> Edit:
        if self.index != len(plan.territories) - 1 or (plan.assignment == self.index).any() \
                or (plan.baseline == self.index).any():
            raise EditRefused("Only an empty, newly added territory can be taken back.")
        t = plan.territories.pop()
        plan.kpis.drop_last_slot()
        plan._bump("territories", territories=(self.index,))
        return AddTerritory(t, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "index": self.index, "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(int(d["index"]), d.get("label", ""))


@dataclass
class RemoveTerritory(Edit):
    """Remove a territory; its accounts become unassigned (to=-1) or go to territory `to`.

    The slot stays (marked removed) so the baseline and change lists can still name it. Its accounts' moves
    carry `reason` ("rep departure"), `by` and `at` like any move.
    """

    index: int
    to: int = -1
    label: str = ""
    check_locks: bool = True
    reason: str = ""
    by: str = ""
    at: str = ""
    kind: ClassVar[str] = "remove_territory"

    def __post_init__(self) -> None:
        self.label = self.label or "Remove territory"
        self.by = self.by or current_user()
        self.at = self.at or now_iso()

    def apply_to(self, plan: Plan) -> Edit:
        terr = plan.territories[self.index]
        if terr.removed:  # its undo would bring back a territory removed earlier
            raise EditRefused(f"Territory {terr.name!r} has already been removed.")
        if self.to == self.index:
            raise EditRefused("Choose another territory to receive the accounts.")
        if self.to >= 0 and plan.territories[self.to].removed:
            raise EditRefused(f"Territory {plan.territories[self.to].name!r} has been removed.")
        rows = plan.rows_in(self.index)
        if self.check_locks:  # the same rules as moving its accounts by hand (an undo skips them)
            if terr.locked:
                raise EditRefused(f"Territory {terr.name!r} is locked: unlock it to remove it.")
            if len(rows):
                plan.check_movable(rows, self.to)
        before = plan.notes.take(rows)
        if len(rows):
            plan._reassign(rows, self.to)
            plan.notes.put(rows, self.reason, self.by, self.at)
        plan.territories[self.index].removed = True
        plan._bump("territories", territories=(self.index,))
        return _RestoreTerritory(self.index, rows, self.to, self.label, notes=before,
                                 redo_note=(self.reason, self.by, self.at))

    def audit_reason(self) -> str:
        return self.reason

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "index": self.index, "to": self.to, "label": self.label,
                "check_locks": self.check_locks, "reason": self.reason, "by": self.by, "at": self.at}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(int(d["index"]), int(d.get("to", -1)), d.get("label", ""), bool(d.get("check_locks", False)),
                   str(d.get("reason", "")), str(d.get("by", "")), str(d.get("at", "")))


@dataclass
class _RestoreTerritory(Edit):
    index: int
    rows: np.ndarray
    to: int
    label: str = ""
    notes: NoteColumns | None = None
    """The change notes the removal overwrote, put back with the accounts."""
    redo_note: tuple[str, str, str] = ("", "", "")
    """(reason, by, at) of the removal, so redoing it records the same note."""
    kind: ClassVar[str] = "restore_territory"

    def __post_init__(self) -> None:
        n = len(np.asarray(self.rows))
        if self.notes is not None:
            self.notes = tuple(_row_texts(c, n, "note") for c in self.notes)  # type: ignore[assignment]

    def apply_to(self, plan: Plan) -> Edit:
        plan.territories[self.index].removed = False
        plan._bump("territories", territories=(self.index,))
        rows = np.asarray(self.rows, dtype=np.int64)
        if len(rows):
            plan._reassign(rows, self.index)
            if self.notes is not None:
                plan.notes.put(rows, *self.notes)
        reason, by, at = self.redo_note
        return RemoveTerritory(self.index, self.to, self.label, check_locks=False, reason=reason, by=by, at=at)

    def audit_reason(self) -> str:
        return self.redo_note[0]

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "index": self.index, "rows": np.asarray(self.rows).tolist(), "to": self.to,
             "label": self.label, "redo_note": list(self.redo_note)}
        if self.notes is not None:
            d["notes"] = [_codes(c) for c in self.notes]
        return d

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        rows = np.asarray(d["rows"], dtype=np.int64)
        notes = d.get("notes")
        redo = d.get("redo_note") or ["", "", ""]
        if not isinstance(redo, list) or len(redo) != 3:
            raise ValueError("a restore record's redo_note must be [reason, by, at]")
        return cls(int(d["index"]), rows, int(d["to"]), d.get("label", ""),
                   None if notes is None else tuple(_uncodes(c, len(rows)) for c in notes),  # type: ignore[arg-type]
                   (str(redo[0]), str(redo[1]), str(redo[2])))


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float) and v != v:
            out[k] = None
        elif isinstance(v, np.generic):
            out[k] = v.item()
        else:
            out[k] = v
    return out
