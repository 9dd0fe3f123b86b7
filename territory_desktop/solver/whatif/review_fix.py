"""The quarterly review's fix: the co-pilot's moves, limited by the review's stability rule.

The rule a sales-ops planner sets for a review is "only changes that fix something, and few of them": a move is
offered only as part of a set that brings an out-of-band territory into its band, never pushes a territory
that is in band out of it or over capacity, and all the sets together move at most `max_accounts` accounts.

How: the engine solves the whole plan once (the co-pilot's own snapshot, so locks, named accounts, open
pipeline, eligibility and locked territories such as a vacant book are respected exactly); then, worst
territory first, the solver's moves in or out of that territory are taken biggest accounts first, and the
shortest prefix that brings it into band without breaking anything is kept (doubling, then bisection: about
2·log2(n) checks of the territory table on a private copy, each a few milliseconds since the totals are
running). A territory no prefix can fix within what is left of the budget is skipped and named.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.whatif.proposals import WhatIf, _solve, _summary, copy_plan

REASON = "Quarterly review: brings {name} into band"


def propose_review_fix(plan: Plan, max_accounts: int, time_limit: float = 5.0) -> WhatIf:
    """Moves that bring out-of-band territories into band, at most `max_accounts` in all (module docstring).

    ValueError when every territory is in band already, or the budget is not a positive number of accounts.
    """
    if max_accounts <= 0:
        raise ValueError("The review may move at most 0 accounts: raise the limit to offer a fix.")
    table = kpis.territory_table(plan)
    primary = f"dev_{plan.settings.primary.measure}"
    out = [int(t) for t in table.index[~table["in_band"].to_numpy(dtype=bool)]]
    if not out:
        raise ValueError("Every territory is in band: the review has nothing to fix.")
    out.sort(key=lambda t: -abs(float(table.at[t, primary])))
    p = problem_from_plan(plan, mode="rebalance")
    target = _solve(p, time_limit).assignment.astype(np.int64)
    cur = plan.assignment.astype(np.int64)
    moves = np.flatnonzero((target != cur) & (target >= 0))
    moves = moves[p.allowed(moves, target[moves]) & p.free()[moves]]
    value = np.abs(plan.measure_values[:, plan.measure_names.index(plan.settings.primary.measure)]
                   if plan.settings.primary.measure in plan.measure_names else np.ones(plan.n_accounts))
    trial = copy_plan(plan)
    taken = np.zeros(plan.n_accounts, dtype=bool)
    rows_out: list[np.ndarray] = []
    reasons: list[str] = []
    fixed: list[int] = []
    left = int(max_accounts)
    for t in out:
        now = kpis.territory_table(trial)
        if t not in now.index or bool(now.at[t, "in_band"]) or left <= 0:
            continue
        cand = moves[~taken[moves] & ((cur[moves] == t) | (target[moves] == t))]
        cand = cand[np.argsort(-value[cand], kind="stable")][:left]
        k = _shortest_fix(trial, now, t, cand, target)
        if k is None:
            continue
        chosen = cand[:k]
        trial.apply(MoveAccounts(chosen, target[chosen].astype(np.int32)))
        taken[chosen] = True
        left -= k
        fixed.append(t)
        rows_out.append(chosen)
        reasons += [REASON.format(name=plan.territories[t].name)] * k
    rows = np.concatenate(rows_out) if rows_out else np.empty(0, dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    rows, why = rows[order], np.asarray(reasons, dtype=object)[order]
    names = [plan.territories[t].name for t in fixed]
    title = (f"Review fix: {len(rows):,} account{'s' if len(rows) != 1 else ''} bring "
             f"{len(fixed)} territor{'ies' if len(fixed) != 1 else 'y'} into band" if len(rows)
             else "Review fix: no move within the rule brings a territory into band")
    edit = MoveAccounts(rows, target[rows].astype(np.int32), label=title, reason=why)
    after = kpis.territory_table(trial)
    touched = {*fixed, *np.unique(target[rows]).tolist()}
    lines = _summary(plan, table, after, rows, touched, "their peers' mean moved")
    if names:
        lines.append(f"Into band: {', '.join(names[:8])}" + (f" and {len(names) - 8} more" if len(names) > 8 else "")
                     + ".")
    stuck = [plan.territories[t].name for t in out if t not in fixed]
    if stuck:
        lines.append(f"Left as they are (no fix within {max_accounts:,} accounts that keeps everyone else in band): "
                     f"{', '.join(stuck[:8])}" + (f" and {len(stuck) - 8} more" if len(stuck) > 8 else "") + ".")
    return WhatIf(title, edit, len(rows), table, after, lines)


def _shortest_fix(trial: Plan, now: object, t: int, cand: np.ndarray, target: np.ndarray) -> int | None:
    """The fewest of `cand` (a prefix) that bring t into band and break nothing else, or None."""
    if not len(cand):
        return None

    def ok(k: int) -> bool:
        rows = cand[:k]
        try:
            undo = trial.apply(MoveAccounts(rows, target[rows].astype(np.int32)))
        except EditRefused:
            return False
        try:
            return _fixes(now, kpis.territory_table(trial), t)
        finally:
            trial.apply(undo)

    lo, hi = 0, 1  # ok(lo) is False (t is out now); find the first ok(hi)
    while not ok(hi):
        if hi >= len(cand):
            return None
        lo, hi = hi, min(2 * hi, len(cand))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _fixes(before, after, t: int) -> bool:  # noqa: ANN001 — two territory tables
    """t is in band after, and no territory in band before is out of band or newly over capacity after."""
    if t not in after.index or not bool(after.at[t, "in_band"]):
        return False
    common = after.index.intersection(before.index)
    was_in = before.loc[common, "in_band"].to_numpy(dtype=bool)
    now_in = after.loc[common, "in_band"].to_numpy(dtype=bool)
    was_over = before.loc[common, "over_capacity"].to_numpy(dtype=bool)
    now_over = after.loc[common, "over_capacity"].to_numpy(dtype=bool)
    return not (was_in & ~now_in).any() and not (~was_over & now_over).any()
