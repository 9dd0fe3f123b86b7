"""Edits are small command objects: applying one to a plan returns the edit that undoes it.

Every edit serialises to a JSON-ready dict, so the recovery journal can replay a session exactly and no file
ever needs pickle. Inverse edits skip the lock checks: undo must always be possible, even after a lock.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.audit import current_user, now_iso
from territory_desktop.core.change_notes import NoteColumns
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.score import ScoreModel, compute_scores, tiers
from territory_desktop.core.segments import SegmentRules, segment_by_size
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import EDITABLE_FIELDS, Territory
from territory_desktop.core.workload import SCALE

_REGISTRY: dict[str, type[Edit]] = {}


class Edit(ABC):
    """A change to a plan. `apply_to` mutates the plan and returns the inverse edit."""

    kind: ClassVar[str]
    label: str

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "kind" in cls.__dict__:
            _REGISTRY[cls.kind] = cls

    @abstractmethod
    def apply_to(self, plan: Plan) -> Edit: ...

    @abstractmethod
    def to_dict(self) -> dict[str, Any]: ...

    def audit_reason(self) -> str:
        """Why this step was taken, for the audit trail ("" for edits that move nothing)."""
        return ""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Edit:
        """Rebuild an edit from its journal form; ValueError if the record is not one we know."""
        try:
            cls = _REGISTRY[d["kind"]]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"unknown edit record: {str(d)[:80]}") from exc
        return cls._from_dict(d)

    @classmethod
    @abstractmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit: ...


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
            raise ValueError(f"territories have no field(s) {', '.join(sorted(bad))}")
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


@dataclass
class SetSettings(Edit):
    """Swap the balance settings; workload is recomputed if the workload model changed."""

    settings: BalanceSettings
    label: str = "Change balance settings"
    kind: ClassVar[str] = "settings"

    def apply_to(self, plan: Plan) -> Edit:
        old = plan.settings
        plan.settings = self.settings
        if old.workload != self.settings.workload:
            plan._refresh_workload_rates()
            plan.kpis.workload = KpiState.full(plan).workload
        plan._bump("settings", territories=tuple(int(i) for i in plan.active_territories()))
        return SetSettings(old, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "settings": self.settings.to_dict(), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(BalanceSettings.from_dict(d["settings"]), d.get("label", "Change balance settings"))


@dataclass
class SetAdjacency(Edit):
    """Give the plan which accounts touch on the map (or take it away: None); undo restores the previous one."""

    adjacency: AccountAdjacency | None
    label: str = "Import adjacency"
    kind: ClassVar[str] = "adjacency"

    def apply_to(self, plan: Plan) -> Edit:
        old = plan.adjacency
        plan.adjacency = self.adjacency
        plan._bump("adjacency", territories=tuple(int(i) for i in plan.active_territories()))
        return SetAdjacency(old, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label,
                "adjacency": None if self.adjacency is None else self.adjacency.to_dict()}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        raw = d.get("adjacency")
        return cls(None if raw is None else AccountAdjacency.from_dict(raw), str(d.get("label", "Import adjacency")))


@dataclass
class SetSegments(Edit):
    """Give accounts new segments (re-segmenting by edited rules): service hours, eligibility, peer norms and
    every KPI follow; the rules that produced them become the plan's. Undo restores segments and rules."""

    segments: np.ndarray
    basis: np.ndarray
    rules: SegmentRules
    label: str = "Re-segment accounts"
    kind: ClassVar[str] = "segments"

    def apply_to(self, plan: Plan) -> Edit:
        if len(self.segments) != plan.n_accounts or len(self.basis) != plan.n_accounts:
            raise EditRefused("Segments must be given for every account of the plan.")
        old = SetSegments(plan.accounts["segment"].to_numpy(dtype=object).copy(),
                          plan.accounts["segment_basis"].to_numpy(dtype=object).copy(),
                          plan.settings.segment_rules, self.label)
        changed = np.flatnonzero(old.segments != np.asarray(self.segments, dtype=object))
        plan.accounts["segment"] = np.asarray(self.segments, dtype=object)
        plan.accounts["segment_basis"] = np.asarray(self.basis, dtype=object)
        plan.settings = replace(plan.settings, segment_rules=self.rules)
        plan._refresh_static_arrays()
        plan.kpis = KpiState.full(plan)
        plan._bump("segments", changed, tuple(int(i) for i in plan.active_territories()))
        return old

    def to_dict(self) -> dict[str, Any]:
        names, seg_codes = np.unique(np.asarray(self.segments, dtype=object).astype(str), return_inverse=True)
        bases, basis_codes = np.unique(np.asarray(self.basis, dtype=object).astype(str), return_inverse=True)
        return {"kind": self.kind, "names": names.tolist(), "codes": seg_codes.tolist(),
                "bases": bases.tolist(), "basis_codes": basis_codes.tolist(), "rules": self.rules.to_dict(),
                "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        names = np.asarray(d["names"], dtype=object)
        bases = np.asarray(d["bases"], dtype=object)
        return cls(names[np.asarray(d["codes"], dtype=np.int64)], bases[np.asarray(d["basis_codes"], dtype=np.int64)],
                   SegmentRules.from_dict(d["rules"]), d.get("label", "Re-segment accounts"))


def resegment(plan: Plan, rules: SegmentRules) -> SetSegments:
    """The edit that applies `rules` to every account sized by rules (a segment from the export stays)."""
    acc = plan.accounts
    sized, basis = segment_by_size(pd.to_numeric(acc["employees"], errors="coerce").to_numpy(np.float64),
                                   pd.to_numeric(acc["revenue"], errors="coerce").to_numpy(np.float64), rules)
    keep = acc["segment_basis"].astype(str).to_numpy() == "column"
    seg = np.where(keep, acc["segment"].to_numpy(dtype=object), sized)
    return SetSegments(seg, np.where(keep, "column", basis).astype(object), rules)


@dataclass
class SetScores(Edit):
    """Give account rows new scores and tiers (re-scoring by an edited score model): the score measure's
    totals follow exactly; with a model, it becomes the plan's. Undo restores scores, tiers and the model."""

    rows: np.ndarray
    score: np.ndarray
    tier: np.ndarray
    model: ScoreModel | None = None
    label: str = "Re-score accounts"
    kind: ClassVar[str] = "scores"

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int64)
        self.score = np.asarray(self.score, dtype=np.float64)
        self.tier = np.asarray(self.tier, dtype=object)
        if not (len(self.rows) == len(self.score) == len(self.tier)):
            raise ValueError("scores: one score and one tier per row")
        if len(self.rows) > 1 and not (self.rows[1:] > self.rows[:-1]).all():
            # each row once, its last value (as `score[rows] = ...` would): the totals add every listed row
            self.rows, last = np.unique(self.rows[::-1], return_index=True)
            self.score, self.tier = self.score[::-1][last], self.tier[::-1][last]

    def apply_to(self, plan: Plan) -> Edit:
        if len(self.rows) and (self.rows.min() < 0 or self.rows.max() >= plan.n_accounts):
            raise EditRefused("Scores were given for accounts that are not in the plan.")
        acc = plan.accounts
        score = pd.to_numeric(acc["score"], errors="coerce").to_numpy(dtype=np.float64, copy=True)
        tier = acc["tier"].fillna("").astype(str).to_numpy(dtype=object)  # a fresh array: safe to write
        old = SetScores(self.rows, score[self.rows].copy(), tier[self.rows].copy(),
                        plan.settings.score_model if self.model is not None else None, self.label)
        same = (old.score == self.score) | (np.isnan(old.score) & np.isnan(self.score))
        changed = self.rows[~same | (old.tier != self.tier)]
        score[self.rows], tier[self.rows] = self.score, self.tier
        acc["score"], acc["tier"] = score, tier
        if self.model is not None:
            plan.settings = replace(plan.settings, score_model=self.model)
        touched: tuple[int, ...] = ()
        if "score" in plan.measure_names:  # the score's totals move by the rows' change only: exact, and cheap
            m = plan.measure_names.index("score")
            values = plan.measure_values.copy()  # a new array: a solver snapshot may hold the old one
            values[self.rows, m] = np.rint(np.nan_to_num(self.score) * SCALE).astype(np.int64)
            delta = values[self.rows, m] - plan.measure_values[self.rows, m]
            plan.measure_values = values
            terr = plan.assignment[self.rows].astype(np.int64)
            np.add.at(plan.kpis.sums[:, m], np.where(terr < 0, plan.n_territories, terr), delta)
            plan.kpis.moved_sums[m] += int(delta[terr != plan.baseline[self.rows]].sum())
            touched = tuple(int(t) for t in np.unique(terr[delta != 0]) if t >= 0)
        plan._bump("scores", changed, touched)
        return old

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows.tolist(),
                "score": [None if s != s else s for s in self.score.tolist()], "tier": self.tier.tolist(),
                "model": None if self.model is None else self.model.to_dict(), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        model = d.get("model")
        return cls(np.asarray(d["rows"], dtype=np.int64),
                   np.array([np.nan if s is None else s for s in d["score"]], dtype=np.float64),
                   np.asarray(d["tier"], dtype=object), None if model is None else ScoreModel.from_dict(model),
                   d.get("label", "Re-score accounts"))


