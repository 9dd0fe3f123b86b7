"""Reading a newer CRM export for a refresh, before anything changes: the difference, the edit, the routing.

Qt-free, so it runs on a worker thread while the window stays responsive. The export is read exactly as the
CLI's `refresh` reads it (`import_plan` with the plan's segment rules, potential and score models, so a segment
"changed" only because the rules differ never appears). Routing is tried on a copy of the refreshed plan, so
the preview can say how many new accounts the rules would place, and the routed territories and reasons are
then written into the one `RefreshAccounts` edit itself: a single edit, a single "accounts" change for the
views and a single undo step, with each routed account's sentence kept as its change note ("Rule of West:
state in CA"), as `route_move` would have written it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.core.audit import current_user, now_iso
from territory_desktop.core.lock_rules import LockRuleError, locked_by_rules
from territory_desktop.core.plan import Plan
from territory_desktop.core.refresh import RefreshAccounts, RefreshDiff, diff_accounts, refresh_edit
from territory_desktop.core.routing import Routing, RuleError, route
from territory_desktop.core.scenarios import copy_plan
from territory_desktop.core.wording import agree, counted
from territory_desktop.io.importing.importer import ImportCancelled, ImportFailed, import_plan

Progress = Callable[[float, str], None]


class RefreshProblem(Exception):
    """The export cannot refresh this plan; the message names the file (and column) and says what to do."""


class RefreshCancelled(Exception):
    """The planner closed the dialog while the export was being read."""


@dataclass
class Prepared:
    """A newer export read and compared with the plan as it was at `version`; nothing applied yet."""

    export: Path
    reps: Path | None
    version: int
    new: pd.DataFrame
    """The export's canonical accounts frame (the refreshed plan's rows, in this order)."""
    diff: RefreshDiff
    edit: RefreshAccounts
    """The refresh with new accounts unassigned (routing is added by `edit_for`)."""
    routing: Routing | None
    """How the rules would place the new accounts (rows of the refreshed plan), None when there are none."""
    rule_problem: str = ""
    """Why routing could not be tried (a broken territory rule), "" when it could."""
    locked_new: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    """New accounts (refreshed rows) the plan's lock rules lock."""
    notes: list[str] = field(default_factory=list)
    """What reading the export said: rows rejected, warnings, a lock rule that does not fit."""
    old_n: int = 0

    @property
    def matched(self) -> int:
        return len(self.diff.matched_old)

    @property
    def new_row_of_old(self) -> np.ndarray:
        """For each row of the plan before the refresh, its row after (-1 for an account gone)."""
        out = np.full(self.old_n, -1, dtype=np.int64)
        out[self.diff.matched_old] = self.diff.matched_new
        return out

    def flagged_rows(self) -> np.ndarray:
        """Rows of the refreshed plan flagged for review (ineligible segment or far outside the territory)."""
        old = np.unique(np.concatenate([np.asarray(v, np.int64) for v in self.diff.review.values()] or
                                       [np.empty(0, np.int64)]))
        return np.sort(self.new_row_of_old[old]) if len(old) else old

    def routing_counts(self) -> dict[str, int]:
        if self.routing is None:
            return {"named": 0, "rule": 0, "nearest": 0, "unrouted": len(self.diff.new_rows)}
        return self.routing.counts()


