"""What-if proposals: add a rep or remove one, worked out on a copy and handed back as ONE undoable edit.

Both build the changed plan on a copy (the live plan is never touched), restrict the co-pilot's own snapshot
(`problem_from_plan`, so locks, named accounts, eligibility, peer roles and open pipeline are respected exactly
as the solver respects them) and let the engine move the accounts:

- add a rep: the new territory is added on the copy; only accounts of its peers (same role, unlocked
  territories) may move, and each only to the new territory (its eligibility row is cut down to {its own
  territory, the new one}), so nothing moves between old territories. The candidates are the accounts with the
  best (distance to the new home - distance to their rep's home), three times the new territory's fair share
  of accounts, so the new book is compact and taken from its neighbours. The engine's greedy then fills the
  new territory towards the band (its pull aims at the middle), keeping donors in band, and undoes needless
  moves; CP-SAT polishes when time is left. The snapshot API has no "destination" rule, but eligibility is
  exactly that, so the solver needed no change.
- remove a rep: its accounts (all of them: named accounts and open deals need a new owner too; locked ones
  are the planner's, so they stop the proposal) are made unassigned in the snapshot and the territory
  inactive; everyone else stays put. The engine gives each orphan an owner among the territories it may go to
  (its peers first; another role only when no peer is left) and balances with the orphans only.

Determinism: the greedy is deterministic and the LNS seeds are fixed; CP-SAT runs under a time limit, so on a
slow machine a polish may stop earlier (the proposal is then the greedy's, still valid).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core import kpis
from territory_desktop.core.edits import (
    AddTerritory,
    Batch,
    Edit,
    MoveAccounts,
    RemoveTerritory,
    UpdateTerritory,
)
from territory_desktop.core.format import count, hours, money, percent
from territory_desktop.core.geo import haversine_km
from territory_desktop.core.palette import color_for
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.settings import DEFAULT_CAPACITY_HOURS
from territory_desktop.core.territory import Territory
from territory_desktop.core.vacancy import departure_reason, is_vacant, new_rep_reason
from territory_desktop.core.wording import agree, counted
from territory_desktop.core.workload import SCALE
from territory_desktop.solver.engine import solve_stream
from territory_desktop.solver.problem.eligibility import rule_eligibility
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.problem.snapshot import Problem
from territory_desktop.solver.problem.solution import Solution
from territory_desktop.solver.whatif.coverage import thinnest_coverage_home

POOL_FACTOR = 3.0
"""Candidates for a new territory: this many times its fair share of accounts, nearest first (relative)."""
NEAR_BAND = 0.5
"""The new territory is filled to within this fraction of each band (donors only give, so they stay in band)."""
NEIGHBOURS = 5
STALL_S = 1.0
"""Stop the engine after this long without a better plan (the time limit still caps the whole solve)."""
"""Homes consulted for a new rep's role and region when none is given."""


@dataclass(frozen=True, eq=False)
class WhatIf:
    """A proposal to preview: the edit that makes it (one undo step) and the territory table before and after."""

    title: str
    edit: Edit
    moved_accounts: int
    before: pd.DataFrame
    after: pd.DataFrame
    summary: list[str]


def copy_plan(plan: Plan) -> Plan:
    """A private copy to try edits on: same accounts (read only), own territories, arrays and totals.

    The KPI totals are rebuilt from scratch; being integer they equal the live plan's running totals exactly.
    """
    return Plan(plan.accounts, [Territory.from_dict(t.to_dict()) for t in plan.territories], plan.assignment,
                plan.baseline, plan.locked, plan.settings)