def rescore(plan: Plan, model: ScoreModel) -> SetScores | None:
    """The edit that scores the model-scored accounts by `model` and re-tiers every account (tiers rank the
    whole book; a score from the export stays as it is), or None when no score or tier would change."""
    acc = plan.accounts
    old_score = pd.to_numeric(acc["score"], errors="coerce").to_numpy(dtype=np.float64)
    by_model = acc["score_basis"].astype(str).to_numpy() == "model"
    score = old_score.copy()
    if by_model.any():
        score[by_model] = compute_scores(acc, model)[by_model]
    tier = tiers(score, model)
    same = (score == old_score) | (np.isnan(score) & np.isnan(old_score))
    rows = np.flatnonzero(~same | (tier != acc["tier"].fillna("").astype(str).to_numpy(dtype=object)))
    if not len(rows):
        return None
    return SetScores(rows, score[rows], tier[rows], model)


@dataclass
class Batch(Edit):
    """Several edits applied as one step (a bulk action); undone in reverse order."""

    edits: list[Edit] = field(default_factory=list)
    label: str = "Edit"
    kind: ClassVar[str] = "batch"

    def apply_to(self, plan: Plan) -> Edit:
        inverses: list[Edit] = []
        try:
            for e in self.edits:
                inverses.append(e.apply_to(plan))
        except EditRefused:
            for inv in reversed(inverses):  # leave the plan as it was
                inv.apply_to(plan)
            raise
        return Batch(list(reversed(inverses)), self.label)

    def audit_reason(self) -> str:
        return "; ".join(dict.fromkeys(r for e in self.edits if (r := e.audit_reason())))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "edits": [e.to_dict() for e in self.edits], "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls([Edit.from_dict(e) for e in d["edits"]], d.get("label", "Edit"))


