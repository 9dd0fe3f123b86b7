"""Refreshing a plan from a newer CRM export: what changed, and the one undoable edit that takes it in.

Accounts are matched by id. The difference says which accounts are new, which are gone from the CRM, and which
changed — segment (after the plan's segment rules), potential, location, owner in the CRM, name, industry,
pipeline — and flags for review the matched accounts whose new segment their territory's role may not own, or
whose new location is far outside their territory. Applying it keeps every matched account where it is (the
plan, not the CRM's owner field, decides territories), adds the new accounts unassigned (routing places them),
drops the gone ones (they are kept in `plan.departed` for the change list), and keeps the baseline of every
account that stays, so "moved vs baseline" still means what it meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from territory_desktop.core.audit import EDIT, REDO, UNDO, AuditEntry
from territory_desktop.core.change_notes import ChangeNotes, NoteColumns
from territory_desktop.core.edits import Edit
from territory_desktop.core.geo import haversine_km
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan
from territory_desktop.core.wording import counted

KINDS = ("segment", "potential", "location", "owner", "name", "industry", "pipeline")
MOVED_KM = 1.0
"""A new location this far from the old one (or a new ZIP) counts as a move of the account."""
FAR_FACTOR = 2.0
"""A moved account is flagged "far outside its territory" beyond this multiple of the territory's usual reach."""
DEPARTED_COLUMNS = ("account_id", "name", "territory", "potential", "pipeline", "reason")


@dataclass
class RefreshDiff:
    """What a newer export changes. Rows of the plan (`old`) and of the new accounts frame (`new`)."""

    new_rows: np.ndarray
    removed_rows: np.ndarray
    matched_old: np.ndarray
    matched_new: np.ndarray
    changed: dict[str, np.ndarray] = field(default_factory=dict)
    review: dict[str, np.ndarray] = field(default_factory=dict)

    def counts(self) -> dict[str, Any]:
        return {"new": len(self.new_rows), "removed": len(self.removed_rows),
                "changed": {k: len(v) for k, v in self.changed.items()},
                "review": {k: len(v) for k, v in self.review.items()}}

    def summary(self) -> list[str]:
        """Lines a planner reads before applying it."""
        c = self.counts()
        out = [counted(c["new"], "new account"), f"{counted(c['removed'], 'account')} gone from the CRM"]
        out += [f"{n:,} changed {k}" for k, n in c["changed"].items() if n]
        words = {"ineligible": "now in a segment their territory's role may not own",
                 "far": "moved far outside their territory"}
        out += [f"{n:,} to review: {words[k]}" for k, n in c["review"].items() if n]
        return out


def diff_accounts(plan: Plan, new: pd.DataFrame) -> RefreshDiff:
    """Compare the plan's accounts with `new` (a canonical accounts frame, e.g. a fresh import's)."""
    old_ids = pd.Index(plan.accounts["account_id"].astype(str).str.strip())
    new_ids = pd.Index(new["account_id"].astype(str).str.strip())
    dup = new_ids[new_ids.duplicated()]
    if len(dup):
        raise ValueError(f"the new export has account id {dup[0]!r} more than once")
    pos = old_ids.get_indexer(new_ids)
    matched_new = np.flatnonzero(pos >= 0)
    matched_old = pos[matched_new].astype(np.int64)
    new_rows = np.flatnonzero(pos < 0)
    keep = np.zeros(plan.n_accounts, dtype=bool)
    keep[matched_old] = True
    removed_rows = np.flatnonzero(~keep)
    a, b = plan.accounts.iloc[matched_old], new.iloc[matched_new]
    changed: dict[str, np.ndarray] = {}

    def text(df: pd.DataFrame, col: str) -> np.ndarray:
        return df[col].fillna("").astype(str).str.strip().str.casefold().to_numpy(dtype=object)

    def num(df: pd.DataFrame, col: str) -> np.ndarray:
        return pd.to_numeric(df[col], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)

    for kind in ("segment", "owner", "name", "industry"):
        changed[kind] = matched_old[text(a, kind) != text(b, kind)]
    for kind in ("potential", "pipeline"):
        x, y = num(a, kind), num(b, kind)
        changed[kind] = matched_old[np.abs(x - y) > np.maximum(0.01 * np.abs(x), 1.0)]
    la, lo = num(a, "lat"), num(a, "lon")
    lb, lob = num(b, "lat"), num(b, "lon")
    with np.errstate(invalid="ignore"):
        km = haversine_km(la, lo, lb, lob)
    moved = (np.nan_to_num(km, nan=0.0) > MOVED_KM) | (text(a, "zip") != text(b, "zip"))
    changed["location"] = matched_old[moved]
    changed = {k: changed[k] for k in KINDS}
    review = {"ineligible": _ineligible(plan, matched_old, b["segment"].fillna("").astype(str).to_numpy()),
              "far": _far(plan, changed["location"], matched_old, lb, lob)}
    return RefreshDiff(new_rows, removed_rows, matched_old, matched_new, changed, review)