# ----- add a rep ------------------------------------------------------------------------------------------
def propose_add_rep(plan: Plan, name: str, role: str = "", home: tuple[float, float] | None = None,
                    capacity_hours: float | None = None, time_limit: float = 5.0, rep: str = "") -> WhatIf:
    """A new territory at `home` (default `thinnest_coverage_home`) carved from its peers with the least
    disruption: accounts move only into it, never between old territories (module docstring).

    role "" takes the role most common among the nearest homes, so the new rep has peers to be balanced with
    (a roleless territory would form a peer group of its own and take nothing); capacity None takes the peers'
    median. `rep` is the new hire's name (the change list then says "New hire: <rep> (<name>)"). ValueError
    for a taken or empty name or a home that is not a place.
    """
    name, rep = name.strip(), rep.strip()
    if not name:
        raise ValueError("A new territory needs a name.")
    if any(not t.removed and t.name.casefold() == name.casefold() for t in plan.territories):
        raise ValueError(f"A territory is already called {name!r}.")
    _check_time(time_limit)
    role = role.strip()
    if home is None:
        home = thinnest_coverage_home(plan, role or None)
    lat, lon = float(home[0]), float(home[1])
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"The new rep's home ({lat}, {lon}) is not a place on the map.")
    near = _nearest_territories(plan, lat, lon)
    if not role:
        roles = [plan.territories[i].role.strip() for i in near if plan.territories[i].role.strip()]
        role = Counter(roles).most_common(1)[0][0] if roles else ""
    peers = [i for i in plan.active_territories()
             if plan.territories[int(i)].role.strip().casefold() == role.casefold()]
    if capacity_hours is None:
        caps = [plan.territories[int(i)].capacity_hours for i in peers if plan.territories[int(i)].capacity_hours > 0]
        capacity_hours = float(np.median(caps)) if caps else DEFAULT_CAPACITY_HOURS
    region = plan.territories[near[0]].region if near else ""
    terr = Territory(name, rep=rep, role=role, region=region, home_lat=lat, home_lon=lon,
                     capacity_hours=float(capacity_hours), color=color_for(plan.n_territories))
    add = AddTerritory(terr)
    trial = copy_plan(plan)
    try:
        trial.apply(add)
    except EditRefused as exc:
        raise ValueError(str(exc)) from exc
    j = trial.n_territories - 1
    rows = _fill_new_territory(trial, j, time_limit)
    moves = MoveAccounts(rows, j, reason=new_rep_reason(name, rep))
    trial.apply(moves)
    donors = np.unique(plan.assignment[rows])
    place = _place_name(plan, lat, lon)
    who = f"{rep} ({name})" if rep else "a rep"
    title = (f"Add {who} in {place}: takes {counted(len(rows), 'account')} from {len(donors)} "
             f"territor{'ies' if len(donors) != 1 else 'y'}")
    edit = Batch([add, moves], label=title)
    before, after = kpis.territory_table(plan), kpis.territory_table(trial)
    lines = _summary(plan, before, after, rows, {*donors.tolist(), j},
                     "with one more rep the peers' mean is lower")
    lines.append(_new_territory_line(trial, after, j))
    if not len(rows):
        lines.append("No account could move: the peers' accounts nearby are locked, named, have open deals or "
                     "may not go to this role.")
    return WhatIf(title, edit, len(rows), before, after, lines)