def set_missing_reason(edit: Edit, reason: str) -> None:
    """Give `reason` to every move inside `edit` that has none (the planner's note for hand moves): a move
    that already says why (a co-pilot suggestion, a what-if) keeps its own words."""
    if not reason:
        return
    if isinstance(edit, Batch):
        for e in edit.edits:
            set_missing_reason(e, reason)
    elif isinstance(edit, MoveAccounts) and edit.notes is None:
        if isinstance(edit.reason, str):
            edit.reason = edit.reason or reason
        else:
            edit.reason = np.where(edit.reason == "", reason, edit.reason).astype(object)
    elif isinstance(edit, RemoveTerritory) and not edit.reason:
        edit.reason = reason


def _row_texts(values: Any, n: int, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    if arr.shape != (n,):
        raise ValueError(f"a move needs one {what} per account row ({n}), not {arr.shape}")
    return np.array([v if isinstance(v, str) else "" if v is None else str(v) for v in arr], dtype=object)


def _summary(reasons: str | np.ndarray, limit: int = 3) -> str:
    """One line for the trail: the reason, or the distinct reasons of a multi-reason move ("A; B; +2 more")."""
    if isinstance(reasons, str):
        return reasons
    distinct = [r for r in dict.fromkeys(reasons.tolist()) if r]
    more = f"; +{len(distinct) - limit} more" if len(distinct) > limit else ""
    return "; ".join(distinct[:limit]) + more


def _codes(texts: np.ndarray) -> dict[str, list[Any]]:
    """Per-row texts as distinct values + codes: a 10k-row move with 3 reasons journals 3 sentences."""
    values, codes = np.unique(np.asarray(texts, dtype=object).astype(str), return_inverse=True)
    return {"values": values.tolist(), "codes": codes.astype(np.int64).tolist()}


def _uncodes(d: Any, n: int) -> np.ndarray:
    if not isinstance(d, dict) or not isinstance(d.get("values"), list) or not isinstance(d.get("codes"), list):
        raise ValueError("per-row texts must be {values, codes}")
    values = np.array([str(v) for v in d["values"]] + [""], dtype=object)
    codes = np.asarray(d["codes"], dtype=np.int64)
    if codes.shape != (n,) or (len(codes) and (codes.min() < 0 or codes.max() >= len(values) - 1)):
        raise ValueError("per-row text codes do not match the rows")
    return values[codes]


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