def prepare_refresh(plan: Plan, export: str | Path, reps: str | Path | None = None,
                    progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> Prepared:
    """Read `export` (and its reps file) as the plan's settings say, compare it with `plan`, build the edit and
    try the routing of the new accounts on a copy. RefreshProblem with a planner's sentence on bad input."""
    path = Path(export)
    reps_path = Path(reps) if reps else None
    version, old_n = plan.version, plan.n_accounts
    for p, what in ((path, "export"), (reps_path, "reps file")):
        if p is None:
            continue
        if not p.exists():
            raise RefreshProblem(f"The {what} {p.name} does not exist (looked in {p.parent}).")
        if p.is_dir():
            raise RefreshProblem(f"The {what} {p.name} is a folder, not a CSV or Excel file.")
    s = plan.settings
    try:
        fresh = import_plan(path, reps_path, progress=progress, cancelled=cancelled, segment_rules=s.segment_rules,
                            potential_model=s.potential_model, score_model=s.score_model)
    except ImportCancelled as exc:
        raise RefreshCancelled(str(exc)) from exc
    except ImportFailed as exc:
        raise RefreshProblem(str(exc)) from exc
    except OSError as exc:
        name = Path(exc.filename).name if exc.filename else path.name
        raise RefreshProblem(f"Cannot read {name}: {exc.strerror or exc}.") from exc
    if "account_id" not in fresh.mapping:
        named = fresh.mapping.get("name", "")
        raise RefreshProblem(
            f"{path.name} has no account id column (the account name column {named!r} would be taken as the id). "
            "A refresh matches the accounts by their CRM id: export the Account ID column with the accounts and "
            "try again.")
    new = fresh.plan.accounts
    try:
        diff = diff_accounts(plan, new)
    except ValueError as exc:
        raise RefreshProblem(f"{path.name}: {exc}.") from exc
    if progress is not None:
        progress(1.0, "Comparing with the plan")
    edit = refresh_edit(plan, new, diff, fresh.plan.source)
    notes = _import_notes(path.name, fresh)
    routing, rule_problem, locked_new = _try_routing(plan, edit, diff, notes)
    return Prepared(path, reps_path, version, new, diff, edit, routing, rule_problem, locked_new, notes, old_n)


def _import_notes(file: str, fresh: object) -> list[str]:
    """Rejected rows (named by row and column: an account of the plan on such a row would look gone),
    warnings and skipped lines, for the preview to show before Apply. Rejected rows are the import's errors;
    blank lines and report footers are notes (severity NOTE): no account, so none looks gone."""
    out = []
    rejected = int(getattr(fresh, "rows_rejected", 0))
    if rejected:
        errors = getattr(fresh, "errors", [])  # severity ERROR only: the notes are not among them
        first = f" (e.g. {_where(errors[0])}{errors[0].reason})" if errors else ""
        out.append(f"{counted(rejected, 'row')} of {file} {agree(rejected, 'was', 'were')} rejected and "
                   f"{agree(rejected, 'is', 'are')} not taken in{first}; an account of the "
                   "plan on a rejected row counts as gone.")
    warnings = getattr(fresh, "warnings", [])
    if warnings:
        out.append(f"{counted(len(warnings), 'warning')} reading {file}, "
                   f"e.g. {_where(warnings[0])}{warnings[0].reason}.")
    skipped = int(getattr(fresh, "rows_skipped", 0))
    if skipped:
        out.append(f"{counted(skipped, 'blank or footer line')} of {file} skipped (not accounts: nothing is "
                   "lost).")
    return out


def _where(problem: object) -> str:
    row, column = getattr(problem, "row", None), getattr(problem, "column", None)
    parts = ([f"row {row}"] if row else []) + ([f"column {column!r}"] if column else [])
    return ", ".join(parts) + ": " if parts else ""


def _try_routing(plan: Plan, edit: RefreshAccounts, diff: RefreshDiff, notes: list[str],
                 ) -> tuple[Routing | None, str, np.ndarray]:
    """Route the new accounts on a copy of the refreshed plan; lock the new ones the lock rules name."""
    if not len(diff.new_rows):
        return None, "", np.empty(0, np.int64)
    trial = copy_plan(plan)
    edit.apply_to(trial)  # the copy only: no event reaches the window, nothing is recorded
    routing: Routing | None = None
    problem = ""
    try:
        routing = route(trial, rows=diff.new_rows)
    except RuleError as exc:
        problem = f"The territory rules cannot route: {exc}"
    locked_new = np.empty(0, np.int64)
    if plan.settings.lock_rules:
        try:
            mask = locked_by_rules(trial)
            locked_new = diff.new_rows[mask[diff.new_rows]].astype(np.int64)
            n_locked = len(locked_new)
            if n_locked:
                notes.append(f"{counted(n_locked, 'new account')} {agree(n_locked, 'matches', 'match')} the lock "
                             f"rules and will be locked where {agree(n_locked, 'it lands', 'they land')}.")
        except LockRuleError as exc:
            notes.append(f"The lock rules do not fit the new export, so no new account is locked by them: {exc}")
    return routing, problem, locked_new


def edit_for(p: Prepared, routed: bool) -> RefreshAccounts:
    """The one edit to apply: the refresh, with the new accounts placed by the rules when `routed` (each with
    the sentence that sent it as its change note) and the new accounts the lock rules name locked."""
    e = p.edit
    assignment = np.asarray(e.assignment, np.int32).copy()
    locked = np.asarray(e.locked, bool).copy()
    notes = tuple(np.asarray(c, object).copy() for c in e.notes) if e.notes is not None else None
    label = e.label
    if routed and p.routing is not None and len(p.routing.rows):
        r = p.routing
        assignment[r.rows] = r.targets.astype(np.int32)
        if notes is not None:
            notes[0][r.rows] = np.asarray(r.reasons, dtype=object)
            notes[1][r.rows] = current_user()
            notes[2][r.rows] = now_iso()
        label = label[:-1] + f", {len(r.rows):,} routed)" if label.endswith(")") else label
    locked[p.locked_new] = True
    return dataclasses.replace(e, assignment=assignment, locked=locked, notes=notes, label=label)
