"""The territory plan: accounts, territories, the assignment, the baseline, locks and balance settings.

Everything that changes a plan goes through `Plan.apply(edit)`, which returns the inverse edit, bumps the
version and announces a `PlanChange`, so every view (table, map, capacity, solver) can follow with a targeted
refresh instead of a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from territory_desktop.core.audit import EDIT, AuditEntry, current_user, now_iso
from territory_desktop.core.change_notes import ChangeNotes
from territory_desktop.core.events import Event
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.score import score_accounts
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.core.wording import agree, counted
from territory_desktop.core.workload import SCALE, account_workload, segment_rates

if TYPE_CHECKING:
    from territory_desktop.core.adjacency import AccountAdjacency

CANONICAL_COLUMNS = (
    "account_id", "name", "address", "city", "state", "zip", "country", "lat", "lon", "geo_source",
    "segment", "industry", "potential", "pipeline", "owner", "status", "employees", "named",
)
"""Columns every plan has, whatever the export they came from."""

OPTIONAL_COLUMNS: dict[str, object] = {
    "revenue": np.nan, "last_activity": "", "segment_basis": "", "potential_basis": "",
    "score": np.nan, "tier": "", "score_basis": "",
}
"""Columns later versions added, with the value a plan saved before them gets: company revenue (size, never
potential), last activity date (ISO text), and how each account's segment and potential were decided
("column", "employees", "revenue" or "none"); the account score 0-100, its tier A/B/C and whether the score
came from the export ("column") or the score model ("model"). A plan saved before scores is scored on load."""

NUMERIC_MEASURES = ("potential", "pipeline", "score")
"""Account columns that can be balanced as sums (besides account count and workload)."""


@dataclass(frozen=True)
class PlanChange:
    """What an edit changed. `rows` are account rows; `territories` the territory indices whose numbers moved.

    kind is one of: "adjacency" (which accounts touch was imported or removed), "assignment", "locks", "territories" (fields or the list itself), "settings", "segments"
    (accounts given new segments: `rows` are those whose segment changed, every KPI was recomputed), "scores"
    (accounts re-scored: `rows` are those whose score or tier changed, the score measure's totals followed).
    """

    kind: str
    version: int
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    territories: tuple[int, ...] = ()


class EditRefused(Exception):
    """An edit that breaks a rule the planner set (a locked account or territory). The message says which."""


class PlanEdit(Protocol):
    """What `Plan.apply` needs of an edit: the edit classes live in edits/, which builds on the plan."""

    def apply_to(self, plan: Plan) -> PlanEdit: ...


AUDIT_LIMIT = 100_000
"""Entries the audit trail keeps (oldest dropped first): years of planning, a few MB in the file."""


class Plan:
    """One territory plan held in memory. Hot paths use the numpy arrays; the DataFrame serves display/export."""

    def __init__(self, accounts: pd.DataFrame, territories: list[Territory], assignment: np.ndarray,
                 baseline: np.ndarray | None = None, locked: np.ndarray | None = None,
                 settings: BalanceSettings | None = None, source: pd.DataFrame | None = None,
                 notes: ChangeNotes | None = None, audit: list[AuditEntry] | None = None) -> None:
        n = len(accounts)
        missing = [c for c in CANONICAL_COLUMNS if c not in accounts.columns]
        if missing:
            raise ValueError(f"accounts lack columns: {', '.join(missing)}")
        self.accounts = accounts.reset_index(drop=True)
        self.filled_in = False
        """True when construction added columns or scores the given accounts lacked, so `accounts` holds more
        than was passed (a project file's quick save must then not reuse the bytes it read)."""
        for col, default in OPTIONAL_COLUMNS.items():
            if col not in self.accounts.columns:
                self.accounts[col] = default
                self.filled_in = True
        self.settings = settings or BalanceSettings()
        if n and not (self.accounts["score_basis"].astype(str) != "").any():
            score, tier, basis = score_accounts(self.accounts, self.settings.score_model)
            self.accounts["score"], self.accounts["tier"], self.accounts["score_basis"] = score, tier, basis
            self.filled_in = True
        self.source = source.reset_index(drop=True) if source is not None else None
        self.territories = list(territories)
        self.assignment = np.asarray(assignment, dtype=np.int32).copy()
        self.baseline = (self.assignment.copy() if baseline is None
                         else np.asarray(baseline, dtype=np.int32).copy())
        self.locked = np.zeros(n, dtype=bool) if locked is None else np.asarray(locked, dtype=bool).copy()
        if not (len(self.assignment) == len(self.baseline) == len(self.locked) == n):
            raise ValueError("assignment, baseline and locks must have one entry per account")
        k = len(self.territories)
        for name, arr in (("assignment", self.assignment), ("baseline", self.baseline)):
            if n and (arr.min() < -1 or arr.max() >= k):
                raise ValueError(f"{name} refers to a territory that does not exist")
        self.notes = notes if notes is not None else ChangeNotes(n)
        """Reason, who and when of each account's last move (the change list's columns; edits keep it)."""
        if len(self.notes.reason) != n:
            raise ValueError("change notes must have one entry per account")
        self.audit: list[AuditEntry] = list(audit or [])
        """Every edit applied, undone or redone, oldest first (saved with the plan)."""
        self.scenarios: object | None = None
        """The `core.scenarios.ScenarioSet` this plan is one scenario of, when it came from (or joined) a file
        with several: saving the plan then saves them all, so no command can drop the other scenarios."""
        self.adjacency: AccountAdjacency | None = None
        """Which accounts touch on the map (counties, ZIPs), when the planner imported it: the co-pilot then
        keeps each territory one connected piece (`settings.keep_connected`)."""
        self._moved_rows = 0
        self.version = 0
        self.changed: Event[PlanChange] = Event()
        self.applied: Event[PlanEdit] = Event()
        self._refresh_static_arrays()
        self.kpis = KpiState.full(self)

    # ----- static per-account arrays -------------------------------------------------------------------
    def _refresh_static_arrays(self) -> None:
        a = self.accounts
        self.ids = a["account_id"].astype(str).to_numpy(dtype=object)
        self.lat = pd.to_numeric(a["lat"], errors="coerce").to_numpy(dtype=np.float64)
        self.lon = pd.to_numeric(a["lon"], errors="coerce").to_numpy(dtype=np.float64)
        self._lat_rad = np.radians(self.lat)  # the workload's distances take these, not two cosines a row
        self._cos_lat = np.cos(self._lat_rad)
        seg = a["segment"].fillna("").astype(str)
        self.segment_names: list[str] = sorted(str(v) for v in seg.unique())  # 0.07 s at 1M, set(): 0.35 s
        self.segment_codes = pd.Categorical(seg, categories=self.segment_names).codes.astype(np.int32)
        self.measure_names: tuple[str, ...] = NUMERIC_MEASURES
        vals = np.column_stack([pd.to_numeric(a[m], errors="coerce").fillna(0.0).to_numpy(np.float64)
                                for m in NUMERIC_MEASURES]) if len(a) else np.zeros((0, len(NUMERIC_MEASURES)))
        self.measure_values = np.rint(vals * SCALE).astype(np.int64)
        self.named = a["named"].fillna(False).astype(bool).to_numpy()
        self._index: pd.Index | None = None
        self._refresh_workload_rates()

    def _refresh_workload_rates(self) -> None:
        self.base_hours, self.visits = segment_rates(self.accounts["segment"].to_numpy(dtype=object),
                                                     self.settings.workload)

    # ----- lookups -------------------------------------------------------------------------------------
    @property
    def n_accounts(self) -> int:
        return len(self.assignment)

    @property
    def n_territories(self) -> int:
        """Territory slots, including removed ones (their index stays stable for the baseline)."""
        return len(self.territories)

    def active_territories(self) -> np.ndarray:
        """Indices of the territories that have not been removed."""
        return np.array([i for i, t in enumerate(self.territories) if not t.removed], dtype=np.int64)

    def territory_index(self, name: str) -> int:
        """Index of the active territory called `name` (case-insensitive), or raise KeyError."""
        wanted = name.strip().casefold()
        for i, t in enumerate(self.territories):
            if not t.removed and t.name.casefold() == wanted:
                return i
        raise KeyError(f"no territory named {name!r}")

    def rows_of(self, account_ids: list[str] | np.ndarray) -> np.ndarray:
        """Rows of the given account ids; raise KeyError naming the ids that are not in the plan."""
        ids = np.asarray(account_ids, dtype=object)
        rows = self.id_index().get_indexer(ids)
        if (rows < 0).any():
            unknown = ", ".join(map(str, ids[rows < 0][:10]))
            raise KeyError(f"unknown account {agree(int((rows < 0).sum()), 'id')}: {unknown}")
        return rows.astype(np.int64)

    def id_index(self) -> pd.Index:
        """The account ids as an index (built on first use): row lookups by id without a scan."""
        if self._index is None:
            self._index = pd.Index(self.ids)
        return self._index

    def rows_in(self, territory: int) -> np.ndarray:
        return np.flatnonzero(self.assignment == territory)

    def workload_of(self, rows: np.ndarray, territories: np.ndarray) -> np.ndarray:
        """Milli-hours of each account row when served by the matching territory (-1 = nobody: 0 hours)."""
        rows = np.asarray(rows, dtype=np.int64)
        terr = np.asarray(territories, dtype=np.int64)
        ok = terr >= 0
        everyone = bool(ok.all())
        if not everyone and not ok.any():
            return np.zeros(len(rows), dtype=np.int64)
        homes = np.array([(t.home_lat, t.home_lon) for t in self.territories], dtype=np.float64).reshape(-1, 2)
        home_rad = np.radians(homes[:, 0])
        home_cos = np.cos(home_rad)
        r, t = (rows, terr) if everyone else (rows[ok], terr[ok])
        got = account_workload(self.base_hours[r], self.visits[r], self._lat_rad[r], self._cos_lat[r],
                               self.lon[r], home_rad[t], home_cos[t], homes[t, 1], self.settings.workload)
        if everyone:
            return got
        out = np.zeros(len(rows), dtype=np.int64)
        out[ok] = got
        return out

    # ----- editing ------------------------------------------------------------------------------------
    def apply(self, edit: PlanEdit, action: str = EDIT, label: str | None = None,
              reason: str | None = None) -> PlanEdit:
        """Apply an edit, announce it, record it in the audit trail and return the edit that undoes it exactly.

        `action` says what the step was for the trail ("edit", "undo", "redo"); an undo passes the label and
        reason of the step it takes back, since its inverse edit has no words of its own.
        """
        self._moved_rows = 0
        inverse = edit.apply_to(self)
        self.record(action, str(label if label is not None else getattr(edit, "label", "")),
                    reason if reason is not None else _edit_reason(edit), getattr(edit, "kind", ""),
                    self._moved_rows)
        self.applied.emit(edit)
        return inverse

    def record(self, action: str, label: str, reason: str = "", kind: str = "", accounts: int = 0) -> None:
        """Append one entry to the audit trail, stamped now with the OS user."""
        self.audit.append(AuditEntry(now_iso(), current_user(), action, label, reason, kind, int(accounts)))
        if len(self.audit) > AUDIT_LIMIT:
            del self.audit[: len(self.audit) - AUDIT_LIMIT]

    def _bump(self, change_kind: str, rows: np.ndarray | None = None,
              territories: tuple[int, ...] = ()) -> None:
        self.version += 1
        self.changed.emit(PlanChange(change_kind, self.version,
                                     np.empty(0, np.int64) if rows is None else np.asarray(rows, np.int64),
                                     territories))

    def _reassign(self, rows: np.ndarray, new: np.ndarray) -> None:
        """Move rows to new territories, updating KPIs from the moved rows only."""
        rows = np.asarray(rows, dtype=np.int64)
        new = np.broadcast_to(np.asarray(new, dtype=np.int32), rows.shape)
        old = self.assignment[rows].copy()
        self.kpis.move(self, rows, old, new)
        self.assignment[rows] = new
        self._moved_rows += int((old != new).sum())
        touched = tuple(sorted({int(x) for x in np.unique(np.concatenate([old, new])) if x >= 0}))
        self._bump("assignment", rows, touched)

    def check_movable(self, rows: np.ndarray, target: int) -> None:
        """Raise EditRefused with a planner-readable reason if these rows may not go to `target`."""
        rows = np.asarray(rows, dtype=np.int64)
        if target >= 0:
            t = self.territories[target]
            if t.removed:
                raise EditRefused(f"Territory {t.name!r} has been removed.")
            if t.locked:
                raise EditRefused(f"Territory {t.name!r} is locked: unlock it to move accounts in.")
        stuck = rows[self.locked[rows]]
        if len(stuck):
            names = ", ".join(self.accounts["name"].iloc[stuck[:3]].astype(str))
            more = f" and {len(stuck) - 3} more" if len(stuck) > 3 else ""
            raise EditRefused(f"{counted(len(stuck), 'locked account')} cannot move: {names}{more}. "
                               f"Unlock {agree(len(stuck), 'it', 'them')} first.")
        src = np.unique(self.assignment[rows])
        for k in src:
            if k >= 0 and self.territories[int(k)].locked and int(k) != target:
                raise EditRefused(f"Territory {self.territories[int(k)].name!r} is locked: "
                                  "its accounts cannot move out.")
        if target >= 0:
            self._check_eligible(rows[self.assignment[rows] != target], self.territories[target])

    def _check_eligible(self, rows: np.ndarray, t: Territory) -> None:
        """Refuse accounts whose segment the eligibility rules keep away from t's role (no role: any segment)."""
        if not self.settings.eligibility or not t.role or not len(rows):
            return
        for code in np.unique(self.segment_codes[rows]):
            segment = self.segment_names[int(code)]
            roles = self.settings.allowed_roles(segment)
            if roles is not None and t.role not in roles:
                allowed = " or ".join(roles)
                raise EditRefused(f"{segment} accounts may only go to {allowed} territories (rule in Balance "
                                  f"settings); {t.name} is a {t.role} territory.")


def _edit_reason(edit: object) -> str:
    """The reason an edit gives for the trail ("" when it gives none), read by duck typing: edits/ is above."""
    describe = getattr(edit, "audit_reason", None)
    return str(describe()) if callable(describe) else ""


_DEFAULTS: dict[str, object] = {
    "address": "", "city": "", "state": "", "zip": "", "country": "", "lat": np.nan, "lon": np.nan,
    "geo_source": "none", "segment": "", "industry": "", "potential": 0.0, "pipeline": 0.0, "owner": "",
    "status": "", "employees": np.nan, "named": False,
}


def accounts_frame(columns: dict[str, object]) -> pd.DataFrame:
    """An accounts DataFrame with every canonical column, filling the ones not given with neutral values."""
    df = pd.DataFrame(columns)
    n = len(df)
    if "account_id" not in df:
        df["account_id"] = [f"A{i:06d}" for i in range(n)]
    if "name" not in df:
        df["name"] = df["account_id"].astype(str)
    for col, default in {**_DEFAULTS, **OPTIONAL_COLUMNS}.items():
        if col not in df:
            df[col] = default
    first = [*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS]
    return df[first + [c for c in df.columns if c not in first]]