def _fill_new_territory(trial: Plan, j: int, time_limit: float) -> np.ndarray:
    """Rows the engine moves into the new territory j of `trial` (accounts of its peers, into j only)."""
    p = problem_from_plan(trial, mode="rebalance")
    cur = p.current.astype(np.int64)
    group = p.groups[j] if p.groups is not None else 0
    same = (p.groups == group) if p.groups is not None else np.ones(p.k, dtype=bool)
    donor_t = p.active & p.territory_open & same
    donor_t[j] = False
    ok = p.free() & (cur >= 0) & donor_t[np.clip(cur, 0, None)] & np.isfinite(p.lat) & np.isfinite(p.lon)
    if p.eligible is not None:
        ok &= p.eligible[:, j]
    cand = np.flatnonzero(ok)
    if not len(cand):
        return cand
    t = trial.territories[j]
    home = p.centre_latlon
    d_new = haversine_km(p.lat[cand], p.lon[cand], t.home_lat, t.home_lon)
    d_cur = haversine_km(p.lat[cand], p.lon[cand], home[cur[cand], 0], home[cur[cand], 1])
    gain = d_new - np.where(np.isfinite(d_cur), d_cur, 0.0)
    in_group = (cur >= 0) & same[np.clip(cur, 0, None)]
    share = p.shares[j] / max(float(p.shares[same & p.active].sum()), 1e-9)
    pool = int(min(len(cand), max(50, math.ceil(POOL_FACTOR * share * int(in_group.sum())))))
    pool_rows = np.sort(cand[np.argsort(gain, kind="stable")[:pool]])
    movable = np.zeros(p.n, dtype=bool)
    movable[pool_rows] = True
    eligible = np.zeros((p.n, p.k), dtype=bool)
    eligible[pool_rows, cur[pool_rows]] = True
    eligible[pool_rows, j] = True
    p.movable, p.eligible = movable, eligible
    # Minimal disruption alone would stop at the band's edge; half the band makes the new book near the mean.
    p.bands, p.band_low = p.bands * NEAR_BAND, p.band_low * NEAR_BAND
    sol = _solve(p, time_limit)
    rows = np.flatnonzero(sol.assignment != cur)
    rows = rows[sol.assignment[rows] == j]  # by construction all of them: nothing else was allowed
    cap = t.capacity_hours
    if trial.settings.capacity_hard and cap > 0 and len(rows):
        # the greedy weighs capacity against the bands; a proposal must not break the hard rule: drop the
        # accounts farthest out first (the core's own milli-hours, so the table agrees)
        by_gain = rows[np.argsort(gain[np.searchsorted(cand, rows)], kind="stable")]
        fits = np.cumsum(trial.workload_of(by_gain, np.full(len(by_gain), j))) <= round(cap * SCALE)
        rows = np.sort(by_gain[fits])
    return rows


def _nearest_territories(plan: Plan, lat: float, lon: float) -> list[int]:
    """Active territories with a home, nearest first (at most NEIGHBOURS)."""
    act = [int(i) for i in plan.active_territories() if plan.territories[int(i)].has_home]
    if not act:
        return []
    d = haversine_km(lat, lon, np.array([plan.territories[i].home_lat for i in act]),
                     np.array([plan.territories[i].home_lon for i in act]))
    return [act[i] for i in np.argsort(d, kind="stable")[:NEIGHBOURS]]


def _place_name(plan: Plan, lat: float, lon: float) -> str:
    """The town most of the 25 accounts nearest to (lat, lon) are in, else the coordinates."""
    placed = np.flatnonzero(np.isfinite(plan.lat) & np.isfinite(plan.lon))
    if len(placed):
        d = haversine_km(plan.lat[placed], plan.lon[placed], lat, lon)
        rows = placed[np.argsort(d, kind="stable")[:25]]
        acc = plan.accounts.iloc[rows]
        towns = [(c.strip(), s.strip()) for c, s in zip(acc["city"].fillna("").astype(str),
                                                           acc["state"].fillna("").astype(str), strict=True)
                 if c.strip()]
        if towns:
            city, state = Counter(towns).most_common(1)[0][0]
            return f"{city}, {state}" if state else city
    return f"{abs(lat):.1f}°{'N' if lat >= 0 else 'S'} {abs(lon):.1f}°{'E' if lon >= 0 else 'W'}"


def _new_territory_line(trial: Plan, after: pd.DataFrame, j: int) -> str:
    row = after.loc[j]
    primary = trial.settings.primary.measure
    dev = row.get(f"dev_{primary}", float("nan"))
    return (f"{row['name']}: {count(row['accounts'])} accounts, {money(row['potential'])} potential, "
            f"{percent(dev, signed=True)} {primary} against its peers, {hours(row['workload'])} of "
            f"{hours(row['capacity'])}.")