def _ineligible(plan: Plan, rows: np.ndarray, new_segment: np.ndarray) -> np.ndarray:
    if not plan.settings.eligibility:
        return np.empty(0, dtype=np.int64)
    out = []
    for r, seg in zip(rows.tolist(), new_segment.tolist(), strict=True):
        t = int(plan.assignment[r])
        if t < 0:
            continue
        role = plan.territories[t].role
        allowed = plan.settings.allowed_roles(seg)
        if role and allowed is not None and role not in allowed:
            out.append(r)
    return np.array(out, dtype=np.int64)


def _far(plan: Plan, moved: np.ndarray, matched_old: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Moved accounts whose new place is beyond FAR_FACTOR x the 90th-percentile distance of their territory's
    accounts from its home (at least 50 km)."""
    if not len(moved):
        return np.empty(0, dtype=np.int64)
    where = {int(r): i for i, r in enumerate(matched_old.tolist())}
    out = []
    reach: dict[int, float] = {}
    for r in moved.tolist():
        t = int(plan.assignment[r])
        if t < 0 or not plan.territories[t].has_home:
            continue
        home = plan.territories[t]
        if t not in reach:
            rows = plan.rows_in(t)
            d = haversine_km(plan.lat[rows], plan.lon[rows], home.home_lat, home.home_lon)
            d = d[np.isfinite(d)]
            reach[t] = max(float(np.percentile(d, 90)) if len(d) else 0.0, 50.0)
        i = where[r]
        d_new = float(haversine_km(lat[i], lon[i], home.home_lat, home.home_lon))
        if np.isfinite(d_new) and d_new > FAR_FACTOR * reach[t]:
            out.append(r)
    return np.array(out, dtype=np.int64)


def departed_frame(plan: Plan, rows: np.ndarray, reason: str = "gone from the CRM export") -> pd.DataFrame:
    """The accounts leaving the plan, as the change list keeps them."""
    acc = plan.accounts.iloc[rows]
    names = [plan.territories[int(t)].name if t >= 0 else "" for t in plan.assignment[rows]]
    return pd.DataFrame({"account_id": acc["account_id"].astype(str).to_numpy(),
                         "name": acc["name"].astype(str).to_numpy(), "territory": names,
                         "potential": pd.to_numeric(acc["potential"], errors="coerce").fillna(0.0).to_numpy(),
                         "pipeline": pd.to_numeric(acc["pipeline"], errors="coerce").fillna(0.0).to_numpy(),
                         "reason": reason}, columns=list(DEPARTED_COLUMNS))


def departed_of(plan: Plan) -> pd.DataFrame:
    """Accounts that left the plan in refreshes (empty frame when none did)."""
    got = getattr(plan, "departed", None)
    return got if isinstance(got, pd.DataFrame) else pd.DataFrame(columns=list(DEPARTED_COLUMNS))


@dataclass
class RefreshAccounts(Edit):
    """Replace the plan's accounts with a refreshed set (one undoable step; the inverse puts the old ones back).

    `accounts` is the whole new accounts frame; `assignment`, `baseline`, `locked` and `notes` (reason, by, at
    of each account's last move: the change list and the review read them) are aligned with it.
    """

    accounts: pd.DataFrame
    assignment: np.ndarray
    baseline: np.ndarray
    locked: np.ndarray
    departed: pd.DataFrame
    label: str = "Refresh from CRM export"
    source: pd.DataFrame | None = None
    notes: NoteColumns | None = None
    summary: str = ""
    """What the refresh changed in words (`RefreshDiff.summary`): the audit trail's reason, so Plan History and
    the quarterly review say how many accounts came, went and changed segment."""
    kind: ClassVar[str] = "refresh_accounts"

    def apply_to(self, plan: Plan) -> Edit:
        every = np.arange(plan.n_accounts)
        inverse = RefreshAccounts(plan.accounts, plan.assignment.copy(), plan.baseline.copy(), plan.locked.copy(),
                                  departed_of(plan), self.label, plan.source, plan.notes.take(every),
                                  self.summary)
        plan.accounts = self.accounts.reset_index(drop=True)
        plan.assignment = np.asarray(self.assignment, dtype=np.int32).copy()
        plan.baseline = np.asarray(self.baseline, dtype=np.int32).copy()
        plan.locked = np.asarray(self.locked, dtype=bool).copy()
        plan.source = None if self.source is None else self.source.reset_index(drop=True)
        plan.departed = self.departed.reset_index(drop=True)
        n = len(plan.assignment)
        plan.notes = ChangeNotes(n) if self.notes is None else ChangeNotes(n, *self.notes)
        plan._refresh_static_arrays()
        plan.kpis = KpiState.full(plan)
        plan._bump("accounts", np.arange(plan.n_accounts))
        return inverse

    def audit_reason(self) -> str:
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError("a refresh is saved with the plan, not journaled edit by edit")

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        raise NotImplementedError("a refresh is saved with the plan, not journaled edit by edit")


def refresh_edit(plan: Plan, new: pd.DataFrame, diff: RefreshDiff, new_source: pd.DataFrame | None = None,
                 ) -> RefreshAccounts:
    """The edit that takes the new export in: matched accounts keep territory, baseline and lock and take the
    new attributes; new accounts arrive unassigned (and unassigned at the baseline); gone accounts leave."""
    n_new = len(new)
    assignment = np.full(n_new, -1, dtype=np.int32)
    baseline = np.full(n_new, -1, dtype=np.int32)
    locked = np.zeros(n_new, dtype=bool)
    assignment[diff.matched_new] = plan.assignment[diff.matched_old]
    baseline[diff.matched_new] = plan.baseline[diff.matched_old]
    locked[diff.matched_new] = plan.locked[diff.matched_old]
    notes = tuple(np.full(n_new, "", dtype=object) for _ in range(3))
    for mine, old in zip(notes, plan.notes.take(diff.matched_old), strict=True):
        mine[diff.matched_new] = old
    gone = departed_frame(plan, diff.removed_rows)
    departed = pd.concat([departed_of(plan), gone], ignore_index=True) if len(gone) else departed_of(plan)
    return RefreshAccounts(new.reset_index(drop=True), assignment, baseline, locked, departed,
                           f"Refresh from CRM export ({len(diff.new_rows):,} new, {len(diff.removed_rows):,} gone)",
                           new_source, notes, "; ".join(diff.summary()) + ".")  # type: ignore[arg-type]


KIND = RefreshAccounts.kind
_SEGMENT = re.compile(r"([0-9][0-9,]*) changed segment\b")


def refreshes_in(entries: list[AuditEntry]) -> list[AuditEntry]:
    """The refreshes among audit `entries` that still count (an undone refresh is taken out, a redone one
    counts again), oldest first: what the quarterly review lists as "from the CRM since the review"."""
    kept: list[AuditEntry] = []
    for e in entries:
        if e.kind != KIND:
            continue
        if e.action in (EDIT, REDO):
            kept.append(e)
        elif e.action == UNDO and kept:
            kept.pop()
    return kept


def segment_changes(entry: AuditEntry) -> int:
    """How many accounts a refresh's audit entry says changed segment (its reason is `RefreshDiff.summary`)."""
    m = _SEGMENT.search(entry.reason)
    return int(m.group(1).replace(",", "")) if m else 0