# ----- remove a rep ---------------------------------------------------------------------------------------
def propose_remove_rep(plan: Plan, territory: int, time_limit: float = 5.0) -> WhatIf:
    """The territory's accounts redistributed by the engine to the territories they may go to (everyone else
    stays put), then the territory removed. ValueError if it is locked, already removed, holds locked
    accounts (naming how many) or some account has nowhere to go."""
    _check_time(time_limit)
    if not 0 <= territory < plan.n_territories:
        raise ValueError(f"There is no territory number {territory}.")
    t = plan.territories[territory]
    if t.removed:
        raise ValueError(f"Territory {t.name!r} has already been removed.")
    vacant = is_vacant(t)
    if t.locked and not vacant:  # a vacant seat is locked to keep it whole; removing it is the decision to stop
        raise ValueError(f"Territory {t.name!r} is locked: unlock it to remove it.")
    orphans = plan.rows_in(territory)
    stuck = int(plan.locked[orphans].sum())
    if stuck:
        raise ValueError(f"Cannot remove {t.name}: {stuck:,} of its accounts are locked and cannot move. "
                         "Unlock them first.")
    others = [int(i) for i in plan.active_territories() if int(i) != territory]
    if len(orphans) and not others:
        raise ValueError(f"{t.name} is the only territory: its accounts would have nowhere to go.")
    to, other_role = _redistribute(plan, territory, orphans, time_limit)
    homeless = int((to < 0).sum())
    if homeless:
        raise ValueError(f"Cannot remove {t.name}: {homeless:,} of its accounts have no other territory they "
                         "may go to (locked territories or eligibility rules).")
    why = _vacant_book_reason(plan, orphans) if vacant else departure_reason(t)
    moves = MoveAccounts(orphans, to, reason=why) if len(orphans) else None
    receivers = Counter(to.tolist())
    most = receivers.most_common(1)
    title = (f"Remove {t.name}: {counted(len(orphans), 'account')} go to {len(receivers)} "
             f"territor{'ies' if len(receivers) != 1 else 'y'}"
             + (f" (most to {plan.territories[most[0][0]].name}: {most[0][1]:,})" if most else "")
             if len(orphans) else f"Remove {t.name}: it has no accounts")
    unlock = [UpdateTerritory(territory, {"locked": False}, title)] if t.locked else []
    edit = Batch([*unlock, *([moves] if moves else []), RemoveTerritory(territory, reason=why)], label=title)
    trial = copy_plan(plan)
    try:
        trial.apply(edit)
    except EditRefused as exc:
        raise ValueError(str(exc)) from exc
    before, after = kpis.territory_table(plan), kpis.territory_table(trial)
    lines = _summary(plan, before, after, orphans, {*receivers, territory},
                     "with one rep fewer the peers' mean is higher")
    if receivers:
        parts = [f"{plan.territories[k].name} +{n:,}" for k, n in receivers.most_common(5)]
        more = f" and {len(receivers) - 5} more" if len(receivers) > 5 else ""
        lines.append(f"Receiving: {', '.join(parts)}{more}.")
    named = int(plan.named[orphans].sum())
    if named:
        lines.append(f"{counted(named, 'named account')} {agree(named, 'gets', 'get')} a new owner too.")
    if other_role:
        lines.append(f"{counted(other_role, 'account')} go to reps of another role: no other "
                     f"{t.role or 'roleless'} rep may take them.")
    return WhatIf(title, edit, len(orphans), before, after, lines)


def _vacant_book_reason(plan: Plan, rows: np.ndarray) -> str:
    """A vacant book handed out later still says whose departure it was (its accounts' departure note)."""
    notes = [r for r in plan.notes.reason[rows].tolist() if str(r).startswith("Rep departure:")]
    first = Counter(notes).most_common(1)[0][0].split(";")[0] if notes else "Rep departure"
    return f"{first}; vacant book redistributed"


def _redistribute(plan: Plan, territory: int, orphans: np.ndarray, time_limit: float) -> tuple[np.ndarray, int]:
    """New owner of each orphan (-1: none allowed) and how many leave the removed rep's role."""
    if not len(orphans):
        return np.empty(0, dtype=np.int32), 0
    p = problem_from_plan(plan, mode="rebalance")
    p.current = p.current.copy()
    p.current[orphans] = -1
    p.active = p.active.copy()
    p.active[territory] = False
    p.territory_open = p.territory_open.copy()
    p.territory_open[territory] = False
    movable = np.zeros(p.n, dtype=bool)
    movable[orphans] = True  # named and open-pipeline accounts too: they need an owner
    p.movable = movable
    other_role = 0
    if p.eligible is not None:
        dest = p.active & p.territory_open
        stranded = orphans[~(p.eligible[orphans] & dest[None, :]).any(axis=1)]
        if len(stranded):  # no peer left: the plan's segment rules alone (any role they allow)
            rule = rule_eligibility(plan, dict(plan.settings.eligibility), roleless_take_any=True)
            p.eligible = p.eligible.copy()
            p.eligible[stranded] = True if rule is None else rule[stranded]
            other_role = int((p.eligible[stranded] & dest[None, :]).any(axis=1).sum())
    sol = _solve(p, time_limit)
    to = sol.assignment[orphans].astype(np.int32)
    bad = (to >= 0) & ~p.allowed(orphans, np.clip(to, 0, None))
    to[bad] = -1
    return to, other_role


def _solve(problem: Problem, time_limit: float) -> Solution:
    """The engine's best plan, stopping early once it has found nothing better for STALL_S seconds.

    A what-if frees a few hundred accounts of a large plan; the LNS keeps probing the worst territories,
    which are elsewhere and frozen, so waiting for the full limit would only keep the planner waiting.
    """
    last = [time.monotonic()]
    best: Solution | None = None
    for sol in solve_stream(problem, time_limit, lambda: time.monotonic() - last[0] > STALL_S):
        best = sol
        last[0] = time.monotonic()
    if best is None:
        raise RuntimeError("the solver produced no plan")
    return best


# ----- wording --------------------------------------------------------------------------------------------
def _summary(plan: Plan, before: pd.DataFrame, after: pd.DataFrame, moved: np.ndarray,
             touched: set[int], why: str) -> list[str]:
    """Before -> after in words: out of band, worst deviation of the primary measure, over capacity, moves,
    and the territories that leave their band without being touched (`why`: the peer mean moved)."""
    primary = plan.settings.primary.measure
    col = f"dev_{primary}"

    def worst(t: pd.DataFrame) -> float:
        return float(t[col].abs().max()) if col in t and len(t) else 0.0

    pot_j = plan.measure_names.index("potential")
    pot = float(plan.measure_values[moved, pot_j].sum()) / SCALE if len(moved) else 0.0
    total = float(plan.measure_values[:, pot_j].sum()) / SCALE
    common = after.index.intersection(before.index)
    drift = [int(i) for i in common if i not in touched and before.at[i, "in_band"] and not after.at[i, "in_band"]]
    lines = [
        f"Out of band: {int((~before['in_band']).sum())} → {int((~after['in_band']).sum())} territories.",
        f"Largest {primary} deviation: {percent(worst(before))} → {percent(worst(after))}.",
        f"Over capacity: {int(before['over_capacity'].sum())} → {int(after['over_capacity'].sum())}.",
        f"{counted(len(moved), 'account')} move ({money(pot)} potential, "
        f"{percent(pot / total if total > 0 else 0.0, 1)} of the plan's).",
    ]
    if drift:
        lines.append(f"{len(drift):,} territor{'ies' if len(drift) != 1 else 'y'} this change does not touch "
                     f"leave{'' if len(drift) != 1 else 's'} the band: {why}.")
    return lines


def _check_time(time_limit: float) -> None:
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise ValueError("The time limit must be a positive number of seconds.")
